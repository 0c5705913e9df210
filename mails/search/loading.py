"""Build ``Message`` instances from pymongo documents, with the backend's own converters.

Loading a page of 50 through the ORM cost ~13 ms, against ~4.5 ms for the same documents
through pymongo (measured, 100,000 messages): the backend runs an aggregation and its query
compiler for each page. This reads the documents with ``find`` and hands every value through
exactly the converters the ORM would apply (``connection.ops.get_db_converters`` and the
field's own), so the instances are the ones the ORM would build.

What to do with each field is worked out once per set of deferred fields (``_recipe``):
looking a converter up per value (hashing a ``Field``), ``from_db``'s search of the field
names and a Python loop over every value cost more than the conversions themselves (2.0 ->
0.87 ms for a page of 50, measured at 10,000 messages), and the converters' common cases
are done inline (``_shortcut``: 643 → 490 µs for 50 at 50,000). An instance is made as
``Model.__init__`` would make it, without its per-field ``setattr`` (``_made``: a page of 51
built in 1.13 → 0.46 ms at 50,000). A search page's documents come with its own query
(``projection``, ``build``); ``load`` reads them by id (a cached first page).
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from django.db import connections
from django.db.models import DEFERRED, Field, Model, signals
from django.db.models.base import ModelState
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute

from mailbox_project.mongo import get_database
from mails.models import Message

Converter = Callable[[Any], Any]
Document = dict[str, Any]


def _converter(field: Field[Any, Any]) -> Converter | None:
    """Return a function turning a stored value of ``field`` into its Python value, or None
    when the ORM applies no converter (the stored value is the Python value)."""
    connection = connections["default"]
    column = field.get_col(Message._meta.db_table)
    steps = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
    if not steps:
        return None

    def convert(value: Any) -> Any:
        for step in steps:
            value = step(value, column, connection)
        return value

    return _shortcut(field, steps, convert)


def _shortcut(field: Field[Any, Any], steps: list[Any], convert: Converter) -> Converter:
    """``convert``, with the common values the backend's converters hand back unchanged in
    substance done inline: a page of 50 spent ~300 of ~640 µs in 400 converter calls. The
    result is the same value of the same type (``int`` of an int, ``make_aware`` of a naive
    UTC datetime, the JSON round trip of a list of flat objects, which pymongo has just
    decoded into new objects); anything else takes ``convert``."""
    connection = connections["default"]
    first, count = steps[0], len(steps)

    def backend(name: str) -> bool:
        """Whether ``first`` is the backend's converter ``name``."""
        return getattr(first, "__func__", None) is getattr(type(connection.ops), name, False)

    if backend("convert_integerfield_value") and count == 1:
        return lambda value: value if type(value) is int else convert(value)
    if backend("convert_datetimefield_value") and count == 1:
        zone = connection.timezone
        return lambda value: (
            value.replace(tzinfo=zone)
            if type(value) is dt.datetime and value.tzinfo is None
            else convert(value)
        )
    if backend("convert_jsonfield_value") and getattr(field, "decoder", None) is None:
        return lambda value: value if _flat_json(value) else convert(value)
    return convert


_SCALARS = (str, int, float, bool, type(None))


def _flat_json(value: Any) -> bool:
    """Whether ``value`` is a list of flat objects (string keys, scalar values), which the
    JSON round trip gives back equal and of the same types (an attachment list)."""
    return type(value) is list and all(
        type(item) is dict
        and all(type(key) is str and type(scalar) in _SCALARS for key, scalar in item.items())
        for item in value
    )


@dataclass(frozen=True)
class _Recipe:
    read: tuple[Field[Any, Any], ...]  # the fields not deferred, in model order
    attnames: tuple[str, ...]  # theirs
    # The value of each field read, from a document in one C-level call.
    values: Callable[[Document], tuple[Any, ...]]
    converters: tuple[tuple[int, Converter], ...]  # (position in ``read``, converter)
    projection: dict[str, int]


