"""Re-encrypt stored provider tokens under the newest key of TOKEN_ENCRYPTION_KEYS.

Rotation: put the new key first in TOKEN_ENCRYPTION_KEYS and keep the old ones after it, deploy,
run this command, then drop the old keys. Interrupted runs are safe to rerun (see
``accounts.tokens.rotation``). Plaintext values left from a TOKEN_STORE_ALLOW_PLAINTEXT era are
encrypted by the same run.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.tokens.base import RotationCounts
from accounts.tokens.crypto import TokenDecryptionError
from accounts.tokens.factory import build_backend, build_cipher
from accounts.tokens.rotation import rotate_provider_credentials


class Command(BaseCommand):
    help = "Re-encrypt every stored provider token under the newest TOKEN_ENCRYPTION_KEYS key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=100, help="records per batch")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        cipher = build_cipher()
        if not cipher.encrypts:
            raise CommandError("TOKEN_ENCRYPTION_KEYS is empty: there is no key to rotate to.")
        # The bare backend: rotation must not go through (or pollute) the per-process cache.
        store = build_backend(cipher)
        try:
            total = rotate_provider_credentials(
                store, batch_size=batch_size, progress=self._progress
            )
        except TokenDecryptionError as exc:
            raise CommandError(f"{exc}; records done so far stay rotated, rerun to resume") from exc
        finally:
            store.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {total.rotated} re-encrypted, {total.skipped} already under the newest "
                f"key, {total.missing} gone meanwhile."
            )
        )

    def _progress(self, number: int, total: RotationCounts) -> None:
        self.stdout.write(
            f"batch {number}: {total.rotated} re-encrypted, {total.skipped} already current"
        )
