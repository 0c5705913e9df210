"""Benchmark: MCP tool calls against the JSON API, and token validation with and without cache.

(1) ``search_mail`` through MCP (the official client SDK, one Streamable HTTP session, an OAuth
    access token obtained through the real authorisation flow) against the same searches
    through ``GET /api/mails`` (plain HTTP, the same token as a bearer), both served by one live
    ``uvicorn mcp_server.asgi`` process: p50 and p95 per call, and their ratio.
(2) Validating that access token in this process: the hot path (``CachingTokenStore``: the
    session and its client, both cache hits) against the bare MongoDB store, per call, and the
    ratio.

A synced emulator mailbox (``--messages``, default 400) in a throwaway database,
``mailbox_bench_mcp_<pid>``, dropped at the start and the end; the live server takes port 8198.

    .venv/bin/python bench/mcp.py [--calls 200] [--validations 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# This file is named like the SDK's package: drop bench/ from the path so ``mcp`` is the SDK.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
# Forced, not defaulted: the bench drops this database. Named per process, so two runs
# at once never drop each other's data.
os.environ["MONGODB_NAME"] = f"mailbox_bench_mcp_{os.getpid()}"
os.environ.setdefault("CACHE_KEY_PREFIX", "mailbox-bench-mcp")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
# Every request of the bench is one caller's: the limits would measure themselves.
os.environ["RATE_LIMIT_API"] = "off"
os.environ["RATE_LIMIT_MCP"] = "off"
import mailbox_project.testenv  # noqa: E402, F401 - test defaults for the rest of the environment

PORT = 8198
QUERIES = ("", "interview", "from:greenhouse.io", "subject:application", "has:attachment")


def setup() -> Any:
    import logging

    import django

    # The HTTP client logs every request at INFO; the figures are what this prints.
    logging.getLogger("httpx2").setLevel(logging.WARNING)

    django.setup()
    from django.core.management import call_command

    from mailbox_project.mongo import get_database

    database = get_database()
    database.client.drop_database(database.name)
    call_command("migrate", verbosity=0)
    return database


def fill(emulator: Any) -> Any:
    """Return a user whose emulator mailbox is synced and analysed."""
    from django.conf import settings

    from accounts import google as google_oauth
    from accounts.models import User
    from analysis import service
    from mailbox_project.ids import user_id
    from mails import sync
    from mails.models import Message, SyncState

    settings.GMAIL_API_ROOT = emulator.url
    settings.GOOGLE_TOKEN_URL = f"{emulator.url}/token"
    email = emulator.emails[0]
    user = User.objects.create_user(email=email, name="Bench Person")
    google_oauth.store_tokens(user, emulator.emulator.issue_tokens(email))
    for _ in range(100):
        step = sync.sync_step(user)
        if SyncState.objects.get(user=user).phase == SyncState.Phase.PARTIAL and not step.more:
            break
    ids = list(Message.objects.for_user(user).values_list("gmail_id", flat=True))
    service.analyze(user_id(user), ids)
    return user


def access_token(user: Any, origin: str) -> str:
    """Return an access token from the real flow: registration, consent, PKCE exchange."""
    from django.test import Client

    from oauth_server.tests import flow

    browser = Client(HTTP_HOST=origin.removeprefix("http://"))
    browser.force_login(user)
    registered = flow.register(browser)
    proof = flow.pkce()
    url = flow.authorize_query(registered["client_id"], proof.challenge, resource=f"{origin}/mcp")
    code = flow.code_from(flow.consent(browser, url))
    token = flow.exchange(browser, registered["client_id"], code, proof.verifier)
    assert token.status_code == 200, token.content
    return str(token.json()["access_token"])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(name: str, seconds: list[float]) -> float:
    p50, p95 = percentile(seconds, 0.5) * 1000, percentile(seconds, 0.95) * 1000
    print(f"  {name:<34} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   (n={len(seconds)})")
    return p50


async def mcp_calls(url: str, token: str, calls: int) -> list[float]:
    import httpx2
    from mcp.client.client import Client
    from mcp.client.streamable_http import streamable_http_client

    headers = {"Authorization": f"Bearer {token}"}
    timings = []
    async with (
        httpx2.AsyncClient(headers=headers, timeout=30) as http,
        Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client,
    ):
        for index in range(calls):
            query = QUERIES[index % len(QUERIES)]
            started = time.perf_counter()
            result = await client.call_tool("search_mail", {"query": query, "page_size": 20})
            timings.append(time.perf_counter() - started)
            assert not result.is_error, result
    return timings


def api_calls(url: str, token: str, calls: int) -> list[float]:
    import requests

    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    timings = []
    for index in range(calls):
        params = {"q": QUERIES[index % len(QUERIES)], "page_size": 20}
        started = time.perf_counter()
        answer = session.get(f"{url}/api/mails", params=params, timeout=30)
        timings.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.text
    return timings


def per_call(operation: Callable[[], object], rounds: int) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        operation()
    return (time.perf_counter() - started) / rounds


def bench_validation(token: str, rounds: int) -> None:
    from accounts.tokens.factory import get_token_store, get_uncached_token_store

    def validate(store: Any) -> None:
        session = store.load_session_by_token(token)
        assert session is not None
        assert store.load_client(session.client_id) is not None

    cached, bare = get_token_store(), get_uncached_token_store()
    validate(cached)  # fill the cache
    hit = per_call(lambda: validate(cached), rounds)
    miss = per_call(lambda: validate(bare), max(1, rounds // 10))
    print("(2) validating the access token (session + client), this process")
    print(f"  CachingTokenStore (hits)           {hit * 1e6:9.2f} µs per validation")
    print(f"  bare MongoTokenStore               {miss * 1e6:9.2f} µs per validation")
    print(f"  ratio bare / cached                {miss / hit:9.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--validations", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=400)
    args = parser.parse_args()
    database = setup()
    from google_emulator.testing import EmulatorServer
    from mcp_server.tests.live import emulator_config, live_server

    try:
        with EmulatorServer(emulator_config(PORT, args.messages)) as emulator:
            user = fill(emulator)
            with (
                tempfile.TemporaryDirectory() as logs,
                live_server(emulator, Path(logs), PORT, RATE_LIMIT_MCP="off") as live,
            ):
                token = access_token(user, live.url)
                # One warm-up round each (imports, first-page caches), not timed.
                asyncio.run(mcp_calls(live.url, token, len(QUERIES)))
                api_calls(live.url, token, len(QUERIES))
                mcp = asyncio.run(mcp_calls(live.url, token, args.calls))
                api = api_calls(live.url, token, args.calls)
            print(
                f"(1) search_mail, {args.messages} messages, page_size 20, {len(QUERIES)} queries"
            )
            via_mcp = report("MCP tools/call search_mail", mcp)
            via_api = report("GET /api/mails", api)
            print(f"  ratio MCP / API (p50)              {via_mcp / via_api:9.2f}x")
            p95 = percentile(mcp, 0.95) / percentile(api, 0.95)
            print(f"  ratio MCP / API (p95)              {p95:9.2f}x")
            bench_validation(token, args.validations)
    finally:
        database.client.drop_database(database.name)


if __name__ == "__main__":
    main()
