"""Parse a Gmail query into the AST of ``mails.search.nodes``.

Grammar (OR binds tighter than AND, as in Gmail: ``a b OR c`` is ``a AND (b OR c)``)::

    query   := and_expr
    and_expr:= or_expr (["AND"] or_expr)*
    or_expr := unary ("OR" unary)*
    unary   := "-" unary | primary
    primary := "(" and_expr ")" | "{" unary* "}" | word | "phrase" | op:value
               | op:"phrase" | op:( and_expr ) | op:{ unary* }

An explicit ``AND`` is the same conjunction as a space; parentheses override; ``-`` applies
to one term or group. ``{a b}`` means ``a OR b``; so does ``a|b`` (the lexer reads ``|`` as
``OR``). An operator's value may follow a space (``from: amy``). Inside ``op:( ... )``
every word and phrase becomes a value of ``op``. Words without letters or digits are
ignored, as Gmail ignores punctuation. Every malformed query raises ``SearchError`` naming
the 1-based position of the problem. Long runs of terms and ORs are read by loops, not
recursion; only nesting recurses, and nesting is capped at ``MAX_DEPTH``, so no query can
exhaust Python's stack.
"""

from __future__ import annotations

from django.conf import settings

from mails.search.errors import SearchError
from mails.search.folding import fold, words
from mails.search.lexer import Token, tokenize
from mails.search.nodes import And, Near, Node, Text, make_and, make_not, make_or
from mails.search.values import make_field

# Deeper nesting than any person writes; the cap keeps recursion far from Python's limit.
MAX_DEPTH = 40
_CLOSERS = {"(": ")", "{": "}"}
# "a AROUND b" without a distance, and the largest distance (the regex window stays small).
DEFAULT_AROUND = 5
MAX_AROUND = 100
_STARS = ("yellow-star", "orange-star", "red-star", "purple-star", "blue-star", "green-star")
_BANGS = ("red-bang", "yellow-bang", "orange-guillemet", "green-check", "blue-info")
# Gmail operators on state the Gmail API does not expose: no label, header or field of a
# message says it is snoozed, muted or scheduled, or which star it wears. Mailbox reads mail
# through the API, so it cannot answer them; silence (no results) would look like an answer.
API_INVISIBLE = {
    ("is", "snoozed"): "snoozed mail",
    ("in", "snoozed"): "snoozed mail",
    ("is", "muted"): "muted conversations",
    ("in", "scheduled"): "scheduled mail",
    **{("has", star): "star colours and types" for star in (*_STARS, *_BANGS, "purple-question")},
}


