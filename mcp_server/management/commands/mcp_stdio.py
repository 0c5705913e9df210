"""``manage.py mcp_stdio --token …``: the MCP tools over stdio, for an assistant on this machine.

The token is a personal API token (``/account/tokens``) or an OAuth access token; it may also
come from ``MAILBOX_TOKEN`` so it stays out of the process list. It is checked at start and on
every tool call, so revoking it stops the session. Logs go to stderr: stdout is the protocol.
"""

from __future__ import annotations

import os
from typing import Any

import anyio
from django.core.management.base import BaseCommand, CommandError, CommandParser

from mcp_server.principal import principal_for
from mcp_server.server import build_server, use_stdio_principal


class Command(BaseCommand):
    help = "Serve Mailbox's read-only MCP tools over stdio as the owner of a token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--token",
            default=os.environ.get("MAILBOX_TOKEN", ""),
            help="A personal API token or OAuth access token (default: $MAILBOX_TOKEN).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        token = str(options["token"]).strip()
        if not token:
            raise CommandError("Pass --token or set MAILBOX_TOKEN.")
        if principal_for(token) is None:
            raise CommandError("The token is invalid, expired or revoked.")
        use_stdio_principal(lambda: principal_for(token))
        anyio.run(build_server().run_stdio_async)
