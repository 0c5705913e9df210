"""Regroup saved mailboxes with this tree's grouping rules, offline, and score them.

    .venv/bin/python bench/tracker_eval.py --seeds 1 2 3 --sizes 600 2000 --dump DIR
    .venv/bin/python bench/tracker_regroup.py DIR [DIR ...] [--save FILE] [--compare FILE]

``--dump`` (``evaluate_tracker``'s) saves each generated mailbox's grouping input and truth
(``tracker.replay``). This script groups every saved mailbox from scratch with the working
tree's ``tracker.clustering`` and prints each one's pairwise F1 beside what the pipeline
measured (a star where the groups differ from the pipeline's), the application count against
the true one and the largest gap of a dashboard rate from what the true grouping of the same
analysis shows (``evaluation.saved_figures``: the grouping's own share of a figure's error, in
percentage points), then the mean F1, the minimum, how many are under the 0.97 goal and how many
have a rate more than 1 pp off. ``--save FILE`` keeps the F1s and gaps; ``--compare FILE``
(saved by another tree) lists the mailboxes that moved and counts them up and down, and the
mailboxes more than 1 pp off before and after: an A/B of a rule over 141 mailboxes took 6.7 s
(stop 38's machine), where the pipeline takes 6-20 s a mailbox. Needs no database: grouping is
a function of the emails.
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
GAP_GOAL = 1.0  # percentage points


def main() -> None:
    import django

    django.setup()
    from tracker import replay
    from tracker.evaluation import pairwise, saved_figures

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
    gaps: dict[str, float] = {}
    print(f"{'mailbox':<22} {'F1':>6}  pipeline (* grouped otherwise)  apps/true  rate gap pp")
    for path in paths:
        try:
            mailbox = replay.load(path)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise SystemExit(f"{path}: not a saved mailbox ({error})") from None
        regrouped = replay.regroup(mailbox)
        f1 = pairwise(mailbox.truth, regrouped).f1
        name = f"{path.parent.name}/{path.stem}"
        figures, truth = saved_figures(mailbox, regrouped), saved_figures(mailbox, mailbox.truth)
        scores[name], gaps[name] = f1, round(figures.gap(truth), 2)
        other = "" if replay.same_grouping(regrouped, mailbox.pipeline) else " *"
        print(f"{name:<22} {f1:6.4f}  {mailbox.pipeline_f1:.4f}{other:<2}"
              f"{figures.applications:>23}/{truth.applications:<4} {gaps[name]:11.1f}")  # fmt: skip
    values = list(scores.values())
    below = sum(f1 < GOAL for f1 in values)
    off = sum(gap > GAP_GOAL for gap in gaps.values())
    seconds = time.perf_counter() - started
    print(f"{len(values)} mailboxes in {seconds:.1f} s: mean F1 {statistics.mean(values):.4f}, "
          f"min {min(values):.4f}, {below} under {GOAL}; {off} with a rate over "
          f"{GAP_GOAL:g} pp off")  # fmt: skip
    if args.compare:
        _compare(_saved(args.compare), {"f1": scores, "gap": gaps})
    if args.save:
        args.save.write_text(json.dumps({"f1": scores, "gap": gaps}, indent=1, sort_keys=True))


def _saved(path: Path) -> dict[str, dict[str, float]]:
    """What ``--save`` wrote (an earlier version saved the F1s alone: no gaps then)."""
    saved = json.loads(path.read_text())
    return saved if "f1" in saved else {"f1": saved, "gap": {}}


def _compare(before: dict[str, dict[str, float]], after: dict[str, dict[str, float]]) -> None:
    common = sorted(before["f1"].keys() & after["f1"].keys())
    if not common:
        raise SystemExit(
            "--compare: none of its mailboxes were regrouped here (other directories?)"
        )
    old_f1, new_f1 = before["f1"], after["f1"]
    moved = [(name, old_f1[name], new_f1[name]) for name in common if old_f1[name] != new_f1[name]]
    for name, old, new in moved:
        print(f"  {name:<22} {old:.4f} -> {new:.4f} {'up' if new > old else 'down'}")
    up = sum(new > old for _, old, new in moved)
    mean_before = statistics.mean(old_f1[n] for n in common)
    mean_after = statistics.mean(new_f1[n] for n in common)
    print(f"against {len(common)} compared: {up} up, {len(moved) - up} down; mean F1 "
          f"{mean_before:.4f} -> {mean_after:.4f}")  # fmt: skip
    gapped = [name for name in common if name in before["gap"]]
    if gapped:
        was = sum(before["gap"][name] > GAP_GOAL for name in gapped)
        now = sum(after["gap"][name] > GAP_GOAL for name in gapped)
        print(f"  a rate over {GAP_GOAL:g} pp off: {was} -> {now} of {len(gapped)}")


if __name__ == "__main__":
    main()
