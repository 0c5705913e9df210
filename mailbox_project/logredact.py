"""Keep secrets and people's searches out of every log line.

Log lines end up in places with weaker protection than the database (log shippers, support
tickets), so nothing that signs someone in or says what they searched may reach them:
bearer and Basic credentials, OAuth codes and states, tokens, and search queries (``q=``).
``RedactSecrets`` is attached to the handlers in ``settings.LOGGING`` (so to every Django and
Celery log record) and, by ``mailbox_project/gunicorn_config.py``, to gunicorn's access and error
logs, whose access format leaves out query strings, referrers and Basic user names anyway.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

# Query or form parameters whose values are secret or private.
SECRET_PARAMETERS = (
    "code", "state", "q", "access_token", "refresh_token", "id_token", "token",
    "client_secret", "password", "assertion", "key",
)  # fmt: skip
_PARAMETER = re.compile(
    r"(?i)(?<![A-Za-z0-9_])((?:" + "|".join(SECRET_PARAMETERS) + r")=)[^&\s\"'#]*"
)
# JSON or repr style: "access_token": "ya29...", 'password': '...'.
_KEYED = re.compile(
    r"(?i)([\"']?(?:access_token|refresh_token|id_token|client_secret|password|code|state)"
    r"[\"']?\s*:\s*[\"'])[^\"']*"
)
# An Authorization header's credentials, wherever the header is quoted.
_CREDENTIALS = re.compile(r"(?i)\b(bearer|basic)(\s+)[A-Za-z0-9._~+/=-]+")


def redact(text: str) -> str:
    """Return ``text`` with credentials, OAuth parameters and search queries replaced."""
    text = _CREDENTIALS.sub(rf"\1\2{REDACTED}", text)
    text = _PARAMETER.sub(rf"\1{REDACTED}", text)
    return _KEYED.sub(rf"\1{REDACTED}", text)


class RedactSecrets(logging.Filter):
    """Rewrites a record's message (and traceback) with ``redact``; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            # Formatted here, once, so the handler prints the redacted text it finds cached.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
