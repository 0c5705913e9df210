"""Progress of long runs: a bar redrawn in place on a terminal, plain lines otherwise (logs)."""

from __future__ import annotations

import time
from typing import TextIO

from django.core.management.base import OutputWrapper

Output = TextIO | OutputWrapper

BAR_WIDTH = 30
# Plain-line mode prints at most one line per this many seconds (plus each collection's end).
LINE_EVERY = 5.0


class Progress:
    """Report documents done out of an estimated total, per collection."""

    def __init__(self, out: Output | None, verb: str, total: int) -> None:
        self._out = out
        self._verb = verb
        self._total = max(total, 1)
        self._done = 0
        self._tty = bool(out is not None and out.isatty())
        self._last_line = 0.0
        self._started = time.monotonic()

    def advance(self, collection: str, documents: int) -> None:
        self._done += documents
        if self._out is None:
            return
        if self._tty:
            share = min(1.0, self._done / self._total)
            bar = "#" * int(share * BAR_WIDTH)
            self._write(f"\r{self._verb} [{bar:<{BAR_WIDTH}}] {share:5.1%} {collection[:30]:<30}")
        elif time.monotonic() - self._last_line >= LINE_EVERY:
            self._line(collection)

    def collection_done(self, collection: str, documents: int) -> None:
        if self._out is None:
            return
        if self._tty:
            self._write("\r" + " " * (BAR_WIDTH + 50) + "\r")
        self._write(f"{self._verb} {collection}: {documents} documents\n")

    def finish(self) -> float:
        """Return the seconds since the start."""
        return time.monotonic() - self._started

    def _line(self, collection: str) -> None:
        assert self._out is not None
        self._last_line = time.monotonic()
        self._write(f"{self._verb} {collection}: {self._done}/{self._total} documents\n")

    def _write(self, text: str) -> None:
        if isinstance(self._out, OutputWrapper):
            self._out.write(text, ending="")  # the wrapper would add a newline
        elif self._out is not None:
            self._out.write(text)
        if self._out is not None:
            self._out.flush()
