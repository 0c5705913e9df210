"""The MongoDB backend: one collection per kind, unique hash indexes, TTL on ``expires_at``.

MongoDB's TTL monitor deletes expired documents only once a minute, so every read also filters
on ``expires_at``. One-time consumption is a single ``find_one_and_delete`` with the expiry in
its filter, so two concurrent consumers cannot both win. Bulk writes run in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TypeVar

from bson.codec_options import CodecOptions
from pymongo import ASCENDING, DESCENDING, IndexModel, ReplaceOne, UpdateOne
from pymongo.client_session import ClientSession
from pymongo.database import Database

from accounts.tokens.base import Clock, RotationCounts
from accounts.tokens.crypto import TokenCipher, hash_token, secret_matches
from accounts.tokens.documents import (
    credentials_document,
    credentials_from_document,
    from_document,
    rotated_tokens,
    session_document,
    to_document,
)
from accounts.tokens.records import (
    AuthCodeRecord,
    ClientRecord,
    ProviderCredentials,
    ProviderKey,
    SessionRecord,
    StateRecord,
    utcnow,
)

T = TypeVar("T")
Document = dict[str, Any]

STATES = "token_states"
AUTH_CODES = "token_auth_codes"
SESSIONS = "token_sessions"
CLIENTS = "token_clients"
PROVIDER_CREDENTIALS = "token_provider_credentials"
COLLECTIONS = (STATES, AUTH_CODES, SESSIONS, CLIENTS, PROVIDER_CREDENTIALS)

# expireAfterSeconds=0: a document goes when the clock passes its own expires_at.
_TTL = {"expireAfterSeconds": 0}
INDEXES: dict[str, list[IndexModel]] = {
    STATES: [
        IndexModel("state_hash", unique=True, name="uniq_state_hash"),
        IndexModel("expires_at", name="ttl_expires_at", **_TTL),
    ],
    AUTH_CODES: [
        IndexModel("code_hash", unique=True, name="uniq_code_hash"),
        IndexModel("expires_at", name="ttl_expires_at", **_TTL),
    ],
    SESSIONS: [
        IndexModel("session_id", unique=True, name="uniq_session_id"),
        IndexModel("access_token_hash", unique=True, name="uniq_access_token_hash"),
        # Sessions without a refresh token store null, which a plain unique index would refuse.
        IndexModel(
            "refresh_token_hash",
            unique=True,
            name="uniq_refresh_token_hash",
            partialFilterExpression={"refresh_token_hash": {"$type": "string"}},
        ),
        IndexModel([("user_id", ASCENDING), ("created_at", DESCENDING)], name="user_sessions"),
        IndexModel("expires_at", name="ttl_expires_at", **_TTL),
    ],
    CLIENTS: [IndexModel("client_id", unique=True, name="uniq_client_id")],
    PROVIDER_CREDENTIALS: [
        IndexModel(
            [("user_id", ASCENDING), ("provider", ASCENDING)],
            unique=True,
            name="uniq_user_provider",
        )
    ],
}

_NO_ID = {"_id": False}


def ensure_indexes(database: Database[Any]) -> None:
    """Create the token collections' indexes (idempotent; run by migration accounts 0002)."""
    for name, indexes in INDEXES.items():
        database[name].create_indexes(indexes)


