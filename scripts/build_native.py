"""Compile the pure-Python hot paths with mypyc into build/ (make install runs it).

    .venv/bin/python scripts/build_native.py [--force]

Each group of modules (``GROUPS``: the rules engine's, the sync's parsing and search fields) is
compiled into its own folder, and skipped when that folder already holds a build of the
current sources. Without a C compiler, or if the compiler fails, it says so and exits 0: those
modules then run as pure Python (the same results, slower). See ``native`` and the groups'
own modules (``analysis.engines.native``, ``mails.native``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The build reads the sources; it must not look for (or warn about) an older build.
os.environ["MAILBOX_PURE_PYTHON"] = "1"


@dataclass(frozen=True)
class Group:
    """What building one group of modules needs: what to compile, where, and its stamp."""

    label: str
    group_name: str  # mypyc's group: one shared library for the group's C code
    sources: list[Path]
    build_dir: Path
    fingerprint: str  # of the sources as they are before the build reads them

    @property
    def stamp(self) -> Path:
        return self.build_dir / "FINGERPRINT"


def groups() -> list[Group]:
    """Return every group, declared where its modules are."""
    from analysis.engines.native import RULES
    from mails.native import SYNC

    return [
        Group(g.label, g.group_name, g.sources(), g.build_dir, g.fingerprint())
        for g in (RULES, SYNC)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args()
    stale = []
    for group in groups():
        if args.force or _built(group) != group.fingerprint:
            stale.append(group)
        else:
            print(f"compiled {group.label} up to date in {_shown(group.build_dir)}")
    if stale and shutil.which(os.environ.get("CC", "cc")) is None:
        print("no C compiler (cc): the hot paths run as pure Python (slower)", file=sys.stderr)
        return 0
    # One process per group: each compiles one large C file, so on several cores the groups
    # build side by side (make install waits for the slowest, not the sum).
    with ProcessPoolExecutor(max(1, min(len(stale), os.cpu_count() or 1))) as builders:
        list(builders.map(_build_group, stale))
    return 0


def _built(group: Group) -> str:
    return group.stamp.read_text().strip() if group.stamp.is_file() else ""


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _build_group(group: Group) -> None:
    from setuptools.errors import CCompilerError, CompileError, LinkError  # type: ignore[import-untyped]

    began = time.monotonic()
    try:
        _build(group)
    # mypyc and setuptools report a failed type check or compile by exiting.
    except (SystemExit, OSError, CCompilerError, CompileError, LinkError) as error:
        print(
            f"compiling the {group.label} failed ({error}): they run as pure Python",
            file=sys.stderr,
        )
        shutil.rmtree(group.build_dir, ignore_errors=True)
        return
    group.stamp.write_text(group.fingerprint + "\n")
    print(
        f"compiled {len(group.sources)} {group.label} modules into {_shown(group.build_dir)} "
        f"in {time.monotonic() - began:.0f} s"
    )


def _build(group: Group) -> None:
    from mypyc.build import mypycify
    from setuptools import setup  # type: ignore[import-untyped]

    shutil.rmtree(group.build_dir, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="mailbox-native-") as temp:
        os.chdir(ROOT)  # mypyc names modules by their paths from here
        # Not our own mypy settings, which load the Django plugin: the compiled modules need
        # none of it. What they import from outside the group is read for its types only
        # (mails.search's package imports the query compiler, which reaches the models).
        # Its cache stays in the temporary folder: these settings are not the project's.
        config = Path(temp) / "mypy.ini"
        config.write_text(f"[mypy]\nfollow_imports = silent\ncache_dir = {temp}/mypy-cache\n")
        extensions = mypycify(
            ["--config-file", str(config), *(_shown(path) for path in group.sources)],
            opt_level="3",
            group_name=group.group_name,
            target_dir=str(Path(temp) / "c"),
        )
        setup(
            name=f"mailbox-native-{group.build_dir.name}",
            py_modules=[],
            packages=[],
            ext_modules=extensions,
            script_args=[
                "--quiet",
                "build_ext",
                f"--build-lib={group.build_dir}",
                f"--build-temp={Path(temp) / 'obj'}",
            ],
        )


if __name__ == "__main__":
    sys.exit(main())
