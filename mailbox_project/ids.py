"""One type for a user's id everywhere inside the process: ``UserId``, an ObjectId.

Celery tasks carry ids as strings (JSON), requests carry them as ``request.user.pk`` and
MongoDB stores ObjectIds. Each entry point (a task, a request, a signal from another app)
converts once with ``user_id``; everything behind it takes ``UserId`` and never re-validates.
"""

from __future__ import annotations

from typing import NewType

from bson import ObjectId
from bson.errors import InvalidId

UserId = NewType("UserId", ObjectId)


def user_id(value: object) -> UserId:
    """Return ``value`` (an ObjectId, its 24-hex text, or a user) as a ``UserId``.

    Raises ``ValueError`` for anything that is not a user id, so bad input fails where it
    enters rather than as a query that silently matches nothing.
    """
    pk = getattr(value, "pk", value)
    if isinstance(pk, ObjectId):
        return UserId(pk)
    try:
        return UserId(ObjectId(str(pk)))
    except (InvalidId, TypeError) as exc:
        raise ValueError(f"not a user id: {value!r}") from exc
