"""A generated mailbox's grouping input and truth, saved to regroup offline.

Measuring a grouping rule through the whole pipeline (``evaluate_tracker``) costs 6-20 s a
mailbox; the rule only sees what the timelines hold. ``evaluate_tracker --dump DIR`` saves, per
mailbox, every timeline email as ``tracker.clustering`` takes it (``cluster.Mail``), the
emulator's truth (message id → application) and the pipeline's own groups, as JSON;
``bench/tracker_regroup.py`` regroups the saved mailboxes with the working tree's ``Grouper``
and scores them as ``evaluate_tracker`` does (``evaluation.pairwise``): 141 mailboxes in 6.7 s
on stop 38's machine. A saved mailbox regroups to the pipeline's own groups
(``tracker/tests/test_evaluation.py``): the pipeline groups each batch's companies from scratch
with the same ``Grouper``, so its end state is a function of these emails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tracker.cluster import Mail
from tracker.clustering import Grouper
from tracker.placement import reapply_gap

FORMAT = 1


@dataclass(frozen=True)
class SavedMailbox:
    seed: int
    size: int
    pipeline_f1: float  # what evaluate_tracker measured, for reference
    truth: dict[str, str]  # message id -> true application
    mails: list[Mail]
    pipeline: dict[str, str]  # message id -> the application the pipeline put it in


def path_for(directory: Path, seed: int, size: int) -> Path:
    return directory / f"{seed}-{size}.json"


def save(directory: Path, mailbox: SavedMailbox) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    document = {
        "format": FORMAT,
        "seed": mailbox.seed,
        "size": mailbox.size,
        "pipeline_f1": mailbox.pipeline_f1,
        "truth": mailbox.truth,
        "mails": [_mail_document(mail) for mail in mailbox.mails],
        "pipeline": mailbox.pipeline,
    }
    path = path_for(directory, mailbox.seed, mailbox.size)
    path.write_text(json.dumps(document, sort_keys=True))
    return path


def load(path: Path) -> SavedMailbox:
    """Read a saved mailbox; ``ValueError`` for a file that is not one (or of another format)."""
    document = json.loads(path.read_text())
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValueError(f"{path}: not a saved mailbox of format {FORMAT}")
    return SavedMailbox(
        seed=int(document["seed"]),
        size=int(document["size"]),
        pipeline_f1=float(document["pipeline_f1"]),
        truth={str(k): str(v) for k, v in document["truth"].items()},
        mails=[_mail(item) for item in document["mails"]],
        pipeline={str(k): str(v) for k, v in document["pipeline"].items()},
    )


def regroup(mailbox: SavedMailbox) -> dict[str, str]:
    """Group the saved emails from scratch with this tree's rules: message id -> group."""
    clusters = Grouper({}, reapply_gap()).group(mailbox.mails)
    return {mail.message_id: str(cluster.index) for cluster in clusters for mail in cluster.mails}


def same_grouping(first: dict[str, str], second: dict[str, str]) -> bool:
    """Whether two groupings (message id -> group) put the same emails together."""

    def partition(grouping: dict[str, str]) -> set[frozenset[str]]:
        groups: dict[str, set[str]] = {}
        for message_id, group in grouping.items():
            groups.setdefault(group, set()).add(message_id)
        return {frozenset(members) for members in groups.values()}

    return partition(first) == partition(second)


def _mail_document(mail: Mail) -> dict[str, Any]:
    return {
        "message_id": mail.message_id,
        "date": mail.date.isoformat(),
        "status": mail.status,
        "company": mail.company,
        "position": mail.position,
        "strong": sorted(mail.strong),
        "recruiter": mail.recruiter,
        "person": mail.person,
        "channel": mail.channel,
        "moved": mail.moved,
    }


def _mail(item: dict[str, Any]) -> Mail:
    return Mail(
        message_id=str(item["message_id"]),
        date=datetime.fromisoformat(item["date"]),
        status=str(item["status"]),
        company=str(item["company"]),
        position=str(item["position"]),
        strong=frozenset(str(key) for key in item["strong"]),
        recruiter=str(item["recruiter"]),
        person=str(item["person"]),
        channel=str(item["channel"]),
        moved=bool(item["moved"]),
    )
