"""Partial responses: the ``fields`` query parameter of every googleapis.com method.

Grammar (Google's): ``a,b/c,d(e,f(g))`` — commas separate selections, ``/`` selects
inside an object, parentheses select several sub-fields, ``*`` selects everything.
Lists are transparent: ``messages(id)`` applies ``id`` to every element.  Unlike
Google, names that do not exist are ignored rather than answered with 400.
"""

from __future__ import annotations

from typing import Any

Mask = dict[str, "Mask | None"]


class FieldsError(ValueError):
    """The fields expression is malformed."""


def parse_fields(text: str) -> Mask:
    """Parse a fields expression into a nested mask (``None`` = whole value)."""
    parser = _Parser(text.replace(" ", ""))
    mask = parser.selection_list()
    if parser.pos != len(parser.text):
        raise FieldsError(f"Invalid field selection {text!r}")
    return mask


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def selection_list(self) -> Mask:
        mask: Mask = {}
        while True:
            self.selection(mask)
            if self.pos < len(self.text) and self.text[self.pos] == ",":
                self.pos += 1
                continue
            return mask

    def name(self) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in ",/()":
            self.pos += 1
        if start == self.pos:
            raise FieldsError(f"Invalid field selection at {start}: {self.text!r}")
        return self.text[start : self.pos]

    def selection(self, mask: Mask) -> None:
        name = self.name()
        if self.pos < len(self.text) and self.text[self.pos] == "/":
            self.pos += 1
            sub = _child(mask, name)
            self.selection(sub)
            return
        if self.pos < len(self.text) and self.text[self.pos] == "(":
            self.pos += 1
            inner = self.selection_list()
            if self.pos >= len(self.text) or self.text[self.pos] != ")":
                raise FieldsError(f"Unbalanced parentheses in {self.text!r}")
            self.pos += 1
            sub = _child(mask, name)
            _merge(sub, inner)
            return
        mask[name] = None


def _child(mask: Mask, name: str) -> Mask:
    if name in mask and mask[name] is None:
        return {"*": None}  # already selected whole; a narrower selection changes nothing
    sub = mask.get(name)
    if sub is None:
        sub = {}
        mask[name] = sub
    return sub


def _merge(into: Mask, other: Mask) -> None:
    for key, value in other.items():
        if value is None or into.get(key, {}) is None:
            into[key] = None
        else:
            existing = into.setdefault(key, {})
            assert existing is not None
            _merge(existing, value)


def apply_fields(value: Any, mask: Mask) -> Any:
    """Return ``value`` reduced to the fields in ``mask``."""
    if "*" in mask and mask["*"] is None:
        return value
    if isinstance(value, list):
        return [apply_fields(item, mask) for item in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, sub in mask.items():
        if key in value:
            out[key] = value[key] if sub is None else apply_fields(value[key], sub)
    return out
