"""``manage.py evaluate_classifier PATH... [--emulator] [--own]``: score the classifier on labelled
mail: per-status and binary-rejection precision/recall/F1, confusion matrix, confidence AUROC
and calibration error, company/position accuracy."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analysis.classify import Analysis, EmailInput, classify
from analysis.engines import rules
from analysis.evaluation import (
    FORMATS,
    SPLITS,
    EvaluationError,
    LabelledEmail,
    emulator_emails,
    evaluate,
    format_report,
    load_csv,
    misses,
    own_set,
    split,
)


class Command(BaseCommand):
    help = (
        "Print per-status precision, recall and F1, macro-F1 and company/position exact-match "
        "accuracy of the classifier on labelled CSV files and/or the emulator's generated mail."
    )
    # Offline and read-only: it needs neither the database nor the rest of the project's checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="*", type=Path, help="labelled CSV files")
        parser.add_argument("--format", choices=sorted(FORMATS), help="default: from the header")
        parser.add_argument("--split", choices=SPLITS, default="all", help="default: all")
        parser.add_argument("--emulator", action="store_true", help="also the emulator's mail")
        parser.add_argument(
            "--own",
            action="store_true",
            help="also our own evaluation set (analysis/evaluation_set): dev and holdout apart",
        )
        parser.add_argument("--seed", type=_positive, default=7)
        parser.add_argument("--count", type=_positive, default=1000, help="per account")
        parser.add_argument("--accounts", type=_positive, default=1)
        parser.add_argument(
            "--engine",
            choices=("configured", "rules"),
            default="configured",
            help="configured: the LLM when ANALYSIS_LLM_URL is set; rules: always the rules",
        )
        parser.add_argument(
            "--show-misses", type=int, default=0, metavar="N", help="print N wrong rows per set"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        paths: list[Path] = options["paths"]
        if not paths and not options["emulator"] and not options["own"]:
            raise CommandError("give at least one CSV PATH, --emulator or --own")
        engine: Callable[[EmailInput], Analysis] = (
            rules.analyse if options["engine"] == "rules" else classify
        )
        for name, rows in self._datasets(paths, options):
            self.stdout.write(format_report(evaluate(name, rows, engine)))
            self._show_misses(rows, engine, options["show_misses"])
            self.stdout.write("")

    def _datasets(
        self, paths: list[Path], options: dict[str, Any]
    ) -> list[tuple[str, list[LabelledEmail]]]:
        datasets = []
        try:
            for path in paths:
                fmt, rows = load_csv(path, options["format"])
                rows = split(rows, options["split"])
                datasets.append((f"{path.name} [{fmt}, {options['split']}]", rows))
            if options["emulator"]:
                seed, count, accounts = options["seed"], options["count"], options["accounts"]
                rows = emulator_emails(seed=seed, count=count, accounts=accounts)
                datasets.append((f"emulator [seed {seed}, {accounts}x{count}]", rows))
            if options["own"]:
                rows = own_set()
                parts = ("dev", "holdout") if options["split"] == "all" else (options["split"],)
                for part in parts:
                    datasets.append((f"own evaluation set [{part}]", split(rows, part)))
        except EvaluationError as error:
            raise CommandError(str(error)) from error
        return datasets

    def _show_misses(
        self, rows: list[LabelledEmail], engine: Callable[[EmailInput], Analysis], limit: int
    ) -> None:
        for shown, (row, analysis) in enumerate(misses(rows, engine)):
            if shown >= limit:
                break
            expected = "/".join(sorted(s.value for s in row.statuses or ()))
            self.stdout.write(
                f"-- {row.email.message_id}: expected {expected or '-'} {row.company!r}, "
                f"got {analysis.status.value} {analysis.company!r} {analysis.position!r}\n"
                f"   from {row.email.sender!r} subject {row.email.subject!r}\n"
                f"   {' '.join(row.email.body_text.split())[:400]}"
            )


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} must be at least 1")
    return number
