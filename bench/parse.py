"""Benchmark: should sync fetch ``format=raw`` or ``format=full``? Measure both.

For the same messages, compares
  * the JSON response size of ``users.messages.get`` (compact, and gzipped as Google sends
    it to clients that accept gzip, which googleapiclient does), and
  * parse throughput of ``parse_raw_message`` vs ``parse_full_message`` (parse only, and
    json.loads + parse, which is what a sync worker pays per message),
  * how often the two formats give different stored fields.

Messages come from ../shared/data/email-corpus when it exists (real parser fixtures,
including 0.5-3 MB stress files) and from a generated mailbox of ordinary mail with
attachments (always). ``full`` payloads are rendered by google_emulator (attachment bodies
above 4 KB served by attachmentId, as Gmail does), or by the parsing tests' helper.

    .venv/bin/python bench/parse.py [--rounds 3] [--generated 400] [--no-corpus]
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import gzip
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mails.parsing import ParsedMessage, parse_full_message, parse_raw_message  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "email-corpus"
META = {
    "threadId": "18c0ffee",
    "labelIds": ["INBOX", "UNREAD", "CATEGORY_PERSONAL"],
    "snippet": "Hello &amp; welcome",
    "historyId": "123456",
    "internalDate": "1700000000000",
}


def corpus_messages() -> list[bytes]:
    """Return every message of the shared corpus ([] when it is absent)."""
    if not CORPUS.is_dir():
        return []
    files = sorted(p for p in CORPUS.rglob("*") if p.is_file() and "LICENSE" not in p.name)
    return [p.read_bytes() for p in files]


# Words of a job-hunting mailbox, some non-ASCII so charsets matter.
WORDS = [
    "interview", "offer", "application", "position", "team", "schedule", "thanks", "regards",
    "candidate", "role", "engineer", "python", "django", "next", "steps", "available",
    "monday", "résumé", "café", "naïve", "Grüße",
]  # fmt: skip


def _text(rng: random.Random, words: int) -> str:
    lines = []
    for _ in range(max(1, words // 12)):
        lines.append(" ".join(rng.choice(WORDS) for _ in range(12)))
    return "\n".join(lines)


def generated_messages(count: int, seed: int = 7) -> list[bytes]:
    """Return ordinary mail: plain, alternative, newsletters, a third with attachments."""
    rng = random.Random(seed)
    messages = []
    for index in range(count):
        message = EmailMessage()
        message["From"] = f"Recruiter {index} <jobs{index}@example.com>"
        message["To"] = "me@example.com"
        message["Subject"] = f"Re: {rng.choice(WORDS)} {rng.choice(WORDS)} #{index}"
        message["Date"] = "Tue, 14 Nov 2023 22:13:20 +0100"
        message["Message-ID"] = f"<gen-{index}@example.com>"
        charset = rng.choice(["utf-8", "utf-8", "iso-8859-1", "windows-1252"])
        body = _text(rng, rng.randint(40, 600))
        message.set_content(body, charset=charset)
        if rng.random() < 0.7:
            html = "".join(f"<p>{line}</p>" for line in body.split("\n"))
            message.add_alternative(f"<html><body>{html}</body></html>", subtype="html")
        if rng.random() < 0.33:
            size = rng.choice([20_000, 150_000, 900_000])
            message.add_attachment(
                rng.randbytes(size), maintype="application", subtype="pdf", filename="cv.pdf"
            )
        messages.append(message.as_bytes())
    return messages


def full_renderer() -> tuple[str, Callable[[bytes], dict[str, Any]]]:
    """Return a name and a function rendering RFC 822 bytes into a ``full`` payload."""
    try:
        from google_emulator.mime import parse_message
    except ImportError:
        from mails.tests.test_parsing import gmail_full

        return "mails.tests.test_parsing.gmail_full", lambda raw: gmail_full(raw)["payload"]
    return "google_emulator.mime", lambda raw: parse_message(raw).payload


@dataclasses.dataclass
class Responses:
    raw: list[str]
    full: list[str]
    source_bytes: int


def responses(messages: Sequence[bytes], render: Callable[[bytes], dict[str, Any]]) -> Responses:
    """Return the JSON responses Gmail would send for each message in both formats."""
    raw_json, full_json = [], []
    for index, raw in enumerate(messages):
        meta = {"id": f"m{index:06x}", **META, "sizeEstimate": len(raw)}
        encoded = base64.urlsafe_b64encode(raw).decode("ascii")
        raw_json.append(json.dumps({**meta, "raw": encoded}, separators=(",", ":")))
        full = {**meta, "payload": render(raw)}
        full_json.append(json.dumps(full, separators=(",", ":"), ensure_ascii=False))
    return Responses(raw_json, full_json, sum(len(m) for m in messages))


def best_time(work: Callable[[], object], rounds: int) -> float:
    """Return the fastest of ``rounds`` runs of ``work``, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def _sizes(texts: list[str]) -> tuple[int, int]:
    encoded = [t.encode("utf-8") for t in texts]
    return sum(map(len, encoded)), sum(len(gzip.compress(e, 6)) for e in encoded)


