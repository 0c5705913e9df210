"""The query AST: text, operators, and the boolean structure around them.

Nodes are frozen dataclasses, so two parses of equivalent queries compare equal, and the
parser builds them already flattened (no And inside And, no Not inside Not).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Text:
    """Bare words or a "quoted phrase": folded words that must appear in this order.

    One word is a plain term; several (a phrase, or a bare token like "e-mail") must be
    adjacent within one field of the message, so "e-mail" and "e mail" are the same node.
    """

    words: tuple[str, ...]


@dataclass(frozen=True)
class Field:
    """An operator and its (folded, validated) value, e.g. ``from:alice@example.com``.

    ``position`` (1-based) points at the operator in the original query; it does not take
    part in equality, so ``normalize_query`` output parses back to an equal tree.
    """

    name: str
    value: str
    position: int = field(default=0, compare=False)


@dataclass(frozen=True)
class Near:
    """``a AROUND n b``: both words (or phrases) in one field of the message, in either
    order, with at most ``distance`` words between them."""

    left: tuple[str, ...]
    right: tuple[str, ...]
    distance: int


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Union[Text, Field, Near, Not, And, Or]  # noqa: UP007 - a runtime alias used in isinstance


def make_and(children: list[Node]) -> Node | None:
    """Return the conjunction of ``children``, flattened; None when there are none."""
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, And) else (child,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else And(tuple(flat))


def make_or(children: list[Node]) -> Node | None:
    """Return the disjunction of ``children``, flattened; None when there are none."""
    flat: list[Node] = []
    for child in children:
        flat.extend(child.children if isinstance(child, Or) else (child,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else Or(tuple(flat))


def make_not(child: Node) -> Node:
    """Return the negation of ``child`` (a double negation cancels out)."""
    return child.child if isinstance(child, Not) else Not(child)
