"""Which errors are worth retrying, and the Celery task base class that retries them.

django-mongodb-backend wraps every pymongo error in ``django.db.DatabaseError`` (the pymongo
error is its ``__cause__``), so a retry policy keyed on exception classes never sees a lost
primary through the ORM. ``is_transient`` walks the cause chain and judges the innermost
errors instead: network failures, elections, timeouts and shutdowns pass with time; validation
errors, unexpected duplicate keys and bugs do not, and retrying them only hides them.
"""

from __future__ import annotations

import logging
import random
from typing import Any

from celery import Task
from celery.exceptions import Retry
from kombu.exceptions import OperationalError as BrokerError
from pymongo.errors import BulkWriteError, ConnectionFailure, OperationFailure
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# MongoDB error codes of a failover, a shutdown or an interrupted operation: the same
# operation succeeds once a primary is back. (pymongo's own retryable-write list, plus
# ExceededTimeLimit and the lock and write-conflict codes a transaction may be aborted with.)
# https://www.mongodb.com/docs/manual/reference/error-codes/
TRANSIENT_CODES = frozenset(
    {
        6,  # HostUnreachable
        7,  # HostNotFound
        89,  # NetworkTimeout
        91,  # ShutdownInProgress
        112,  # WriteConflict
        134,  # ReadConcernMajorityNotAvailableYet
        189,  # PrimarySteppedDown
        262,  # ExceededTimeLimit
        9001,  # SocketException
        10107,  # NotWritablePrimary
        11600,  # InterruptedAtShutdown
        11602,  # InterruptedDueToReplStateChange
        13435,  # NotPrimaryNoSecondaryOk
        13436,  # NotPrimaryOrSecondary
        10058,  # LegacyNotPrimary
    }
)
# Labels the server (or pymongo) puts on an error that a retry of the same operation survives.
TRANSIENT_LABELS = (
    "TransientTransactionError",
    "RetryableWriteError",
    "ResumableChangeStreamError",
)
# Causes followed at most: a cycle of __context__ links must not loop forever.
MAX_CHAIN = 20

# The retry schedule of ``RetryingTask``: full-ish jitter on a capped exponential.
RETRY_BASE_SECONDS = 2.0
RETRY_CAP_SECONDS = 300.0
RETRY_MAX = 10


def _causes(exc: BaseException) -> list[BaseException]:
    """Return ``exc`` and what it was raised from or while handling, outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < MAX_CHAIN and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _transient_here(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionFailure):  # AutoReconnect, NetworkTimeout, NotPrimary, ...
        return True
    if isinstance(exc, BulkWriteError):
        # Per-document errors: transient only if every one is (a duplicate key is not).
        errors = exc.details.get("writeErrors", []) if exc.details else []
        concern = exc.details.get("writeConcernErrors", []) if exc.details else []
        codes = [e.get("code") for e in [*errors, *concern]]
        return bool(codes) and all(code in TRANSIENT_CODES for code in codes)
    if isinstance(exc, OperationFailure):
        labelled = any(exc.has_error_label(label) for label in TRANSIENT_LABELS)
        return labelled or exc.code in TRANSIENT_CODES
    return isinstance(exc, RedisConnectionError | RedisTimeoutError | BrokerError)


def is_transient(exc: BaseException) -> bool:
    """Return whether ``exc``, or an error it was raised from, passes if the work is retried.

    Transient: MongoDB network errors, server selection timeouts, elections (not primary,
    stepped down), shutdowns, and operations labelled retryable; Redis connection errors and
    timeouts; the broker being unreachable. Everything else (validation, duplicate keys,
    programming errors) is permanent.
    """
    return any(_transient_here(cause) for cause in _causes(exc))


def retry_delay(retries: int) -> float:
    """Return the wait before retry number ``retries + 1``: capped exponential, jittered."""
    ceiling = min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2**retries)
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not cryptography


class RetryingTask(Task[Any, Any]):
    """A task that retries transient infrastructure errors (``is_transient``) with backoff.

    Celery's ``autoretry_for`` matches exception classes; this matches causes, so a
    ``DatabaseError`` raised from a lost primary is retried and one raised from a validation
    error is not. ``max_retries`` bounds it like any Celery retry: then the error is raised.
    """

    max_retries = RETRY_MAX

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        except Retry:
            raise
        except Exception as exc:
            if not is_transient(exc) or self.request.called_directly:
                raise
            countdown = retry_delay(self.request.retries)
            logger.warning(
                "%s: transient %s, retry %d in %.1fs",
                self.name,
                type(exc).__name__,
                self.request.retries + 1,
                countdown,
            )
            raise self.retry(exc=exc, countdown=countdown) from exc
