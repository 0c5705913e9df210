"""WSGI entry point (gunicorn)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mailbox_project.settings")
application = get_wsgi_application()

from mailbox_project.checks import fail_fast  # noqa: E402  (needs settings loaded)

fail_fast()
