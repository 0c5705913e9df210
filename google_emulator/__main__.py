"""``python -m google_emulator``: serve Google OAuth2 + Gmail API v1 offline.

Prints one line with the base URL when ready; exits cleanly on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REDIRECT_URIS, EmulatorConfig
from .server import make_server
from .state import Emulator


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    p = argparse.ArgumentParser(
        prog="python -m google_emulator",
        description="Offline Google OAuth2 + Gmail API v1 emulator with demo mailboxes.",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    p.add_argument("--accounts", type=int, default=2)
    p.add_argument("--messages", type=int, default=200, help="generated messages per account")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument(
        "--anchor-date",
        type=dt.date.fromisoformat,
        default=None,
        help="YYYY-MM-DD the generated mail ends on (default: today, UTC)",
    )
    p.add_argument("--client-id", default=DEFAULT_CLIENT_ID)
    p.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    p.add_argument(
        "--redirect-uri",
        action="append",
        dest="redirect_uris",
        help="registered redirect URI (repeatable; exact match)",
    )
    p.add_argument(
        "--quota-units-per-second", type=float, default=250.0, help="per account; 0 = off"
    )
    p.add_argument(
        "--quota-status",
        type=int,
        choices=(429, 403),
        default=429,
        help="429 rateLimitExceeded or 403 userRateLimitExceeded",
    )
    p.add_argument("--concurrent-limit", type=int, default=0, help="per account; 0 = off")
    p.add_argument("--fault-rate", type=float, default=0.0, help="share of calls answered 5xx")
    p.add_argument("--latency-ms", type=float, default=0.0)
    p.add_argument("--access-token-lifetime", type=int, default=3600, help="seconds")
    p.add_argument(
        "--history-retention",
        type=int,
        default=10_000,
        help="history records kept per account; older startHistoryIds get 404",
    )
    p.add_argument("--push-url", default=None, help="Pub/Sub push endpoint (the app's webhook)")
    p.add_argument("--push-token", default=None, help="sent as 'Authorization: Bearer ...'")
    p.add_argument(
        "--demo-new-mail-every",
        type=float,
        default=None,
        metavar="N",
        help="deliver a generated message every N seconds",
    )
    p.add_argument(
        "--load-eml",
        action="append",
        default=[],
        metavar="PATH",
        help=".eml file, directory of them, or mbox, into the first account (repeatable)",
    )
    p.add_argument("--no-gzip", action="store_true", help="never gzip responses")
    p.add_argument("-v", "--verbose", action="store_true", help="log every request")
    return p


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    """Return the configuration the parsed arguments describe."""
    config = EmulatorConfig(
        accounts=args.accounts,
        messages=args.messages,
        seed=args.seed,
        client_id=args.client_id,
        client_secret=args.client_secret,
        redirect_uris=tuple(args.redirect_uris or DEFAULT_REDIRECT_URIS),
        quota_units_per_second=args.quota_units_per_second or None,
        quota_exceeded_status=args.quota_status,
        concurrent_limit=args.concurrent_limit or None,
        fault_rate=args.fault_rate,
        latency_ms=args.latency_ms,
        access_token_lifetime=args.access_token_lifetime,
        history_retention=args.history_retention,
        push_url=args.push_url,
        push_token=args.push_token,
        demo_new_mail_every=args.demo_new_mail_every,
        load_eml=tuple(args.load_eml),
        gzip=not args.no_gzip,
    )
    if args.anchor_date is not None:
        config.anchor_date = args.anchor_date
    return config


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator until SIGTERM/SIGINT."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    emulator = Emulator(config_from_args(args))
    server = make_server(emulator, args.host, args.port, emulator.config.gzip)
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        # shutdown() blocks until serve_forever returns, so it must run off this thread.
        if not stopping.is_set():
            stopping.set()
            threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"Google emulator listening on {server.url}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
        emulator.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