@functools.cache
def _recipe(deferred: frozenset[str]) -> _Recipe:
    read = tuple(f for f in Message._meta.concrete_fields if f.attname not in deferred)
    columns = [_column(field) for field in read]
    converters = []
    for position, field in enumerate(read):
        convert = _converter(field)
        if convert is not None:
            converters.append((position, convert))
    getter = operator.itemgetter(*columns)
    return _Recipe(
        read,
        tuple(field.attname for field in read),
        (lambda doc: (getter(doc),)) if len(columns) == 1 else getter,
        tuple(converters),
        dict.fromkeys(columns, 1),
    )


def _column(field: Field[Any, Any]) -> str:
    assert field.column is not None  # a concrete field has a column
    return field.column


def projection(deferred: Iterable[str]) -> dict[str, int]:
    """Return the pymongo projection of every field but ``deferred``."""
    return dict(_recipe(frozenset(deferred)).projection)


def build(documents: Iterable[Document], deferred: Iterable[str]) -> list[Message]:
    """Return a ``Message`` per document (read with ``projection(deferred)``), in order."""
    recipe, direct = _recipe(frozenset(deferred)), _direct()
    return [_instance(recipe, document, direct) for document in documents]


def load(user_id: Any, ids: Iterable[ObjectId], deferred: Iterable[str]) -> list[Message]:
    """Return the user's messages with these ids, in the order given, ``deferred`` not read."""
    ids = list(ids)
    if not ids:
        return []
    recipe = _recipe(frozenset(deferred))
    query = {"user_id": user_id, "_id": {"$in": ids}}
    # Hinted: the planner otherwise tries every index on user_id first (~0.3 ms a page).
    found = get_database()["messages"].find(query, recipe.projection).hint("_id_")
    documents = {doc["_id"]: doc for doc in found}
    direct = _direct()
    return [_instance(recipe, documents[i], direct) for i in ids if i in documents]


def _instance(recipe: _Recipe, document: Document, direct: bool) -> Message:
    try:
        values = list(recipe.values(document))
    except KeyError:
        values = _with_defaults(recipe, document)
    else:
        for position, convert in recipe.converters:
            values[position] = convert(values[position])
    return _made(recipe, values) if direct else _from_db(recipe, values)


def _made(recipe: _Recipe, values: list[Any]) -> Message:
    """The instance ``Message.from_db`` would return for these values of ``recipe.read``.

    ``Model.__init__`` sets each value through ``setattr`` (half of a page's build: ~250 of
    ~470 µs for 51 messages); its instance is its ``__dict__`` of values and a ``_state``
    that is not adding, from the database ``default``, which is what is made here when that
    is all it would do (``_direct``: no pre_init/post_init receiver, no field setter but a
    foreign key's, which only clears a cache a new instance does not have)."""
    instance = Message.__new__(Message)
    state = ModelState()
    state.adding, state.db = False, "default"
    instance.__dict__.update(zip(recipe.attnames, values, strict=True))
    instance._state = state
    return instance


def _direct() -> bool:
    """Whether building an instance is setting its values (see ``_made``); asked once a
    page."""
    if signals.pre_init.has_listeners(Message) or signals.post_init.has_listeners(Message):
        return False
    return _plain_attributes()


@functools.cache
def _plain_attributes() -> bool:
    for field in Message._meta.concrete_fields:
        attribute = Message.__dict__.get(field.attname)
        setter = getattr(type(attribute), "__set__", None)
        if setter is not None and not isinstance(attribute, ForeignKeyDeferredAttribute):
            return False
    return True


def _from_db(recipe: _Recipe, values: list[Any]) -> Message:
    named = dict(zip(recipe.attnames, values, strict=True))
    ordered = [named.get(name, DEFERRED) for name in _ATTNAMES]
    instance: Model = Message.from_db("default", _ATTNAMES, ordered)
    assert isinstance(instance, Message)
    return instance


_ATTNAMES = [field.attname for field in Message._meta.concrete_fields]


def _with_defaults(recipe: _Recipe, document: Document) -> list[Any]:
    """The values of a document that lacks some fields (added after it was stored): their
    defaults, unconverted (they are Python values already)."""
    values = [document.get(_column(field)) for field in recipe.read]
    for position, convert in recipe.converters:
        if _column(recipe.read[position]) in document:
            values[position] = convert(values[position])
    for position, field in enumerate(recipe.read):
        if _column(field) not in document:
            values[position] = field.get_default()
    return values
