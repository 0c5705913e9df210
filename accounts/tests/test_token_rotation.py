"""Key rotation: everything re-encrypted under the newest key, resumably, never unreadable."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.tokens.crypto import TokenCipher, TokenDecryptionError
from accounts.tokens.records import ProviderCredentials
from accounts.tokens.rotation import rotate_provider_credentials

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()


def _fill(store, clock, count=25):
    stored = []
    for i in range(count):
        credentials = ProviderCredentials(
            user_id=f"user-{i:03}",
            access_token=f"ya29.access-{i}",
            refresh_token=f"1//refresh-{i}" if i % 5 else None,
            expires_at=clock() + timedelta(hours=1),
            updated_at=clock(),
        )
        store.store_provider_credentials(credentials)
        stored.append(credentials)
    return stored


def _read_all(store, stored):
    return [store.load_provider_credentials(c.user_id) for c in stored]


def test_after_rotation_the_new_key_alone_reads_everything(open_backend, clock):
    stored = _fill(open_backend(TokenCipher([KEY_A])), clock)
    only_b = open_backend(TokenCipher([KEY_B]))
    with pytest.raises(TokenDecryptionError):
        only_b.load_provider_credentials(stored[0].user_id)

    batches = []
    total = rotate_provider_credentials(
        open_backend(TokenCipher([KEY_B, KEY_A])),
        batch_size=10,
        progress=lambda number, counts: batches.append((number, counts.rotated)),
    )
    assert (total.rotated, total.skipped, total.missing) == (25, 0, 0)
    assert batches == [(1, 10), (2, 20), (3, 25)]
    assert _read_all(only_b, stored) == stored


def test_a_second_run_skips_what_is_already_current(open_backend, clock):
    _fill(open_backend(TokenCipher([KEY_A])), clock, count=5)
    both = open_backend(TokenCipher([KEY_B, KEY_A]))
    rotate_provider_credentials(both, batch_size=2)
    again = rotate_provider_credentials(both, batch_size=2)
    assert (again.rotated, again.skipped) == (0, 5)


class _CrashAfter:
    """Forwards rotation batches, then dies like a killed process after ``batches`` of them."""

    def __init__(self, store, batches):
        self.store, self.batches = store, batches

    def iter_provider_credentials_ids(self, **options):
        return self.store.iter_provider_credentials_ids(**options)

    def rotate_provider_credentials(self, keys):
        if self.batches == 0:
            raise KeyboardInterrupt
        self.batches -= 1
        return self.store.rotate_provider_credentials(keys)


def test_a_crash_midway_leaves_everything_readable_and_a_rerun_resumes(open_backend, clock):
    stored = _fill(open_backend(TokenCipher([KEY_A])), clock)
    both = open_backend(TokenCipher([KEY_B, KEY_A]))
    with pytest.raises(KeyboardInterrupt):
        rotate_provider_credentials(_CrashAfter(both, batches=1), batch_size=10)
    assert _read_all(both, stored) == stored
    resumed = rotate_provider_credentials(both, batch_size=10)
    assert (resumed.rotated, resumed.skipped) == (15, 10)
    assert _read_all(open_backend(TokenCipher([KEY_B])), stored) == stored


def test_rotation_encrypts_values_stored_as_plaintext(open_backend, raw_storage, clock):
    stored = _fill(open_backend(TokenCipher([], allow_plaintext=True)), clock, count=3)
    total = rotate_provider_credentials(open_backend(TokenCipher([KEY_B])), batch_size=2)
    assert total.rotated == 3
    assert "ya29.access-" not in raw_storage()
    assert _read_all(open_backend(TokenCipher([KEY_B])), stored) == stored


@pytest.mark.parametrize("backend_kind", ["mongo"])
def test_the_command_rotates_the_app_store_batch_by_batch(open_backend, clock):
    stored = _fill(open_backend(TokenCipher([KEY_A])), clock, count=7)
    out = io.StringIO()
    with override_settings(TOKEN_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        call_command("rotate_token_keys", "--batch-size", "3", stdout=out)
    assert out.getvalue().splitlines() == [
        "batch 1: 3 re-encrypted, 0 already current",
        "batch 2: 6 re-encrypted, 0 already current",
        "batch 3: 7 re-encrypted, 0 already current",
        "Done: 7 re-encrypted, 0 already under the newest key, 0 gone meanwhile.",
    ]
    assert _read_all(open_backend(TokenCipher([KEY_B])), stored) == stored


@pytest.mark.parametrize("backend_kind", ["mongo"])
def test_the_command_needs_a_key_and_a_sane_batch_size(open_backend):
    with (
        override_settings(TOKEN_ENCRYPTION_KEYS=[], TOKEN_STORE_ALLOW_PLAINTEXT=True),
        pytest.raises(CommandError, match="TOKEN_ENCRYPTION_KEYS"),
    ):
        call_command("rotate_token_keys")
    with pytest.raises(CommandError, match="batch-size"):
        call_command("rotate_token_keys", "--batch-size", "0")
