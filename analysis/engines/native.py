"""Where the rules engine's compiled modules are, and whether they may be used.

The rules are pure Python; ``scripts/build_native.py`` (run by ``make install``) compiles the
modules in ``COMPILED`` with mypyc, the compiler that ships with mypy, into ``build/native``.
Compiled, the same code classifies about 1.4x as many emails per second (bench/classify.py),
which the issue's 2,000 emails/s on one core needs on long job mail.

The compiled copy is used only while it was built from exactly the sources beside it (a
fingerprint of them and of the Python implementation): an edited rule is never shadowed by a
stale build; the package falls back to the sources and logs why. ``MAILBOX_PURE_PYTHON=1``
turns the compiled copy off (to compare the two, or to debug).
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
ANALYSIS_DIR = PACKAGE_DIR.parent
ROOT = ANALYSIS_DIR.parent
BUILD_DIR = ROOT / "build" / "native"
FINGERPRINT_FILE = BUILD_DIR / "FINGERPRINT"
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
# The shared library mypyc builds for the group, as a module of this package.
GROUP_NAME = "analysis.engines._native"


def sources() -> list[Path]:
    """Return the source files that are compiled."""
    return [PACKAGE_DIR / f"{name}.py" for name in COMPILED]


def fingerprinted() -> list[Path]:
    """Return the files a build depends on: the compiled modules and what they import.

    The compiled code was type-checked against the records in ``base`` and the statuses, so
    a change to any module of the package, or to those, calls for a new build.
    """
    outside = [ANALYSIS_DIR / "status.py", ANALYSIS_DIR / "results.py"]
    return [*sorted(PACKAGE_DIR.glob("*.py")), *outside]


def fingerprint() -> str:
    """Return what a build of the current sources is recognised by."""
    digest = hashlib.sha256()
    # Not mypy's version: the image that runs a build need not have mypy (Dockerfile).
    digest.update(sys.implementation.cache_tag.encode())
    for path in fingerprinted():
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def usable_build(build_dir: Path = BUILD_DIR) -> Path | None:
    """Return the folder of compiled modules if they match the sources, else None."""
    stamp = build_dir / FINGERPRINT_FILE.name
    if os.environ.get("MAILBOX_PURE_PYTHON") == "1" or not stamp.is_file():
        return None
    if stamp.read_text().strip() != fingerprint():
        logger.warning(
            "The compiled rules in %s were built from other sources: using the pure-Python "
            "rules (slower). Run scripts/build_native.py (make install) to rebuild.",
            build_dir,
        )
        return None
    return build_dir / "analysis" / "engines"


def is_compiled() -> bool:
    """Return whether the rules running in this process are the compiled ones."""
    from analysis.engines import rules

    return Path(rules.__file__ or "").suffix != ".py"
