"""Delete everything Mailbox holds about a person ("Delete my account").

Order matters: the person is made inactive and Google's grant revoked first (no new sync can
start: no credentials), the sync chain's keys are dropped and the running step, if any, is
waited for under the sync lock, which is held while the data goes, so no step writes behind
the deletion. Then, per owner: the analysis cache's three tiers (``analysis.cache``), tokens
through the token store (so every process's token cache hears of it), export files, sessions,
admin-login records, and every MongoDB collection's documents keyed by the person's
``user_id`` (the project's rule: every per-user document carries it; a collection added later
is covered too), the user row last, and every Redis key naming the person's id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session

from accounts import google
from accounts.models import AuditEvent, User
from accounts.tokens.factory import get_token_store
from analysis import cache as analysis_cache
from mailbox_project.ids import UserId, user_id
from mailbox_project.mongo import get_database
from mailbox_project.redis import Busy, connection, user_lock
from mails import scheduling
from privacy import storage
from privacy.models import DataExport

logger = logging.getLogger(__name__)

# How long to wait for a running sync step (its lock TTL is SYNC_HEARTBEAT_TTL, renewed).
SYNC_WAIT_SECONDS = 60.0
SCAN_COUNT = 1000


@dataclass
class Deleted:
    """What went: documents per collection, Redis keys, sessions."""

    documents: dict[str, int] = field(default_factory=dict)
    redis_keys: int = 0
    sessions: int = 0

    @property
    def total_documents(self) -> int:
        return sum(self.documents.values())


def delete_account(user: User) -> Deleted:
    """Revoke Google, delete every trace of ``user`` in MongoDB, Redis and export files."""
    uid = user_id(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    if google.has_credentials(user) or user.social_auth.exists():
        google.disconnect(user)  # revokes the grant at Google, forgets the tokens
    _stop_sync_chain(uid)
    deleted = Deleted()
    try:
        with user_lock("sync", uid, ttl=SYNC_WAIT_SECONDS, wait=SYNC_WAIT_SECONDS, renew=True):
            _delete_data(user, uid, deleted)
    except Busy:
        # A step still runs after a minute: delete anyway (it has no credentials left, and
        # its writes are keyed by a user that no longer exists).
        logger.warning("sync step still running for user %s; deleting without its lock", uid)
        _delete_data(user, uid, deleted)
    deleted.redis_keys = _delete_redis_keys(uid)
    logger.info(
        "deleted account %s: %d documents, %d Redis keys, %d sessions",
        uid,
        deleted.total_documents,
        deleted.redis_keys,
        deleted.sessions,
    )
    return deleted


def _stop_sync_chain(uid: UserId) -> None:
    """Drop the chain, wake-up and pending keys: a queued step with the old id exits."""
    chain = scheduling.live_chain(uid)
    if chain is not None:
        scheduling.end_chain(uid, chain)
    scheduling.take_dirty(uid)
    scheduling.release_pending(uid)


def _delete_data(user: User, uid: UserId, deleted: Deleted) -> None:
    analysis_cache.purge_user(uid)  # L3, every L2 key, this process's L1, a new generation
    _delete_tokens(uid)
    for export in DataExport.objects.filter(user=user):
        storage.remove(export.file_name)
    deleted.sessions = _delete_sessions(user)
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        model.objects.filter(username__iexact=user.email).delete()
    # A staff member's looks at other people's data stay in *their* audit log, under the
    # copied address, as the model intends once an actor is gone; the link to the row goes.
    AuditEvent.objects.filter(actor=user).update(actor=None)
    database = get_database()
    owner = {"user_id": {"$in": [uid, str(uid)]}}
    for name in sorted(database.list_collection_names()):
        if name.startswith("system.") or name == "users":
            continue
        count = database[name].delete_many(owner).deleted_count
        if count:
            deleted.documents[name] = count
    deleted.documents["users"] = database["users"].delete_many({"_id": uid}).deleted_count


def _delete_tokens(uid: UserId) -> None:
    """API tokens and OAuth grants (sessions) and Google's credentials, through the store so
    every process's token cache evicts them."""
    store = get_token_store()
    for session in store.list_sessions_for_user(str(uid)):
        store.delete_session_by_id(session.session_id)
    store.delete_provider_credentials(str(uid))


def _delete_sessions(user: User) -> int:
    """Delete the person's Django sessions (the user id is inside the encoded data)."""
    mine = [
        session.pk
        for session in Session.objects.iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=mine).delete()
    return len(mine)


def _delete_redis_keys(uid: UserId) -> int:
    """Delete every key naming the person's id: scheduling, locks, quota, mailbox version,
    refetch pass, search pages and sanitised HTML (django cache), analysis L2 and generation."""
    redis = connection()
    keys = list(redis.scan_iter(match=f"*{uid}*", count=SCAN_COUNT))
    for start in range(0, len(keys), SCAN_COUNT):
        redis.delete(*keys[start : start + SCAN_COUNT])
    return len(keys)
