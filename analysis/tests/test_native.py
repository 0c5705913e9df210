"""The compiled rules (mypyc, ``analysis.engines.native.RULES``): used only when built from the
sources beside them, and answering exactly as the pure-Python rules do."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.engines.native import RULES

ROOT = Path(__file__).resolve().parents[2]


def test_the_fingerprint_follows_every_source_the_build_read(tmp_path: Path) -> None:
    # A copy of the sources, so one can be edited: a compiled module, the records in ``base``
    # (not compiled, but the compiled code was checked against them) and the statuses.
    engines = tmp_path / "analysis" / "engines"
    shutil.copytree(
        ROOT / "analysis" / "engines", engines, ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("status.py", "results.py"):
        shutil.copy(ROOT / "analysis" / name, tmp_path / "analysis" / name)
    seen = {RULES.fingerprint(tmp_path)}
    assert seen == {RULES.fingerprint()}  # the copy is the sources
    for edited in (engines / "rules.py", engines / "base.py", tmp_path / "analysis/status.py"):
        edited.write_text(edited.read_text() + "\n# edited\n")
        seen.add(RULES.fingerprint(tmp_path))
    assert len(seen) == 4  # every edit called for a new build


def _classify_all(tmp_path: Path, pure: bool) -> tuple[str, str]:
    out = tmp_path / ("pure.jsonl" if pure else "compiled.jsonl")
    env = {**os.environ, "MAILBOX_PURE_PYTHON": "1" if pure else "0"}
    done = subprocess.run(
        [sys.executable, "bench/classify.py", "--rounds", "1", "--count", "800", "--dump", out],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return done.stdout, out.read_text()


@pytest.mark.slow
def test_the_compiled_rules_answer_as_the_pure_python_rules(tmp_path: Path) -> None:
    if RULES.usable_build() is None:
        pytest.skip("no compiled rules for these sources (no C compiler at make install?)")
    compiled_report, compiled = _classify_all(tmp_path, pure=False)
    pure_report, pure = _classify_all(tmp_path, pure=True)
    assert "compiled (mypyc)" in compiled_report
    assert "pure Python" in pure_report
    # Every email of every data set (generated mailbox, own set, and ../shared's when present):
    # status, company, position, description and confidence to the last digit.
    assert compiled.count("\n") > 1000
    assert compiled == pure
