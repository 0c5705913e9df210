"""The running list of what went wrong while parsing one message."""

from __future__ import annotations

# parse_error is shown to people and stored per message: a few clauses, not a log.
MAX_NOTES = 12
MAX_NOTE_LENGTH = 200
# Notes quote what senders wrote (charset names, dates): no control characters in the store.
_CONTROLS = dict.fromkeys([*range(32), 127], "?")


class Notes:
    """Collect short, de-duplicated notes of what could not be parsed cleanly."""

    def __init__(self) -> None:
        self._notes: list[str] = []
        self._overflow = 0

    def add(self, note: str) -> None:
        """Record ``note`` once; past :data:`MAX_NOTES` only count the extras."""
        note = note[:MAX_NOTE_LENGTH].translate(_CONTROLS)
        note = note.encode("utf-8", "replace").decode("utf-8")  # lone surrogates, too
        if not note or note in self._notes:
            return
        if len(self._notes) >= MAX_NOTES:
            self._overflow += 1
            return
        self._notes.append(note)

    def __bool__(self) -> bool:
        return bool(self._notes)

    def __str__(self) -> str:
        text = "; ".join(self._notes)
        if self._overflow:
            text += f"; and {self._overflow} more"
        return text


def part_label(path: str) -> str:
    """Return how notes name a MIME part: "message" for the top, "part 1.0" below it."""
    return f"part {path}" if path else "message"


class NoteRecorder(Notes):
    """Notes kept as they were given, to be replayed on a message's own :class:`Notes`.

    A memoized parse of a value that repeats across messages (an address header) records
    its notes once; replaying the very same ``add`` calls leaves each message's notes,
    de-duplication and overflow count exactly as an unmemoized parse would.
    """

    def __init__(self) -> None:
        super().__init__()
        self.added: list[str] = []

    def add(self, note: str) -> None:
        self.added.append(note)


def replay(notes: Notes, added: tuple[str, ...]) -> None:
    """Add recorded notes to ``notes``, in order."""
    for note in added:
        notes.add(note)
