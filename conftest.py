"""Fixtures shared by every app's tests: personas, a clean Redis, a real Celery worker.

Plugins: the Google emulator's fixtures and ``mails.tests.mailboxes`` (an emulator mailbox to
deliver to and sync: ``mailbox``, ``other_mailbox``, ``signed_in``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from accounts.models import User
from accounts.tokens.factory import reset_token_stores
from accounts.tokens.mongo import COLLECTIONS as TOKEN_COLLECTIONS
from google_emulator.config import DEFAULT_REDIRECT_URIS, EmulatorConfig
from google_emulator.testing import EmulatorServer
from mailbox_project.mongo import get_database
from mailbox_project.testing import LIVE_SERVER_PORTS, WorkerProcess, start_worker

pytest_plugins = ["google_emulator.pytest_plugin", "mails.tests.mailboxes"]

TEST_REDIRECT_URIS = (
    "http://testserver/complete/google-oauth2/",
    *(f"http://127.0.0.1:{port}/complete/google-oauth2/" for port in LIVE_SERVER_PORTS),
)


@pytest.fixture(autouse=True)
def _clean_cache() -> None:
    # The test Redis database is the suite's own (see mailbox_project/testenv.py).
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_token_stores(request: pytest.FixtureRequest) -> Iterator[None]:
    # Token collections are not Django models, so Django's flush does not empty them, and the
    # per-process caches would carry records from one test into the next.
    yield
    reset_token_stores()
    uses_db = {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if uses_db or request.node.get_closest_marker("django_db"):
        for name in TOKEN_COLLECTIONS:
            get_database()[name].delete_many({})


@pytest.fixture(scope="session")
def google_emulator_config() -> EmulatorConfig:
    """The emulator every test talks to: two accounts of 60 generated messages, quota off."""
    return EmulatorConfig(
        accounts=2,
        messages=60,
        seed=7,
        quota_units_per_second=None,
        redirect_uris=(*DEFAULT_REDIRECT_URIS, *TEST_REDIRECT_URIS),
        push_token="test-push-token",
    )


@pytest.fixture
def google(settings: Any, google_emulator: EmulatorServer) -> EmulatorServer:
    """Point every Google endpoint of the app at the (reset) in-process emulator."""
    url = google_emulator.url
    settings.GOOGLE_AUTH_URL = f"{url}/o/oauth2/auth"
    settings.GOOGLE_TOKEN_URL = f"{url}/token"
    settings.GOOGLE_USERINFO_URL = f"{url}/oauth2/v3/userinfo"
    settings.GOOGLE_REVOKE_URL = f"{url}/revoke"
    settings.GMAIL_API_ROOT = url
    settings.GOOGLE_EMULATOR_URL = url
    return google_emulator


@pytest.fixture
def mailbox_owner(db: None, google: EmulatorServer) -> User:
    """A signed-up user whose Gmail is the emulator's first account, with tokens stored.

    The persona for tests that sync: ``owner`` has no Gmail behind it. The mails tests'
    ``synced_mailbox`` is this user's mailbox after a full sync.
    """
    from accounts import google as google_oauth

    email = google.emails[0]
    user = User.objects.create_user(email=email, name="Mailbox Owner")
    google_oauth.store_tokens(user, google.emulator.issue_tokens(email))
    return user


@pytest.fixture
def owner(db: None) -> User:
    """The persona whose data a test looks at (no Gmail: its mail is created by the test)."""
    return User.objects.create_user(email="owner@example.com", name="Olive Owner")


@pytest.fixture
def other_user(db: None) -> User:
    """Another signed-up user: what ``owner`` has must stay invisible to them."""
    return User.objects.create_user(email="other@example.com", name="Otto Other")


@pytest.fixture
def staff(db: None) -> User:
    """A superuser, for the admin pages."""
    return User.objects.create_superuser(email="staff@example.com", password="staff-pass-123!")


@pytest.fixture
def celery_workers(
    transactional_db: None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., WorkerProcess]]:
    """Start real Celery worker processes on the test database; all are stopped afterwards.

    Tasks see only committed data, so tests using workers need ``transactional_db``.
    """
    from mailbox_project.celery import app

    app.control.purge()
    log_dir = tmp_path_factory.mktemp("workers")
    started: list[WorkerProcess] = []

    def start(name: str = "worker1", **kwargs: Any) -> WorkerProcess:
        worker = start_worker(name, log_dir, **kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
    app.control.purge()
