"""Fetch again the messages an older parser stored, so old mail gains what new mail has.

Every stored message records the ``PARSER_VERSION`` (``mails.parsing``) that parsed it. A
parser change that stores more (recipients' names, Delivered-To, HTML-only text, link
targets) raises the version; the messages stored before are then *stale*: search would miss
what their new fields hold. Gmail never changes a message's content, so fetching it again
(``format=full``, through the quota-bound ``GmailClient``) and storing it the way the sync
does (``store.store_all``) gives exactly what a fresh sync would have stored.

How it runs (``mails.tasks.refetch_mail``, on the sync queue):

- After a sync step that left the mailbox up to date, ``should_start`` asks the index
  ``user_parser_version`` whether the user has stale messages and, if so, claims the user's
  *pass* (a Redis key holding a pass id, like a sync chain's).
- Each task run refetches at most ``REFETCH_BATCH`` stale messages under the user's sync
  lock (a refetch never overlaps a sync step: both stamp the full sync's generation), then
  queues the next run ``REFETCH_PAUSE`` seconds later, so the sync and the quota stay free
  most of the time.
- The version field is the checkpoint: a refetched message is no longer stale, so a killed
  worker's pass, restarted by a later sync step once its key expired, goes on with what is
  left. The ``_id`` cursor carried from run to run only steps over messages that could not
  be fetched this pass (a permanent error); the next pass tries them again.
- A message Gmail no longer has (404) is deleted, as the sync deletes what history reports
  deleted (``store.delete_messages``, which announces it).
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bson import ObjectId
from django.conf import settings
from pymongo.collection import Collection

from mailbox_project.ids import UserId
from mailbox_project.mongo import get_database
from mailbox_project.redis import UserLock, connection
from mails import labels, store
from mails.gmail import FetchResult, GmailClient
from mails.models import Message, SyncState
from mails.parsing import PARSER_VERSION

logger = logging.getLogger(__name__)

# Messages per task run: 100 messages.get are 500 quota units, two seconds of Gmail's
# default 250 units/s; the pause after each run leaves the rest of the quota to the sync.
REFETCH_BATCH = 100
REFETCH_PAUSE = 5
# A pass that ended leaves its key this long: messages that failed for good are retried
# at most this often, not after every sync step.
REFETCH_COOLDOWN = 3600
INDEX = "user_parser_version"
# The stale versions as index points (None: stored before versions were recorded, or by a
# writer that did not set it): an $in of points is merged in _id order on the index, a
# range ($lt) would need a sort of every stale message.
STALE_VERSIONS: list[int | None] = [None, *range(PARSER_VERSION)]

_COMPARE_AND_EXPIRE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 0
"""


@dataclass(frozen=True)
class RefetchResult:
    """What one run did, and where the next one starts (None: the pass is over)."""

    selected: int
    refetched: int
    deleted: int
    failed: int
    next_after: str | None

    def summary(self) -> str:
        return (
            f"{self.refetched} refetched, {self.deleted} deleted (gone from Gmail), "
            f"{self.failed} failed{', more to do' if self.next_after else ''}"
        )


def _messages() -> Collection[dict[str, Any]]:
    return get_database()[Message._meta.db_table]


def stale_query(user_id: UserId) -> dict[str, Any]:
    """Return the filter of the user's messages stored by an older parser."""
    return {"user_id": user_id, "parser_version": {"$in": STALE_VERSIONS}}


def has_stale(user_id: UserId) -> bool:
    """Return whether any of the user's messages is stale (one index probe)."""
    found = _messages().find(stale_query(user_id), {"_id": 1}).hint(INDEX).limit(1)
    return any(True for _ in found)


def count_stale(user_id: UserId) -> int:
    """Return how many of the user's messages are stale (counted on the index)."""
    return _messages().count_documents(stale_query(user_id), hint=INDEX)


def stale_batch(user_id: UserId, after: ObjectId | None, limit: int) -> list[tuple[ObjectId, str]]:
    """Return (``_id``, gmail id) of up to ``limit`` stale messages after ``after``, in order."""
    query = stale_query(user_id)
    if after is not None:
        query["_id"] = {"$gt": after}
    found = _messages().find(query, {"gmail_id": 1}).sort("_id", 1).hint(INDEX).limit(limit)
    return [(doc["_id"], doc["gmail_id"]) for doc in found]


