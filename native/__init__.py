"""Pure-Python modules compiled with mypyc, and whether a build of them may be used.

Some hot paths are plain typed Python that mypyc, the compiler that ships with mypy, turns into
C extensions: ``scripts/build_native.py`` (run by ``make install``) compiles each
:class:`NativeGroup` into its own folder of ``build/``. The sources stay the truth: a package
whose modules are in a group calls :meth:`NativeGroup.extend_path` first thing in its
``__init__``, which puts the build's folder before its own on ``__path__`` only when that build
was made from exactly the sources beside it (a fingerprint of them and of the Python
implementation). An edited module is never shadowed by a stale build: the package runs its
sources and logs why. ``MAILBOX_PURE_PYTHON=1`` turns every build off (to compare, or to debug);
without a C compiler there is no build and everything runs as pure Python, answering the same.

This module imports only the standard library: it runs before the packages it serves.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
BUILDS = ROOT / "build"
FINGERPRINT = "FINGERPRINT"
PURE_PYTHON_ENV = "MAILBOX_PURE_PYTHON"


@dataclass(frozen=True)
class NativeGroup:
    """Modules compiled together (calls between them are C calls), and their build folder.

    ``modules`` are dotted names; every package holding one must call ``extend_path``.
    ``depends_on`` are further files (relative to the root) the compiled code was type-checked
    against: editing one calls for a new build as editing a compiled module does.
    """

    label: str
    group_name: str  # mypyc's group: its shared library is the module ``<group_name>__mypyc``
    modules: tuple[str, ...]
    folder: str  # the build's, under build/
    depends_on: tuple[str, ...] = ()

    @property
    def build_dir(self) -> Path:
        return BUILDS / self.folder

    @property
    def fingerprint_file(self) -> Path:
        return self.build_dir / FINGERPRINT

    @property
    def packages(self) -> tuple[str, ...]:
        """Return the packages the build puts modules in (the group's library's included)."""
        names = (name.rpartition(".")[0] for name in (*self.modules, self.group_name))
        return tuple(dict.fromkeys(names))

    def sources(self, root: Path = ROOT) -> list[Path]:
        """Return the source files that are compiled."""
        return [root / (name.replace(".", "/") + ".py") for name in self.modules]

    def fingerprinted(self, root: Path = ROOT) -> list[Path]:
        """Return every file a build depends on: the compiled modules and ``depends_on``."""
        return sorted({*self.sources(root), *(root / name for name in self.depends_on)})

    def fingerprint(self, root: Path = ROOT) -> str:
        """Return what a build of the sources under ``root`` is recognised by."""
        digest = hashlib.sha256()
        # Not mypy's version: the image that runs a build need not have mypy (Dockerfile).
        digest.update(sys.implementation.cache_tag.encode())
        for path in self.fingerprinted(root):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
        return digest.hexdigest()

    def usable_build(self, build_dir: Path | None = None, root: Path = ROOT) -> Path | None:
        """Return the folder of compiled modules if they match the sources, else None."""
        build_dir = build_dir or self.build_dir
        stamp = build_dir / FINGERPRINT
        if os.environ.get(PURE_PYTHON_ENV) == "1" or not stamp.is_file():
            return None
        if stamp.read_text().strip() != self.fingerprint(root):
            logger.warning(
                "The compiled %s modules in %s were built from other sources: running them as pure "
                "Python (slower). Run scripts/build_native.py (make install) to rebuild.",
                self.label,
                build_dir,
            )
            return None
        return build_dir

    def extend_path(self, package: str, path: list[str]) -> None:
        """Put the build's folder of ``package`` first on its ``path`` (``__path__``), if usable.

        Called by the package's ``__init__`` before it imports any compiled module.
        """
        build = _decided(self)
        if build is not None:
            path.insert(0, str(build.joinpath(*package.split("."))))

    def is_compiled(self) -> bool:
        """Return whether this process runs every module of the group compiled."""
        import importlib

        return all(
            Path(importlib.import_module(name).__file__ or "").suffix != ".py"
            for name in self.modules
        )


@functools.cache
def _decided(group: NativeGroup) -> Path | None:
    # Once per process: every package of the group must run the same code, compiled or not.
    return group.usable_build()
