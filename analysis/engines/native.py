"""The rules engine's compiled modules (``native.NativeGroup``): which, and what they depend on.

The rules are pure Python; ``scripts/build_native.py`` (run by ``make install``) compiles the
modules in ``COMPILED`` with mypyc into ``build/native``. Compiled, the same code classifies
about 1.4x as many emails per second (bench/classify.py), which the issue's 2,000 emails/s on
one core needs on long job mail. As every group: used only while built from exactly the sources
beside it (``MAILBOX_PURE_PYTHON=1`` turns it off); ``analysis.engines`` extends its path first.
"""

from __future__ import annotations

from pathlib import Path

from native import ROOT, NativeGroup

# The modules the rules spend their time in. ``base`` stays interpreted: its records
# (``EmailInput``, ``Analysis``) are used, pickled and subclassed by the rest of the app.
COMPILED = (
    "company",
    "cues",
    "decision_words",
    "decisions",
    "details",
    "names",
    "people",
    "position",
    "rule_text",
    "rules",
    "triggers",
    "vocab",
)
_PACKAGE = Path(__file__).resolve().parent


def _checked_against() -> tuple[str, ...]:
    """The files the compiled code was type-checked against: the package's other modules
    (the records in ``base``) and the statuses; editing one calls for a new build."""
    others = (p for p in _PACKAGE.glob("*.py") if p.stem not in COMPILED)
    return (
        *sorted(p.relative_to(ROOT).as_posix() for p in others),
        "analysis/status.py",
        "analysis/results.py",
    )


RULES = NativeGroup(
    label="rules",
    group_name="analysis.engines._native",
    folder="native",
    modules=tuple(f"analysis.engines.{name}" for name in COMPILED),
    depends_on=_checked_against(),
)
