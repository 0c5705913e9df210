"""The compiled sync parser (mypyc, ``mails.native``): used only when built from the sources
beside it, and storing exactly what the pure-Python parser stores."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from mails.native import SYNC
from native import ROOT


def test_the_fingerprint_follows_every_compiled_module(tmp_path: Path) -> None:
    for source in SYNC.sources():
        copy = tmp_path / source.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, copy)
    seen = {SYNC.fingerprint(tmp_path)}
    for edited in SYNC.sources(tmp_path):
        edited.write_text(edited.read_text() + "\n# edited\n")
        seen.add(SYNC.fingerprint(tmp_path))
    assert len(seen) == len(SYNC.modules) + 1  # every edit called for a new build


def _puts_the_build_first(init: Path) -> bool:
    """Return True if ``init`` calls ``SYNC.extend_path(__name__, __path__)`` before it
    imports any module of its package (which would then be the source, never the build)."""
    package = ".".join(init.parent.relative_to(ROOT).parts)
    call = "SYNC.extend_path(__name__, __path__)"
    for node in ast.parse(init.read_text()).body:
        if isinstance(node, ast.Expr) and ast.unparse(node) == call:
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(f"{package}."):
            return False
    return False


def test_every_package_of_the_group_puts_the_build_first() -> None:
    inits = [ROOT.joinpath(*package.split("."), "__init__.py") for package in SYNC.packages]
    assert {str(init.relative_to(ROOT)) for init in inits} == {
        "mails/parsing/__init__.py",
        "mails/search/__init__.py",
    }
    assert all(_puts_the_build_first(init) for init in inits)


def test_a_usable_build_is_what_runs() -> None:
    if SYNC.usable_build() is None:
        pytest.skip("no compiled parser for these sources (no C compiler at make install?)")
    assert SYNC.is_compiled()


@pytest.mark.slow
def test_the_compiled_parser_stores_what_the_pure_python_parser_stores() -> None:
    if SYNC.usable_build() is None:
        pytest.skip("no compiled parser for these sources (no C compiler at make install?)")
    # Every stored field (search terms and text included) of the emulator's mailbox, the
    # project's real-mail fixtures and, when ../shared is there, every message of its corpus
    # and job mail, both formats: this process compiled, a child with MAILBOX_PURE_PYTHON=1.
    done = subprocess.run(
        [sys.executable, "bench/parse_parity.py", "--pure", "--generated", "1000"],
        cwd=ROOT,
        env={**os.environ, "MAILBOX_PURE_PYTHON": "0"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert "pure Python" in done.stdout
    assert "compiled (mypyc)" in done.stdout
    assert " 0 differ" in done.stdout, done.stdout[-3000:]
    assert done.returncode == 0
