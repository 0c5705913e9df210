"""Opaque, tamper-proof keyset cursors bound to one user and one query.

A cursor names a message's (internal date, id) and a direction: "after" it (the next page)
or "before" it (the previous page). It is signed with the project's secret, so it cannot
be forged or edited, and carries a digest of the user and the canonical query, so a cursor
used with another query or by another user is refused.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from bson.errors import InvalidId
from django.core import signing

from mails.search.errors import InvalidRequest

_SALT = "mails.search.cursor"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Position:
    """A place in the (internal date desc, id desc) order and which way to read from it."""

    internal_date: dt.datetime
    message_id: ObjectId
    forward: bool  # True: the messages after this one (older); False: those before


def _scope(user_id: Any, query: str) -> str:
    return hashlib.sha256(f"{user_id}\x00{query}".encode()).hexdigest()[:24]


def dump(position: Position, user_id: Any, query: str) -> str:
    """Return the signed cursor of ``position`` for ``user_id``'s ``query``."""
    millis = (position.internal_date - EPOCH) // dt.timedelta(milliseconds=1)
    payload = [_scope(user_id, query), millis, str(position.message_id), int(position.forward)]
    return signing.dumps(payload, salt=_SALT, compress=True)


def load(cursor: str, user_id: Any, query: str) -> Position:
    """Return the position of ``cursor``; raise ``InvalidRequest("bad_cursor")`` if it is
    forged, damaged, or was issued for another user or query."""
    try:
        scope, millis, message_id, forward = signing.loads(cursor, salt=_SALT)
        if scope != _scope(user_id, query):
            raise InvalidRequest("bad_cursor", "this cursor belongs to another search")
        # Integer milliseconds, as MongoDB stores dates: no float rounding at the boundary.
        when = EPOCH + dt.timedelta(milliseconds=int(millis))
        return Position(when, ObjectId(message_id), bool(forward))
    except InvalidRequest:
        raise
    except (signing.BadSignature, ValueError, TypeError, InvalidId, OverflowError, OSError):
        raise InvalidRequest("bad_cursor", "the cursor is not valid") from None
