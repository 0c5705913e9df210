"""Build ``Message`` instances from pymongo documents, with the backend's own converters.

Loading a page of 50 through the ORM cost ~13 ms, against ~4.5 ms for the same documents
through pymongo (measured, 100,000 messages): the backend runs an aggregation and its query
compiler for each page. This reads the documents with ``find`` and hands every value through
exactly the converters the ORM would apply (``connection.ops.get_db_converters`` and the
field's own), so the instances are the ones the ORM would build.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any

from bson import ObjectId
from django.db import connections
from django.db.models import Field, Model

from mailbox_project.mongo import get_database
from mails.models import Message

Converter = Callable[[Any], Any]


@functools.cache
def _converter(field: Field[Any, Any]) -> Converter:
    """Return a function turning a stored value of ``field`` into its Python value."""
    connection = connections["default"]
    column = field.get_col(Message._meta.db_table)
    steps = connection.ops.get_db_converters(column) + field.get_db_converters(connection)

    def convert(value: Any) -> Any:
        for step in steps:
            value = step(value, column, connection)
        return value

    return convert


def _fields(deferred: frozenset[str]) -> list[Field[Any, Any]]:
    return [f for f in Message._meta.concrete_fields if f.attname not in deferred]


def load(user_id: Any, ids: Iterable[ObjectId], deferred: Iterable[str]) -> list[Message]:
    """Return the user's messages with these ids, in the order given, ``deferred`` not read."""
    ids = list(ids)
    if not ids:
        return []
    fields = _fields(frozenset(deferred))
    projection = {field.column: 1 for field in fields}
    query = {"user_id": user_id, "_id": {"$in": ids}}
    documents = {doc["_id"]: doc for doc in get_database()["messages"].find(query, projection)}
    return [_instance(fields, documents[i]) for i in ids if i in documents]


def _instance(fields: list[Field[Any, Any]], document: dict[str, Any]) -> Message:
    values = []
    for field in fields:
        if field.column in document:
            values.append(_converter(field)(document[field.column]))
        else:  # a field added after the document was stored
            values.append(field.get_default())
    instance: Model = Message.from_db("default", [f.attname for f in fields], values)
    assert isinstance(instance, Message)
    return instance
