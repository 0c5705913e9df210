"""A pytest plugin (``-p mailbox_project.testenv``) that sets test defaults for the environment.

It is loaded before pytest-django imports settings, so the suite runs production-like settings
(DEBUG off, encryption on) against the test MongoDB and a Redis database of its own, whether it
is started by ``make test`` or by a bare ``pytest``. Values already in the environment win.
"""

from __future__ import annotations

import os

TEST_ENVIRONMENT = {
    "DEBUG": "false",
    "SECRET_KEY": "test-only-secret-key-not-used-anywhere-else-0123456789abcdef",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "false",
    "STATIC_MANIFEST": "false",
    # The test client and live server speak plain HTTP.
    "SOCIAL_AUTH_REDIRECT_IS_HTTPS": "false",
    "MONGODB_URI": "mongodb://127.0.0.1:27018/?replicaSet=rs0",
    "MONGODB_NAME": "mailbox",
    # Separate Redis databases for cache (flushed between tests) and the Celery broker.
    "REDIS_URL": "redis://127.0.0.1:6379/15",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/14",
    "CELERY_RESULT_BACKEND": "redis://127.0.0.1:6379/14",
    "CACHE_KEY_PREFIX": "mailbox-test",
    # A fixed test-only Fernet key: tests assert tokens are encrypted at rest.
    "TOKEN_ENCRYPTION_KEYS": "dGVzdC1vbmx5LWtleS1kby1ub3QtdXNlLWluLXByb2Q=",
    # Tests point the app at an in-process emulator; the URLs are set per test.
    "GOOGLE_EMULATOR_URL": "http://127.0.0.1:9",
    "PUSH_WEBHOOK_TOKEN": "test-push-token",
    # Property tests and benches send hundreds of requests as one user; the limits' own tests
    # (mailbox_project/tests/test_rate_limits.py) set them per test.
    "RATE_LIMIT_SEARCH": "off",
    "RATE_LIMIT_API": "off",
    "RATE_LIMIT_SYNC_NOW": "off",
}

for _name, _value in TEST_ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)
