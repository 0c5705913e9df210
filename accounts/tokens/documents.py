"""Record <-> stored-document conversion shared by the backends (field names are the columns).

Records are flat dataclasses, so a document is the record's fields with tuples as lists;
provider tokens are encrypted on the way in and decrypted on the way out.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, TypeVar

from accounts.tokens.crypto import TokenCipher
from accounts.tokens.records import ProviderCredentials, SessionRecord

R = TypeVar("R")


def to_document(record: Any) -> dict[str, Any]:
    """Return the record's fields as a plain dict (tuples become lists)."""
    document: dict[str, Any] = {}
    for item in dataclasses.fields(record):
        value = getattr(record, item.name)
        document[item.name] = list(value) if isinstance(value, tuple) else value
    return document


def from_document(cls: type[R], document: Mapping[str, Any]) -> R:
    """Return a ``cls`` built from the document's fields, ignoring extra keys such as ``_id``."""
    names = [item.name for item in dataclasses.fields(cls)]  # type: ignore[arg-type]
    return cls(**{name: document[name] for name in names if name in document})


def session_document(record: SessionRecord) -> dict[str, Any]:
    """Return the session's document, with the whole-session expiry the TTL index uses."""
    return {**to_document(record), "expires_at": record.expires_at}


def credentials_document(credentials: ProviderCredentials, cipher: TokenCipher) -> dict[str, Any]:
    """Return the credentials' document with both tokens encrypted."""
    document = to_document(credentials)
    document["access_token"] = cipher.encrypt(credentials.access_token)
    if credentials.refresh_token is not None:
        document["refresh_token"] = cipher.encrypt(credentials.refresh_token)
    return document


def credentials_from_document(
    document: Mapping[str, Any], cipher: TokenCipher
) -> ProviderCredentials:
    """Return the credentials stored in ``document``, decrypted."""
    clear = dict(document)
    clear["access_token"] = cipher.decrypt(document["access_token"])
    if document.get("refresh_token") is not None:
        clear["refresh_token"] = cipher.decrypt(document["refresh_token"])
    return from_document(ProviderCredentials, clear)


def rotated_tokens(document: Mapping[str, Any], cipher: TokenCipher) -> dict[str, str] | None:
    """Return the re-encrypted token fields of ``document``, or None when none needs it."""
    changes: dict[str, str] = {}
    for name in ("access_token", "refresh_token"):
        stored = document.get(name)
        if stored is not None and cipher.needs_rotation(stored):
            changes[name] = cipher.rotate(stored)
    return changes or None
