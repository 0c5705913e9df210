"""Compile the rules engine's hot modules with mypyc into build/native (make install runs it).

    .venv/bin/python scripts/build_native.py [--force]

Skips the build when build/native already holds one of the current sources. Without a C
compiler, or if the compiler fails, it says so and exits 0: the rules then run as pure Python
(the same results, slower). See ``analysis.engines.native``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The build reads the sources; it must not look for (or warn about) an older build.
os.environ["MAILBOX_PURE_PYTHON"] = "1"

from analysis.engines import native  # noqa: E402  (the path above first)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="rebuild even if up to date")
    args = parser.parse_args()
    wanted = native.fingerprint()
    if not args.force and _built() == wanted:
        print(f"compiled rules up to date in {native.BUILD_DIR}")
        return 0
    if shutil.which(os.environ.get("CC", "cc")) is None:
        print("no C compiler (cc): the rules run as pure Python (slower)", file=sys.stderr)
        return 0
    from setuptools.errors import CCompilerError, CompileError, LinkError  # type: ignore[import-untyped]

    try:
        _build()
    # mypyc and setuptools report a failed type check or compile by exiting.
    except (SystemExit, OSError, CCompilerError, CompileError, LinkError) as error:
        print(f"compiling the rules failed ({error}): they run as pure Python", file=sys.stderr)
        shutil.rmtree(native.BUILD_DIR, ignore_errors=True)
        return 0
    native.FINGERPRINT_FILE.write_text(wanted + "\n")
    print(f"compiled {len(native.COMPILED)} rules modules into {native.BUILD_DIR}")
    return 0


def _built() -> str:
    path = native.FINGERPRINT_FILE
    return path.read_text().strip() if path.is_file() else ""


def _build() -> None:
    from mypyc.build import mypycify
    from setuptools import setup  # type: ignore[import-untyped]

    shutil.rmtree(native.BUILD_DIR, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="mailbox-native-") as temp:
        os.chdir(ROOT)  # mypyc names modules by their paths from here
        # Our own mypy settings would load the Django plugin: the rules need none of it.
        config = Path(temp) / "mypy.ini"
        config.write_text("[mypy]\n")
        extensions = mypycify(
            ["--config-file", str(config), *map(str, _relative(native.sources()))],
            opt_level="3",
            group_name=native.GROUP_NAME,
            target_dir=str(Path(temp) / "c"),
        )
        setup(
            name="mailbox-rules-native",
            py_modules=[],
            packages=[],
            ext_modules=extensions,
            script_args=[
                "--quiet",
                "build_ext",
                f"--build-lib={native.BUILD_DIR}",
                f"--build-temp={Path(temp) / 'obj'}",
            ],
        )


def _relative(paths: list[Path]) -> list[Path]:
    return [path.relative_to(ROOT) for path in paths]


if __name__ == "__main__":
    sys.exit(main())
