"""Measure the tracker's grouping and dashboard against the emulator's ground truth.

    manage.py evaluate_tracker [--seeds 1 2 3 4 5] [--sizes 600 2000] [--worst N] [--dump DIR]

Each (seed, size) is a generated mailbox, run through the real pipeline for a throwaway user
(deleted afterwards): see ``tracker.evaluation``. Prints pairwise precision/recall/F1 of
same-application email pairs, the application count against the truth, and each dashboard
figure next to its true value; ``--worst N`` shows each mailbox's N costliest splits and
merges email by email (``tracker.misgrouping``); ``--dump DIR`` saves each mailbox's grouping
input and truth there, for ``bench/tracker_regroup.py`` (``tracker.replay``).
``bench/tracker_eval.py`` runs it in a throwaway database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tracker.evaluation import Run, evaluate_mailbox
from tracker.misgrouping import describe


class Command(BaseCommand):
    help = "Score the tracker's grouping and dashboard against generated mailboxes' truth."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
        parser.add_argument("--sizes", type=int, nargs="+", default=[600, 2000])
        parser.add_argument(
            "--worst",
            type=int,
            default=0,
            help="after each mailbox, show its N costliest splits and merges, email by email",
        )
        parser.add_argument(
            "--dump",
            type=Path,
            help="save each mailbox's grouping input and truth in this directory (to regroup "
            "offline with bench/tracker_regroup.py)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        runs = []
        self.stdout.write(
            f"{'seed':>4} {'size':>5} {'job':>5} {'P':>6} {'R':>6} {'F1':>6} "
            f"{'apps':>5} {'true':>5} {'err%':>5}  figures (measured / true)"
        )
        for size in options["sizes"]:
            for seed in options["seeds"]:
                run = evaluate_mailbox(seed, size, options["dump"])
                runs.append(run)
                self.stdout.write(self._line(run))
                self._worst(run, options["worst"])
        self._summary(runs)

    @staticmethod
    def _line(run: Run) -> str:
        s = run.scores
        figures = "  ".join(
            f"{name} {mine:.1f}/{true:.1f}"
            for (name, mine), (_, true) in zip(run.measured.rows(), run.truth.rows(), strict=True)
        )
        return (
            f"{run.seed:>4} {run.size:>5} {run.job_emails:>5} {s.precision:6.3f} {s.recall:6.3f}"
            f" {s.f1:6.3f} {run.predicted_applications:>5} {run.true_applications:>5}"
            f" {run.count_error:5.1f}  {figures}"
        )

    def _worst(self, run: Run, count: int) -> None:
        short: dict[str, str] = {}  # tracked application ids as P1, P2... within one mailbox
        for misgrouping in run.misgrouped[:count]:
            self.stdout.write("\n".join(describe(misgrouping, short)))

    def _summary(self, runs: list[Run]) -> None:
        worst_f1 = min(run.scores.f1 for run in runs)
        worst_count = max(run.count_error for run in runs)
        gaps = {
            name: max(
                abs(dict(run.measured.rows())[name] - dict(run.truth.rows())[name]) for run in runs
            )
            for name, _ in runs[0].truth.rows()
            if name != "applications"
        }
        self.stdout.write(f"worst pairwise F1 {worst_f1:.3f} (goal >= 0.97)")
        self.stdout.write(f"worst application-count error {worst_count:.1f}% (goal <= 3%)")
        for name, gap in gaps.items():
            self.stdout.write(f"worst {name} gap {gap:.1f} pp (goal <= 1)")
