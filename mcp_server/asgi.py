"""One ASGI application: the MCP Streamable HTTP transport at ``/mcp``, Django for the rest.

Run it with ``uvicorn mcp_server.asgi:application`` (compose's ``mcp`` service). ``/mcp`` goes
through the bearer gate to the SDK's transport; every other path, including the OAuth
endpoints and the well-known metadata, is the Django app, so one process can serve the whole
site and a proxy can route only ``/mcp`` here. The SDK's session manager runs in this app's
lifespan.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
django_application = get_asgi_application()

from django.conf import settings  # noqa: E402  (needs the app registry loaded)
from mcp.server.transport_security import TransportSecuritySettings  # noqa: E402
from starlette.types import Receive, Scope, Send  # noqa: E402

from mailbox_project.checks import fail_fast  # noqa: E402
from mcp_server.gate import BearerGate  # noqa: E402
from mcp_server.server import build_server  # noqa: E402
from oauth_server.scopes import MCP_PATH  # noqa: E402

fail_fast()


def _security() -> TransportSecuritySettings:
    # DNS-rebinding protection with the hosts Django accepts (the SDK's default knows only
    # localhost); "*" in ALLOWED_HOSTS turns it off, as it does for Django.
    hosts = [str(host) for host in settings.ALLOWED_HOSTS]
    if "*" in hosts:
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)
    allowed = [pattern for host in hosts for pattern in (host, f"{host}:*")]
    origins = [f"{scheme}://{pattern}" for pattern in allowed for scheme in ("http", "https")]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True, allowed_hosts=allowed, allowed_origins=origins
    )


mcp_application = build_server().streamable_http_app(
    streamable_http_path=MCP_PATH, transport_security=_security()
)
gated = BearerGate(mcp_application)


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await mcp_application(scope, receive, send)
    elif scope["type"] == "http" and scope["path"].rstrip("/") == MCP_PATH:
        await gated(scope, receive, send)
    else:
        # Django's handler is typed for dict scopes and Mapping messages; ASGI passes both.
        await django_application(scope, receive, send)  # type: ignore[arg-type]
