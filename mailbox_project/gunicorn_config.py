"""gunicorn's configuration: `gunicorn -c python:mailbox_project.gunicorn_config ...`.

Only logging lives here (bind and workers stay on the command line). The access log records
method, path, status, size and duration, never the query string (OAuth codes and states, search
queries), the Referer (the previous page's query) or a Basic user name; both logs also pass
through ``RedactSecrets`` in case a secret reaches a message some other way.
"""

from __future__ import annotations

from typing import Any

# Search queries travel in the URL (GET /mails?q=, /api/mails?q=, as Gmail's API takes them)
# and run to SEARCH_MAX_QUERY_CHARS (16,000) characters, ~20-50 KB URL-encoded; gunicorn's
# default refuses request lines over 4,094 bytes and allows at most 8,190 unless 0 (no
# limit; its fast parser still stops at 1 MB). The app answers a query over the cap with a
# 400 naming it; a proxy in front should cap the line (nginx large_client_header_buffers).
limit_request_line = 0

accesslog = "-"
errorlog = "-"
# %(U)s is the path without its query; %(M)s the request time in milliseconds.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'

_REDACT = {"()": "mailbox_project.logredact.RedactSecrets"}
logconfig_dict: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": _REDACT},
    "formatters": {
        "generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s"},
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": ["redact"],
            "stream": "ext://sys.stderr",
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "filters": ["redact"],
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False},
    },
}
