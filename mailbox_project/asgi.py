"""ASGI entry point."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
application = get_asgi_application()

from mailbox_project.checks import fail_fast  # noqa: E402  (needs settings loaded)

fail_fast()
