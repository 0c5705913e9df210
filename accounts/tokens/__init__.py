"""The token store: one contract, two backends, two wrappers.

- ``records``: the frozen records and ``new_session``/``new_state``/``new_auth_code``/
  ``new_client``, which return the clear token once next to a record that keeps its hash.
- ``crypto``: ``hash_token`` (SHA-256) and ``TokenCipher`` (MultiFernet for Google's tokens).
- ``base``: the ``TokenStore`` contract; ``bulk``: the optional ``BulkSessionStore`` capability.
- ``mongo`` / ``sqlite``: the backends; ``caching`` / ``buffered``: the wrappers.
- ``factory``: the app's per-process stores built from settings; ``rotation``: key rotation.

Nothing here imports Django except ``factory`` (and ``crypto``'s ImproperlyConfigured), so the
backends and wrappers also work in scripts and tests without settings.
"""
