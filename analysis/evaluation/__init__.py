"""Measure the classifier on labelled email: per-status precision/recall/F1 and field accuracy,
binary rejection precision/recall/F1, and how well the confidence separates right from wrong
(AUROC of confidence for correctness, expected calibration error over ten bins).

Labelled sets come in several vocabularies. Each loader maps its labels to the set of our
statuses that the label admits: a coarse label such as "action_required (assessment or
information request)" admits three of ours, and a prediction inside the set counts as right.
Rows can be split deterministically (by a hash of their text) into a ``dev`` part to tune
on and a ``holdout`` part to report, so the two never mix whatever the file's order; rows
that carry their own part (our evaluation set, ``analysis.evaluation_set``) keep it.

``records`` (formats, rows, scores, reports), ``datasets`` (loading and decoding bodies as the
product does), ``scoring`` (the figures) and ``output`` (the printed report) are its parts.
"""

from analysis.evaluation.datasets import (
    decode_body,
    detect_format,
    email_of,
    emulator_emails,
    load_csv,
    own_set,
    split,
    transfer_encoding_of,
)
from analysis.evaluation.output import format_report
from analysis.evaluation.records import (
    FORMATS,
    SPLITS,
    EvaluationError,
    LabelledEmail,
    Report,
    StatusScore,
)
from analysis.evaluation.scoring import (
    auroc,
    evaluate,
    expected_calibration_error,
    misses,
    normalise_name,
)

__all__ = [
    "FORMATS",
    "SPLITS",
    "EvaluationError",
    "LabelledEmail",
    "Report",
    "StatusScore",
    "auroc",
    "decode_body",
    "detect_format",
    "email_of",
    "emulator_emails",
    "evaluate",
    "expected_calibration_error",
    "format_report",
    "load_csv",
    "misses",
    "normalise_name",
    "own_set",
    "split",
    "transfer_encoding_of",
]