class MongoTokenStore:
    """The token store on a pymongo ``Database``; usable with or without Django."""

    def __init__(
        self, database: Database[Any], cipher: TokenCipher, *, clock: Clock = utcnow
    ) -> None:
        # Aware UTC datetimes back, so records compare equal to what was stored.
        options: CodecOptions[Document] = CodecOptions(
            document_class=dict, tz_aware=True, tzinfo=UTC
        )
        self._db: Database[Document] = database.with_options(codec_options=options)
        self._cipher = cipher
        self._clock = clock
        self._states = self._db[STATES]
        self._codes = self._db[AUTH_CODES]
        self._sessions = self._db[SESSIONS]
        self._clients = self._db[CLIENTS]
        self._credentials = self._db[PROVIDER_CREDENTIALS]

    def ensure_indexes(self) -> None:
        ensure_indexes(self._db)

    def _live(self) -> dict[str, Any]:
        return {"$gt": self._clock()}

    # --- OAuth states ---

    def store_state(self, record: StateRecord) -> None:
        self._states.replace_one(
            {"state_hash": record.state_hash}, to_document(record), upsert=True
        )

    def consume_state(self, state: str) -> StateRecord | None:
        found = self._states.find_one_and_delete(
            {"state_hash": hash_token(state), "expires_at": self._live()}, projection=_NO_ID
        )
        return from_document(StateRecord, found) if found else None

    # --- Authorization codes ---

    def store_auth_code(self, record: AuthCodeRecord) -> None:
        self._codes.replace_one({"code_hash": record.code_hash}, to_document(record), upsert=True)

    def load_auth_code(self, code: str) -> AuthCodeRecord | None:
        found = self._codes.find_one(
            {"code_hash": hash_token(code), "expires_at": self._live()}, projection=_NO_ID
        )
        return from_document(AuthCodeRecord, found) if found else None

    def consume_auth_code(self, code: str) -> AuthCodeRecord | None:
        found = self._codes.find_one_and_delete(
            {"code_hash": hash_token(code), "expires_at": self._live()}, projection=_NO_ID
        )
        return from_document(AuthCodeRecord, found) if found else None

    def delete_auth_code(self, code: str) -> None:
        self._codes.delete_one({"code_hash": hash_token(code)})

    # --- Sessions ---

    def store_session(self, record: SessionRecord) -> None:
        self._sessions.replace_one(
            {"session_id": record.session_id}, session_document(record), upsert=True
        )

    def _find_session(self, query: dict[str, Any]) -> SessionRecord | None:
        found = self._sessions.find_one(query, projection=_NO_ID)
        return from_document(SessionRecord, found) if found else None

    def load_session_by_token(self, access_token: str) -> SessionRecord | None:
        return self._find_session(
            {"access_token_hash": hash_token(access_token), "access_expires_at": self._live()}
        )

    def load_session_by_id(self, session_id: str) -> SessionRecord | None:
        return self._find_session({"session_id": session_id, "expires_at": self._live()})

    def load_session_by_refresh_token(self, refresh_token: str) -> SessionRecord | None:
        return self._find_session(
            {"refresh_token_hash": hash_token(refresh_token), "refresh_expires_at": self._live()}
        )

    def list_sessions_for_user(self, user_id: str) -> list[SessionRecord]:
        cursor = self._sessions.find(
            {"user_id": user_id, "expires_at": self._live()}, projection=_NO_ID
        ).sort([("created_at", DESCENDING), ("session_id", ASCENDING)])
        return [from_document(SessionRecord, found) for found in cursor]

    def delete_session_by_token(self, access_token: str) -> None:
        self._sessions.delete_one({"access_token_hash": hash_token(access_token)})

    def delete_session_by_id(self, session_id: str) -> None:
        self._sessions.delete_one({"session_id": session_id})

    def touch_session(self, session_id: str, when: datetime) -> None:
        # $max: touches arriving out of order never move last_used_at backwards.
        self._sessions.update_one({"session_id": session_id}, {"$max": {"last_used_at": when}})

    # --- Clients ---

    def store_client(self, record: ClientRecord) -> None:
        self._clients.replace_one({"client_id": record.client_id}, to_document(record), upsert=True)

    def load_client(self, client_id: str) -> ClientRecord | None:
        found = self._clients.find_one({"client_id": client_id}, projection=_NO_ID)
        return from_document(ClientRecord, found) if found else None

    def list_clients(self) -> list[ClientRecord]:
        cursor = self._clients.find({}, projection=_NO_ID).sort("client_id", ASCENDING)
        return [from_document(ClientRecord, found) for found in cursor]

    def delete_client(self, client_id: str) -> None:
        self._clients.delete_one({"client_id": client_id})

    def verify_client_secret(self, client_id: str, secret: str) -> bool:
        client = self.load_client(client_id)
        return secret_matches(client.secret_hash if client else None, secret)

    # --- Provider credentials ---

    def store_provider_credentials(self, credentials: ProviderCredentials) -> None:
        user_id, provider = credentials.key
        self._credentials.replace_one(
            {"user_id": user_id, "provider": provider},
            credentials_document(credentials, self._cipher),
            upsert=True,
        )

    def load_provider_credentials(
        self, user_id: str, provider: str = "google"
    ) -> ProviderCredentials | None:
        found = self._credentials.find_one({"user_id": user_id, "provider": provider})
        return credentials_from_document(found, self._cipher) if found else None

    def delete_provider_credentials(self, user_id: str, provider: str = "google") -> None:
        self._credentials.delete_one({"user_id": user_id, "provider": provider})

    def iter_provider_credentials_ids(self, *, batch_size: int = 500) -> Iterator[ProviderKey]:
        # Keyset pages, so a long rotation never holds a cursor open while it writes.
        after: ProviderKey | None = None
        while True:
            query: dict[str, Any] = {}
            if after is not None:
                query = {
                    "$or": [
                        {"user_id": {"$gt": after[0]}},
                        {"user_id": after[0], "provider": {"$gt": after[1]}},
                    ]
                }
            page = list(
                self._credentials.find(query, {"_id": False, "user_id": True, "provider": True})
                .sort([("user_id", ASCENDING), ("provider", ASCENDING)])
                .limit(batch_size)
            )
            yield from ((found["user_id"], found["provider"]) for found in page)
            if len(page) < batch_size:
                return
            after = (page[-1]["user_id"], page[-1]["provider"])

    def rotate_provider_credentials(self, keys: Sequence[ProviderKey]) -> RotationCounts:
        if not keys:
            return RotationCounts()
        found = list(
            self._credentials.find({"$or": [{"user_id": u, "provider": p} for u, p in keys]})
        )
        updates = []
        for document in found:
            changes = rotated_tokens(document, self._cipher)
            if changes:
                # Compare-and-swap on the old ciphertext: a concurrent refresh wins, not us.
                old = {name: document[name] for name in changes}
                updates.append(UpdateOne({"_id": document["_id"], **old}, {"$set": changes}))
        rotated = self._credentials.bulk_write(updates).modified_count if updates else 0
        return RotationCounts(
            rotated=rotated, skipped=len(found) - rotated, missing=len(keys) - len(found)
        )

    # --- Maintenance ---

    def cleanup_expired(self) -> dict[str, int]:
        expired = {"expires_at": {"$lte": self._clock()}}
        return {
            "states": self._states.delete_many(expired).deleted_count,
            "auth_codes": self._codes.delete_many(expired).deleted_count,
            "sessions": self._sessions.delete_many(expired).deleted_count,
        }

    def close(self) -> None:
        """Do nothing: the pymongo client belongs to whoever passed the database in."""

    # --- Bulk capability (BulkSessionStore) ---

    def _in_transaction(self, work: Callable[[ClientSession], T]) -> T:
        with self._db.client.start_session() as session:
            return session.with_transaction(work)

    def bulk_store_sessions(self, records: Sequence[SessionRecord]) -> None:
        if not records:
            return
        operations = [
            ReplaceOne({"session_id": r.session_id}, session_document(r), upsert=True)
            for r in records
        ]
        self._in_transaction(lambda s: self._sessions.bulk_write(operations, session=s))

    def bulk_delete_sessions_by_hash(self, access_token_hashes: Sequence[str]) -> int:
        return self._delete_many_sessions("access_token_hash", access_token_hashes)

    def bulk_delete_sessions_by_id(self, session_ids: Sequence[str]) -> int:
        return self._delete_many_sessions("session_id", session_ids)

    def _delete_many_sessions(self, field: str, values: Sequence[str]) -> int:
        if not values:
            return 0
        query = {field: {"$in": list(values)}}
        return self._in_transaction(
            lambda s: self._sessions.delete_many(query, session=s).deleted_count
        )

    def bulk_touch_sessions(self, last_used: Mapping[str, datetime]) -> int:
        if not last_used:
            return 0
        operations = [
            UpdateOne({"session_id": sid}, {"$max": {"last_used_at": when}})
            for sid, when in last_used.items()
        ]
        return self._in_transaction(
            lambda s: self._sessions.bulk_write(operations, session=s).matched_count
        )
