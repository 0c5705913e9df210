"""A validator for the JSON-schema dialect of Google discovery documents.

Strict where it matters for fidelity: unknown properties are errors, int64/uint64
values must be decimal strings, ``byte`` must be base64 (URL-safe or standard),
enums must match.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from googleapiclient.discovery_cache import get_static_doc

_INT64 = re.compile(r"-?\d+")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]*={0,2}")


@cache
def gmail_discovery() -> dict[str, Any]:
    """Return the Gmail v1 discovery document bundled with googleapiclient."""
    return dict(json.loads(get_static_doc("gmail", "v1") or "{}"))


def method(name: str) -> dict[str, Any]:
    """Return a method description by its dotted id, e.g. ``users.messages.get``."""
    node: dict[str, Any] = gmail_discovery()
    *resources, leaf = name.split(".")
    for resource in resources:
        node = node["resources"][resource]
    return dict(node["methods"][leaf])


def response_schema(name: str) -> str:
    """Return the ``$ref`` of a method's response."""
    return str(method(name)["response"]["$ref"])


def validate(value: Any, schema: dict[str, Any] | str, path: str = "$") -> list[str]:
    """Return every way ``value`` violates ``schema`` (a schema or a schema name)."""
    schemas = gmail_discovery()["schemas"]
    if isinstance(schema, str):
        return validate(value, dict(schemas[schema]), path)
    if "$ref" in schema:
        return validate(value, schemas[schema["$ref"]], path)
    kind = schema.get("type", "any")
    errors: list[str] = []
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{path}: expected object, got {type(value).__name__}"]
        properties = schema.get("properties")
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if properties is not None and key in properties:
                errors += validate(item, properties[key], f"{path}.{key}")
            elif extra is not None:
                errors += validate(item, extra, f"{path}.{key}")
            else:
                errors.append(f"{path}: unknown property {key!r}")
        return errors
    if kind == "array":
        if not isinstance(value, list):
            return [f"{path}: expected array"]
        for i, item in enumerate(value):
            errors += validate(item, schema.get("items", {}), f"{path}[{i}]")
        return errors
    if kind == "string":
        if not isinstance(value, str):
            return [f"{path}: expected string, got {value!r:.40}"]
        fmt = schema.get("format")
        if fmt in ("int64", "uint64") and not _INT64.fullmatch(value):
            errors.append(f"{path}: {fmt} must be a decimal string, got {value!r:.40}")
        if fmt == "byte" and not _BASE64.fullmatch(value):
            errors.append(f"{path}: byte must be base64")
        if "enum" in schema and value not in schema["enum"]:
            errors.append(f"{path}: {value!r} not in {schema['enum']}")
        return errors
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: expected integer, got {value!r:.40}"]
        if schema.get("format") in ("int32", "uint32") and not -(2**31) <= value < 2**32:
            errors.append(f"{path}: out of 32-bit range")
        return errors
    if kind == "number":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return [] if ok else [f"{path}: expected number"]
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{path}: expected boolean"]
    return errors
