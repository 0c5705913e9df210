"""Which errors the tasks retry: judged by cause, through Django's wrapping of pymongo errors.

The wrapping by a real ORM call during a real outage is in test_mongo_outage.py.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError
from kombu.exceptions import OperationalError as BrokerError
from pymongo.errors import (
    AutoReconnect,
    BulkWriteError,
    DuplicateKeyError,
    NotPrimaryError,
    OperationFailure,
    ServerSelectionTimeoutError,
)
from redis.exceptions import ConnectionError as RedisConnectionError

from mailbox_project.faults import is_transient, retry_delay


def wrapped(inner: BaseException, outer: type[Exception] = DatabaseError) -> Exception:
    """Raise ``inner`` the way django-mongodb-backend does (``raise DatabaseError from e``)."""
    try:
        try:
            raise inner
        except Exception as exc:
            raise outer() from exc
    except outer as exc:
        return exc
    raise AssertionError("unreachable")


def bulk_error(*codes: int, concern: bool = False) -> BulkWriteError:
    errors = [{"code": code, "errmsg": "x", "index": 0} for code in codes]
    key = "writeConcernErrors" if concern else "writeErrors"
    return BulkWriteError({key: errors})


@pytest.mark.parametrize(
    "error",
    [
        ServerSelectionTimeoutError("no primary"),
        wrapped(ServerSelectionTimeoutError("no primary")),
        wrapped(NotPrimaryError("stepped down")),
        wrapped(AutoReconnect("connection reset")),
        OperationFailure("interrupted", code=11600),
        OperationFailure("labelled", code=1, details={"errorLabels": ["RetryableWriteError"]}),
        bulk_error(91, concern=True),  # ShutdownInProgress while waiting for majority
        RedisConnectionError("refused"),
        BrokerError("broker unreachable"),
    ],
    ids=repr,
)
def test_outages_elections_and_shutdowns_are_transient(error: BaseException) -> None:
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        wrapped(DuplicateKeyError("E11000"), IntegrityError),
        bulk_error(11000),
        bulk_error(11000, 91),  # one document will never go in, however often it is retried
        OperationFailure("validation failed", code=121),
        wrapped(OperationFailure("bad query", code=2)),
        ValueError("a bug"),
        DatabaseError("no cause"),
    ],
    ids=repr,
)
def test_validation_duplicates_and_bugs_are_permanent(error: BaseException) -> None:
    assert not is_transient(error)


def test_retry_delays_grow_with_jitter_and_stay_capped() -> None:
    first = [retry_delay(0) for _ in range(50)]
    assert all(1.0 <= d <= 2.0 for d in first)
    assert len(set(first)) > 1
    assert all(150.0 <= retry_delay(20) <= 300.0 for _ in range(50))
