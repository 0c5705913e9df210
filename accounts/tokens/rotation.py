"""Key rotation: re-encrypt every provider credential under the newest key, batch by batch.

Each record is rewritten on its own (a compare-and-swap on Mongo, a transaction on SQLite), so a
crash at any point leaves every record encrypted under either the old or the new key, and both
are in the key list while rotation runs. Records already under the newest key are detected
(decrypting with that key alone) and skipped, so a rerun resumes where a crash stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from accounts.tokens.base import RotationCounts, TokenStore
from accounts.tokens.records import ProviderKey


def _batches(keys: Iterator[ProviderKey], size: int) -> Iterator[list[ProviderKey]]:
    batch: list[ProviderKey] = []
    for key in keys:
        batch.append(key)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def rotate_provider_credentials(
    store: TokenStore,
    *,
    batch_size: int = 100,
    progress: Callable[[int, RotationCounts], None] | None = None,
) -> RotationCounts:
    """Return the totals after re-encrypting every provider credential in ``store``.

    ``store`` must be built with the new key list (newest first, old keys after it).
    ``progress`` is called after each batch with the batch number and the running totals.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    total = RotationCounts()
    ids = store.iter_provider_credentials_ids(batch_size=batch_size)
    for number, batch in enumerate(_batches(ids, batch_size), start=1):
        total += store.rotate_provider_credentials(batch)
        if progress is not None:
            progress(number, total)
    return total
