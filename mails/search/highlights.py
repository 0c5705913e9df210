"""The words and phrases of a query worth marking in results: positive ones only."""

from __future__ import annotations

from mails.search.folding import words
from mails.search.nodes import And, Field, Near, Node, Not, Or, Text

# Operators whose values are text a reader sees in the subject or body.
_TEXT_OPERATORS = frozenset({"subject", "filename"})


def highlight_terms(node: Node | None) -> list[str]:
    """Return folded words and phrases (words joined by one space) that the query looks for.

    Negated terms are left out: ``-invoice`` must not mark "invoice" in a result that
    matched for another reason. A double negation is positive again.
    """
    found: dict[str, None] = {}
    _collect(node, True, found)
    return list(found)


def _collect(node: Node | None, positive: bool, found: dict[str, None]) -> None:
    if isinstance(node, Not):
        _collect(node.child, not positive, found)
    elif isinstance(node, (And, Or)):
        for child in node.children:
            _collect(child, positive, found)
    elif not positive:
        return
    elif isinstance(node, Text):
        found[" ".join(node.words)] = None
    elif isinstance(node, Near):
        found[" ".join(node.left)] = None
        found[" ".join(node.right)] = None
    elif isinstance(node, Field) and node.name in _TEXT_OPERATORS:
        value = " ".join(words(node.value))
        if value:
            found[value] = None
