"""Typed access to the pymongo database behind Django's connection.

For what the ORM cannot express: TTL and text indexes, bulk upserts, aggregation pipelines.
"""

from __future__ import annotations

from typing import Any, cast

from django.db import connections
from pymongo.database import Database


def get_database(alias: str = "default") -> Database[dict[str, Any]]:
    """Return the pymongo ``Database`` of a django-mongodb-backend connection."""
    return cast(Database[dict[str, Any]], connections[alias].get_database())  # type: ignore[attr-defined]
