"""Render an AST back to query text: the canonical form of a query.

Equivalent queries ("From:Alice  café" and "from:alice cafe") render the same, so the
rendering is the cache key and the ``query`` a page reports; it parses back to an equal AST.
"""

from __future__ import annotations

import re

from mails.search.errors import SearchError
from mails.search.folding import fold
from mails.search.nodes import And, Field, Near, Node, Not, Or, Text
from mails.search.parser import parse

# Part of every cache key: the same canonical text meant another tree before version 2
# ("a b OR c" was (a b) OR c; since issue 13 it is a (b OR c), as in Gmail).
SYNTAX_VERSION = 2
# A value that can be written bare: nothing the lexer would split or treat specially.
_BARE_VALUE = re.compile(r'[^\s(){}"\\]+')


def render(node: Node | None) -> str:
    """Return the canonical query text of ``node`` ("" for no query)."""
    if node is None:
        return ""
    if isinstance(node, Text):
        return node.words[0] if len(node.words) == 1 else _quote(" ".join(node.words))
    if isinstance(node, Field):
        value = node.value if _BARE_VALUE.fullmatch(node.value) else _quote(node.value)
        return f"{node.name}:{value}"
    if isinstance(node, Near):
        left, right = render(Text(node.left)), render(Text(node.right))
        return f"{left} AROUND {node.distance} {right}"
    if isinstance(node, Not):
        inner = render(node.child)
        return f"-({inner})" if isinstance(node.child, (And, Or, Near)) else f"-{inner}"
    if isinstance(node, And):
        # OR binds tighter than the conjunction, so an OR inside needs no parentheses...
        return " ".join(render(child) for child in node.children)
    # ...and a conjunction inside an OR does.
    return " OR ".join(f"({render(c)})" if isinstance(c, And) else render(c) for c in node.children)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def normalize_query(query: str) -> str:
    """Return the canonical form of ``query``: parsed, then rendered.

    Text that is not a valid query comes back folded (see ``mails.search.folding.fold``)
    instead of raising, so callers that only need Gmail's case and accent folding of a
    fragment (a highlighter working character by character) can use it on anything.
    """
    try:
        return render(parse(query))
    except SearchError:
        return fold(query)
