"""Parse a Gmail query into the AST of ``mails.search.nodes``.

Grammar (implicit AND binds tighter than OR, as the issue specifies)::

    query   := or_expr
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= unary (["AND"] unary)*
    unary   := "-" unary | primary
    primary := "(" or_expr ")" | "{" unary* "}" | word | "phrase" | op:value
               | op:"phrase" | op:( or_expr ) | op:{ unary* }

``{a b}`` means ``a OR b``. Inside ``op:( ... )`` every word and phrase becomes a value of
``op``. Words without letters or digits are ignored, as Gmail ignores punctuation. Every
malformed query raises ``SearchError`` naming the 1-based position of the problem.
"""

from __future__ import annotations

from mails.search.errors import SearchError
from mails.search.folding import words
from mails.search.lexer import Token, tokenize
from mails.search.nodes import Node, Text, make_and, make_not, make_or
from mails.search.values import make_field

MAX_QUERY_LENGTH = 2000
# Deeper nesting than any person writes; the cap keeps recursion far from Python's limit.
MAX_DEPTH = 40
_CLOSERS = {"(": ")", "{": "}"}


def parse(query: str) -> Node | None:
    """Return the AST of ``query``, or None when it has nothing to search for (all mail)."""
    if len(query) > MAX_QUERY_LENGTH:
        raise SearchError(f"the query is longer than {MAX_QUERY_LENGTH} characters")
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
        node = self.or_expr(None)
        stray = self.peek()
        if stray is not None:
            raise SearchError(f"unexpected '{stray.text}'", stray.position)
        return node

    def or_expr(self, field: str | None) -> Node | None:
        branches = [self.and_expr(field)]
        while (token := self.peek()) is not None and token.kind == "OR":
            if self.index == 0 or self.tokens[self.index - 1].kind in {"OR", "(", "{"}:
                raise SearchError("OR needs a search term before it", token.position)
            self.take()
            if self.peek() is None or self.peek().kind in {"OR", ")", "}"}:  # type: ignore[union-attr]
                raise SearchError("OR needs a search term after it", token.position)
            branches.append(self.and_expr(field))
        return make_or([branch for branch in branches if branch is not None])

    def and_expr(self, field: str | None) -> Node | None:
        items: list[Node] = []
        while (token := self.peek()) is not None and token.kind not in {"OR", ")", "}"}:
            if token.kind == "AND":
                self.take()
                continue
            item = self.unary(field)
            if item is not None:
                items.append(item)
        return make_and(items)

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
        if token.kind in {"OR", "AND"} and as_word:
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
            return make_field(field, token.text, token.position)
        found = words(token.text)
        return Text(tuple(found)) if found else None

    def operator(self, token: Token) -> Node | None:
        if token.text:
            return make_field(token.name, token.text, token.position)
        following = self.peek()
        if token.glued and following is not None and following.kind in _CLOSERS:
            return self.group(self.take(), token.name)
        if token.glued and following is not None and following.kind == "phrase":
            return make_field(token.name, self.take().text, token.position)
        raise SearchError(f"{token.name}: needs a value", token.position)

    def group(self, opening: Token, field: str | None) -> Node | None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise SearchError(f"more than {MAX_DEPTH} nested groups", opening.position)
        closer = _CLOSERS[opening.kind]
        node = self.or_expr(field) if opening.kind == "(" else self.braces(field)
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
