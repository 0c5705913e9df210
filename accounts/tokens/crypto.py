"""Protection at rest: SHA-256 for tokens Mailbox issues, MultiFernet for tokens it must use.

Issued tokens (sessions, codes, states, client secrets) carry 256 random bits, so an unsalted
SHA-256 cannot be brute-forced and lets the store look a token up by its hash. Google's tokens
must be used again, so they are encrypted: the first key of ``TOKEN_ENCRYPTION_KEYS`` encrypts,
every key decrypts, and ``rotate_token_keys`` re-encrypts old values under the first key.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.core.exceptions import ImproperlyConfigured

# Marks a value stored without encryption (only when plaintext is explicitly allowed). ":" is
# not in the URL-safe base64 alphabet, so it can never be mistaken for a Fernet token.
PLAINTEXT_MARKER = "plain:"

# Compared against when a client is unknown, so a lookup miss costs what a mismatch costs.
_DUMMY_HASH = "0" * 64


class TokenEncryptionNotConfigured(ImproperlyConfigured):
    """No encryption key was configured and plaintext storage was not allowed."""


class TokenDecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


def hash_token(token: str) -> str:
    """Return the SHA-256 hex digest under which an issued token is stored and looked up."""
    return hashlib.sha256(token.encode()).hexdigest()


def secret_matches(secret_hash: str | None, secret: str) -> bool:
    """Return whether ``secret`` hashes to ``secret_hash``, comparing in constant time."""
    expected = secret_hash if secret_hash is not None else _DUMMY_HASH
    return hmac.compare_digest(expected, hash_token(secret)) and secret_hash is not None


class TokenCipher:
    """Encrypts provider tokens with MultiFernet; the first key encrypts, all keys decrypt."""

    def __init__(self, keys: Sequence[str | bytes], *, allow_plaintext: bool = False) -> None:
        fernets = [Fernet(key) for key in keys if key]
        if not fernets and not allow_plaintext:
            raise TokenEncryptionNotConfigured(
                "The token store needs TOKEN_ENCRYPTION_KEYS (comma-separated Fernet keys, "
                "newest first) to encrypt provider tokens at rest; generate one with "
                "`python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`, or set TOKEN_STORE_ALLOW_PLAINTEXT "
                "for throwaway development data only."
            )
        self.allow_plaintext = allow_plaintext
        self._primary = fernets[0] if fernets else None
        self._multi = MultiFernet(fernets) if fernets else None

    @property
    def encrypts(self) -> bool:
        """Return whether new values are encrypted (a key is configured)."""
        return self._multi is not None

    def encrypt(self, value: str) -> str:
        """Return ``value`` encrypted under the newest key, or marked plaintext without keys."""
        if self._multi is None:
            return PLAINTEXT_MARKER + value
        return self._multi.encrypt(value.encode()).decode()

    def decrypt(self, stored: str) -> str:
        """Return the clear value of ``stored``; raise ``TokenDecryptionError`` if impossible."""
        if stored.startswith(PLAINTEXT_MARKER):
            if not self.allow_plaintext:
                raise TokenDecryptionError(
                    "a provider token is stored in plaintext; run `manage.py rotate_token_keys` "
                    "to encrypt it (or set TOKEN_STORE_ALLOW_PLAINTEXT)"
                )
            return stored.removeprefix(PLAINTEXT_MARKER)
        if self._multi is None:
            raise TokenDecryptionError("a provider token is encrypted but no key is configured")
        try:
            return self._multi.decrypt(stored.encode()).decode()
        except InvalidToken as exc:
            raise TokenDecryptionError(
                "no key in TOKEN_ENCRYPTION_KEYS decrypts a stored provider token"
            ) from exc

    def needs_rotation(self, stored: str) -> bool:
        """Return whether ``stored`` is not yet encrypted under the newest key."""
        if self._primary is None:
            return False
        if stored.startswith(PLAINTEXT_MARKER):
            return True
        # Fernet tokens carry no key id: decrypting with the newest key alone is the test.
        try:
            self._primary.decrypt(stored.encode())
        except InvalidToken:
            return True
        return False

    def rotate(self, stored: str) -> str:
        """Return ``stored`` re-encrypted under the newest key (plaintext gets encrypted)."""
        if self._multi is None:
            return stored
        if stored.startswith(PLAINTEXT_MARKER):
            return self.encrypt(stored.removeprefix(PLAINTEXT_MARKER))
        try:
            return self._multi.rotate(stored.encode()).decode()
        except InvalidToken as exc:
            raise TokenDecryptionError(
                "no key in TOKEN_ENCRYPTION_KEYS decrypts a stored provider token"
            ) from exc