def parse(query: str) -> Node | None:
    """Return the AST of ``query``, or None when it has nothing to search for (all mail)."""
    limit = settings.SEARCH_MAX_QUERY_CHARS
    if len(query) > limit:
        raise SearchError(
            f"the query is {len(query)} characters long; the limit is {limit} characters"
        )
    return _Parser(tokenize(query)).parse()


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node | None:
        node = self.and_expr(None)
        stray = self.peek()
        if stray is not None:
            raise SearchError(f"unexpected '{stray.text}'", stray.position)
        return node

    def and_expr(self, field: str | None) -> Node | None:
        items: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in {")", "}"}:
            if token.kind == "AND":
                self.take()
                continue
            item = self.or_expr(field)
            if item is not None:
                items.append(item)
        return make_and(items)

    def or_expr(self, field: str | None) -> Node | None:
        first = self.peek()
        if first is not None and first.kind == "OR":
            raise SearchError("OR needs a search term before it", first.position)
        branches = [self.near(field)]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.take()
            following = self.peek()
            if following is None or following.kind in {"OR", "AND", "AROUND", ")", "}"}:
                raise SearchError("OR needs a search term after it", token.position)
            branches.append(self.near(field))
        return make_or([branch for branch in branches if branch is not None])

    def near(self, field: str | None) -> Node | None:
        """``a AROUND 5 b``: binds tighter than OR; ``a AROUND 2 b AROUND 3 c`` chains."""
        node = self.unary(field)
        while (token := self.peek()) is not None and token.kind == "AROUND":
            self.take()
            distance = self.distance()
            if field is not None:
                raise SearchError(f"AROUND cannot be used inside {field}:( )", token.position)
            right = self.unary(None) if self.peek() is not None else None
            if not isinstance(right, Text):
                raise SearchError("AROUND needs a word or phrase on each side", token.position)
            node = _around(node, right, distance, token.position)
        return node

    def distance(self) -> int:
        """The ``n`` of ``AROUND n``: a number followed by another term; else the default."""
        token, following = self.peek(), self.tokens[self.index + 1 : self.index + 2]
        if token is None or token.kind != "word" or not token.text.isdigit() or not following:
            return DEFAULT_AROUND
        if following[0].kind in {"OR", "AND", "AROUND", ")", "}"}:
            return DEFAULT_AROUND
        self.take()
        if int(token.text) > MAX_AROUND:
            raise SearchError(f"AROUND takes at most {MAX_AROUND} words", token.position)
        return int(token.text)

    def unary(self, field: str | None) -> Node | None:
        negations = 0
        while (token := self.peek()) is not None and token.kind == "-":
            negations += 1
            self.take()
        if negations and (token is None or token.kind in {")", "}"}):
            position = self.tokens[self.index - 1].position
            raise SearchError("'-' needs a search term after it", position)
        node = self.primary(field, as_word=negations > 0)
        if node is None:
            return None
        for _ in range(negations):
            node = make_not(node)
        return node

    def primary(self, field: str | None, *, as_word: bool = False) -> Node | None:
        token = self.take()
        if token.kind in _CLOSERS:
            return self.group(token, field)
        if token.kind == "AROUND" and not as_word:
            raise SearchError("AROUND needs a word or phrase before it", token.position)
        if token.kind in {"OR", "AND", "AROUND"} and as_word:
            return self.text(token, field)  # "-OR" excludes the word "or"
        if token.kind in {"word", "phrase"}:
            return self.text(token, field)
        if token.kind == "op":
            if field is not None:
                raise SearchError(
                    f"{token.name}: cannot be used inside {field}:( )", token.position
                )
            return self.operator(token)
        raise SearchError(f"unexpected '{token.text}'", token.position)

    def text(self, token: Token, field: str | None) -> Node | None:
        if field is not None:
            return _field(field, token.text, token.position)
        found = words(token.text)
        return Text(tuple(found)) if found else None

    def operator(self, token: Token) -> Node | None:
        if token.text:
            return _field(token.name, token.text, token.position)
        # The value may follow a space ("from: amy@example.com", as Google's own help writes
        # it): Gmail reads it as the operator's; another operator, OR or "-" is no value.
        following = self.peek()
        if following is not None and following.kind in _CLOSERS:
            return self.group(self.take(), token.name)
        if following is not None and following.kind in {"phrase", "word"}:
            return _field(token.name, self.take().text, token.position)
        raise SearchError(f"{token.name}: needs a value", token.position)

    def group(self, opening: Token, field: str | None) -> Node | None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SearchError(f"more than {MAX_DEPTH} nested groups", opening.position)
        closer = _CLOSERS[opening.kind]
        node = self.and_expr(field) if opening.kind == "(" else self.braces(field)
        token = self.peek()
        if token is None or token.kind != closer:
            raise SearchError(f"unclosed '{opening.kind}'", opening.position)
        self.take()
        self.depth -= 1
        return node

    def braces(self, field: str | None) -> Node | None:
        """``{a b c}``: any of the items."""
        items: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in {")", "}"}:
            if token.kind in {"OR", "AND"}:
                self.take()
                continue
            item = self.unary(field)
            if item is not None:
                items.append(item)
        return make_or(items)


def _field(name: str, raw: str, position: int) -> Node:
    """``make_field``, refusing the operators Gmail has but its API cannot see."""
    hidden = API_INVISIBLE.get((name, fold(raw).strip()))
    if hidden is not None:
        raise SearchError(
            f"{name}:{raw.strip()} cannot be searched here: Mailbox reads your mail through the "
            f"Gmail API, which does not expose {hidden}",
            position,
        )
    return make_field(name, raw, position)


def _around(node: Node | None, right: Text, distance: int, position: int) -> Node:
    """``node AROUND distance right``; a chain links each term to the next one."""
    if isinstance(node, Text):
        return Near(node.words, right.words, distance)
    last = node.children[-1] if isinstance(node, And) else node
    if isinstance(node, (Near, And)) and isinstance(last, Near):
        return And((*_conjuncts(node), Near(last.right, right.words, distance)))
    raise SearchError("AROUND needs a word or phrase on each side", position)


def _conjuncts(node: Near | And) -> tuple[Node, ...]:
    return node.children if isinstance(node, And) else (node,)