def _differences(raw: list[ParsedMessage], full: list[ParsedMessage]) -> int:
    ignored = {"parse_error"}
    count = 0
    for a, b in zip(raw, full, strict=True):
        if any(
            getattr(a, f.name) != getattr(b, f.name)
            for f in dataclasses.fields(a)
            if f.name not in ignored
        ):
            count += 1
    return count


def _mb(size: float) -> str:
    return f"{size / 1e6:8.2f} MB"


def measure(label: str, messages: Sequence[bytes], rounds: int, render: Any) -> None:
    """Print sizes, throughput and their full/raw ratios for one set of messages."""
    data = responses(messages, render)
    raw_dicts = [json.loads(t) for t in data.raw]
    full_dicts = [json.loads(t) for t in data.full]
    count, source = len(messages), data.source_bytes
    raw_size, raw_gz = _sizes(data.raw)
    full_size, full_gz = _sizes(data.full)

    t_raw = best_time(lambda: [parse_raw_message(m) for m in raw_dicts], rounds)
    t_full = best_time(lambda: [parse_full_message(m) for m in full_dicts], rounds)
    e_raw = best_time(lambda: [parse_raw_message(json.loads(t)) for t in data.raw], rounds)
    e_full = best_time(lambda: [parse_full_message(json.loads(t)) for t in data.full], rounds)
    differing = _differences(
        [parse_raw_message(m) for m in raw_dicts], [parse_full_message(m) for m in full_dicts]
    )
    per_message = [len(f) / len(r) for r, f in zip(data.raw, data.full, strict=True)]

    print(f"\n== {label}: {count} messages, {_mb(source)} of RFC 822 source")
    print(f"{'':28}{'raw':>14}{'full':>14}{'full/raw':>10}")
    print(
        f"{'response JSON':28}{_mb(raw_size):>14}{_mb(full_size):>14}{full_size / raw_size:10.2f}"
    )
    print(
        f"{'response JSON, gzipped':28}{_mb(raw_gz):>14}{_mb(full_gz):>14}{full_gz / raw_gz:10.2f}"
    )
    print(f"{'  median per message':28}{'':>28}{statistics.median(per_message):10.2f}")
    for name, a, b in (("parse only", t_raw, t_full), ("json.loads + parse", e_raw, e_full)):
        print(
            f"{name + ' (msg/s)':28}{count / a:14,.0f}{count / b:14,.0f}{a / b:10.2f}"
            f"   (speed-up of full)"
        )
        print(f"{'  source MB/s':28}{source / a / 1e6:14.1f}{source / b / 1e6:14.1f}")
    print(f"messages whose stored fields differ between formats: {differing} of {count}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--generated", type=int, default=400)
    parser.add_argument("--no-corpus", action="store_true")
    args = parser.parse_args(argv)

    name, render = full_renderer()
    print(f"full payloads rendered by {name}; best of {args.rounds} rounds")
    corpus = [] if args.no_corpus else corpus_messages()
    if corpus:
        measure(f"email corpus ({CORPUS})", corpus, args.rounds, render)
    else:
        print(f"(no corpus at {CORPUS}: generated messages only)")
    measure("generated mailbox", generated_messages(args.generated), args.rounds, render)


if __name__ == "__main__":
    main()
