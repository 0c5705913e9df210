"""Typed access to the pymongo database behind Django's connection.

For what the ORM cannot express: TTL and text indexes, bulk upserts, aggregation pipelines.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import connections
from pymongo.database import Database


def get_database(alias: str = "default") -> Database[dict[str, Any]]:
    """Return the pymongo ``Database`` of a django-mongodb-backend connection.

    Not ``connection.get_database()``: with query logging on (DEBUG) that returns a logging
    wrapper that is not a ``Database`` and cannot be indexed by collection name.
    """
    return cast(Database[dict[str, Any]], connections[alias].database)  # type: ignore[attr-defined]