def refetch_batch(
    user_id: UserId,
    *,
    after: ObjectId | None = None,
    limit: int | None = None,
    client: GmailClient | None = None,
) -> RefetchResult:
    """Fetch up to ``limit`` (``REFETCH_BATCH``) stale messages again, store them, delete lost ones.

    The caller holds the user's sync lock (``sync_lock``). Rate limits and transient errors
    propagate after what was fetched is stored (the task retries); the messages stored
    already are no longer stale, so the retry does only the rest.
    """
    limit = limit or REFETCH_BATCH
    batch = stale_batch(user_id, after, limit)
    if not batch:
        return RefetchResult(0, 0, 0, 0, None)
    state, _ = SyncState.objects.get_or_create(user_id=user_id)
    client = client or GmailClient(state.user)
    gone: list[str] = []
    failed: dict[str, str] = {}

    def fetched() -> Iterator[FetchResult]:
        for result in client.iter_messages([gmail_id for _, gmail_id in batch]):
            gone.extend(result.gone)
            failed.update(result.failed)
            yield result

    # As the sync does: a label id not seen before is looked up before it is stored.
    check = functools.partial(labels.refresh_if_unknown, user_id, client=client)
    refetched = store.store_all(state, fetched(), check_labels=check)
    deleted = store.delete_messages(user_id, gone)
    last = batch[-1][0]
    # A short batch ends the pass: nothing stale is left after it.
    next_after = str(last) if len(batch) == limit else None
    logger.info(
        "refetch user=%s: %d selected, %d refetched, %d deleted, %d failed",
        user_id, len(batch), refetched, deleted, len(failed),
    )  # fmt: skip
    return RefetchResult(len(batch), refetched, deleted, len(failed), next_after)


def refetch_all(user_id: UserId, *, client: GmailClient | None = None) -> RefetchResult:
    """Run a whole pass now (the management command): every stale message, batch by batch.

    Each batch waits for the user's sync lock, so a worker's sync step is never overlapped.
    """
    after: ObjectId | None = None
    total = RefetchResult(0, 0, 0, 0, None)
    while True:
        lock = sync_lock(user_id)
        if not lock.acquire(wait=settings.CELERY_TASK_TIME_LIMIT):
            raise TimeoutError(f"the sync lock of user {user_id} stayed held")
        with lock:
            result = refetch_batch(user_id, after=after, client=client)
        total = RefetchResult(
            total.selected + result.selected,
            total.refetched + result.refetched,
            total.deleted + result.deleted,
            total.failed + result.failed,
            None,
        )
        if result.next_after is None:
            return total
        after = ObjectId(result.next_after)


# --- The pass: one per user at a time -------------------------------------------------------


def _pass_key(user_id: UserId) -> str:
    return f"{settings.CACHE_KEY_PREFIX}:refetch-pass:{user_id}"


def pass_ttl(countdown: float = 0) -> int:
    """Seconds a pass stays claimed while its next run waits: until due, plus queueing slack."""
    return int(countdown + settings.SYNC_CHAIN_GRACE)


def should_start(user_id: UserId) -> str | None:
    """Return a new pass id if the user has stale messages and no pass is live, else None."""
    if connection().exists(_pass_key(user_id)) or not has_stale(user_id):
        return None
    pass_id = uuid.uuid4().hex
    claimed = connection().set(_pass_key(user_id), pass_id, nx=True, ex=pass_ttl())
    return pass_id if claimed else None


def keep_pass(user_id: UserId, pass_id: str, ttl: int) -> bool:
    """Keep the pass claimed ``ttl`` more seconds; False if ``pass_id`` is not the live one."""
    key = _pass_key(user_id)
    return bool(connection().eval(_COMPARE_AND_EXPIRE, 1, key, pass_id, max(1, ttl)))


def end_pass(user_id: UserId, pass_id: str) -> None:
    """End the pass, keeping the key ``REFETCH_COOLDOWN`` seconds before the next may start."""
    keep_pass(user_id, pass_id, REFETCH_COOLDOWN)


def sync_lock(user_id: UserId, pass_id: str | None = None) -> UserLock:
    """Return the user's sync-step lock (``mails.scheduling.step_lock``'s), renewed while held.

    The renewal also keeps the pass claimed, so a killed worker's pass expires within
    ``SYNC_HEARTBEAT_TTL`` seconds and a later sync step starts a new one.
    """
    ttl = settings.SYNC_HEARTBEAT_TTL

    def beat() -> None:
        if pass_id is not None:
            keep_pass(user_id, pass_id, ttl)

    return UserLock("sync", user_id, ttl=ttl, renew=True, on_renew=beat, on_lost="warn")
