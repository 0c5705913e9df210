"""The errors a search request can raise: every one is a 400 with a message, never a 500."""

from __future__ import annotations


class InvalidRequest(Exception):
    """A search request that cannot be answered as asked.

    ``code`` is one of "bad_query", "bad_cursor", "bad_page_size"; ``position`` is the
    1-based character of the query the problem was found at, when there is one.
    """

    def __init__(self, code: str, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position


class SearchError(InvalidRequest):
    """A query that does not parse: the message names the (1-based) position."""

    def __init__(self, message: str, position: int | None = None) -> None:
        text = f"{message} at position {position}" if position is not None else message
        super().__init__("bad_query", text, position)
