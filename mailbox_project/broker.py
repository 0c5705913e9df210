"""The Redis broker transport: kombu's, made to survive a Redis outage in the worker.

Why (celery 5.7.0 / kombu 5.7.0, the newest releases): when Redis goes away, the worker's
consumer first ``collect()``s the dead connection and then ``close()``s it. The first close of
the consuming channel fails while reading its pending BRPOP, before the channel counts as
closed; ``collect()`` then detaches the transport from the connection (``transport.client =
None``). The second close finds the channel still open and restores its unacknowledged messages
(any task waiting on a countdown) through that detached transport: building a new pool reads
``transport.client.hostname`` and raises ``AttributeError``, which the consumer's
``ignore_errors`` does not catch, so the worker process exits with code 1.

Here a channel whose transport is detached raises the connection error it really is. kombu's
close path ignores connection errors, so the worker reconnects as it does for any lost
connection; the unacknowledged messages stay in Redis's unacked index, which the reconnected
worker restores after the visibility timeout (nothing is lost). No newer release fixes it;
celery 5.6.3 never closed twice, but its ``Task`` is not subscriptable at run time (code here
subclasses ``Task[Any, Any]``) and it lacks 5.7's other reconnection fixes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(kombu_redis.Channel):
    @contextmanager
    def conn_or_acquire(self, client: Any | None = None) -> Iterator[Any]:
        if client is None and self.connection.client is None:
            raise RedisConnectionError("the broker connection was closed")
        with super().conn_or_acquire(client) as acquired:
            yield acquired


class Transport(kombu_redis.Transport):
    Channel = Channel


def install() -> None:
    """Serve ``redis://`` and ``rediss://`` broker URLs with this transport.

    The scheme names stay as they are, so kombu keeps treating ``rediss`` as TLS.
    """
    for scheme in ("redis", "rediss"):
        TRANSPORT_ALIASES[scheme] = f"{__name__}:Transport"
