# The hot paths compiled with mypyc (native/, scripts/build_native.py): the rules engine's
# modules and the sync's parsing and search fields. The compiler and mypy are needed only here;
# the image keeps the compiled modules. Only what the builds read is copied, so an unrelated
# change does not compile them again.
FROM python:3.11-bookworm AS native
WORKDIR /src
COPY requirements.txt requirements-dev.txt ./
RUN pip install --no-cache-dir -r requirements-dev.txt
COPY native/ native/
COPY analysis/ analysis/
COPY mails/__init__.py mails/native.py mails/
COPY mails/parsing/ mails/parsing/
COPY mails/search/ mails/search/
COPY scripts/build_native.py scripts/
RUN python scripts/build_native.py \
    && test -f build/native/FINGERPRINT && test -f build/native-sync/FINGERPRINT

# Production image: gunicorn (web), celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

RUN useradd --system --create-home --uid 1000 mailbox
COPY requirements.txt .
RUN pip install -r requirements.txt

COPY --chown=mailbox:mailbox . .
COPY --from=native --chown=mailbox:mailbox /src/build build
# collectstatic needs settings to import, not real secrets or services.
RUN DEBUG=true STATIC_MANIFEST=true python manage.py collectstatic --noinput

# Backups, data exports and Prometheus' multiprocess files (compose mounts named volumes here;
# a new volume copies this ownership, so the unprivileged user can write).
RUN mkdir -p /var/lib/mailbox/backups /var/lib/mailbox/exports /var/lib/mailbox/metrics \
    && chown -R mailbox:mailbox /var/lib/mailbox \
    && chmod 0700 /var/lib/mailbox/backups /var/lib/mailbox/exports
USER mailbox
EXPOSE 8000
# The config's access log leaves out query strings, referrers and Basic user names (secrets and
# people's searches), and redacts what else might carry one.
CMD ["gunicorn", "-c", "python:mailbox_project.gunicorn_config", "mailbox_project.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
