"""Regroup saved mailboxes with this tree's grouping rules, offline, and score them.

    .venv/bin/python bench/tracker_eval.py --seeds 1 2 3 --sizes 600 2000 --dump DIR
    .venv/bin/python bench/tracker_regroup.py DIR [DIR ...] [--save FILE] [--compare FILE]

``--dump`` (``evaluate_tracker``'s) saves each generated mailbox's grouping input and truth
(``tracker.replay``). This script groups every saved mailbox from scratch with the working
tree's ``tracker.clustering`` and prints each one's pairwise F1 beside what the pipeline
measured (a star where the groups differ from the pipeline's), then the mean, the minimum and
how many are under the 0.97 goal. ``--save FILE`` keeps the F1s; ``--compare FILE`` (saved by
another tree) lists the mailboxes that moved and counts them up and down: an A/B of a rule
over 141 mailboxes took 6.7 s (stop 38's machine), where the pipeline takes 6-20 s a mailbox.
Needs no database: grouping is a function of the emails.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
import mailbox_project.testenv  # noqa: E402,F401  (test defaults for the rest of the environment)

GOAL = 0.97


def main() -> None:
    import django

    django.setup()
    from tracker import replay
    from tracker.evaluation import pairwise

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directories", type=Path, nargs="+")
    parser.add_argument("--save", type=Path, help="write each mailbox's F1 here (JSON)")
    parser.add_argument("--compare", type=Path, help="F1s saved by another tree, to compare")
    args = parser.parse_args()
    paths = sorted(p for d in args.directories for p in d.glob("*.json"))
    if not paths:
        raise SystemExit("no saved mailboxes (*.json) in " + ", ".join(map(str, args.directories)))
    started = time.perf_counter()
    scores: dict[str, float] = {}
    print(f"{'mailbox':<22} {'F1':>6}  pipeline (* grouped otherwise)")
    for path in paths:
        try:
            mailbox = replay.load(path)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise SystemExit(f"{path}: not a saved mailbox ({error})") from None
        regrouped = replay.regroup(mailbox)
        f1 = pairwise(mailbox.truth, regrouped).f1
        name = f"{path.parent.name}/{path.stem}"
        scores[name] = f1
        other = "" if replay.same_grouping(regrouped, mailbox.pipeline) else " *"
        print(f"{name:<22} {f1:6.4f}  {mailbox.pipeline_f1:.4f}{other}")
    values = list(scores.values())
    below = sum(f1 < GOAL for f1 in values)
    seconds = time.perf_counter() - started
    print(f"{len(values)} mailboxes in {seconds:.1f} s: mean F1 {statistics.mean(values):.4f}, "
          f"min {min(values):.4f}, {below} under {GOAL}")  # fmt: skip
    if args.compare:
        _compare(json.loads(args.compare.read_text()), scores)
    if args.save:
        args.save.write_text(json.dumps(scores, indent=1, sort_keys=True))


def _compare(before: dict[str, float], after: dict[str, float]) -> None:
    common = sorted(before.keys() & after.keys())
    if not common:
        raise SystemExit(
            "--compare: none of its mailboxes were regrouped here (other directories?)"
        )
    moved = [(name, before[name], after[name]) for name in common if before[name] != after[name]]
    for name, old, new in moved:
        print(f"  {name:<22} {old:.4f} -> {new:.4f} {'up' if new > old else 'down'}")
    up = sum(new > old for _, old, new in moved)
    mean_before = statistics.mean(before[n] for n in common)
    mean_after = statistics.mean(after[n] for n in common)
    print(f"against {len(common)} compared: {up} up, {len(moved) - up} down; mean F1 "
          f"{mean_before:.4f} -> {mean_after:.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
