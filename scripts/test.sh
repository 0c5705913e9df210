#!/usr/bin/env bash
# The README's test command: set up, check everything, run the whole suite against a real
# MongoDB replica set and Redis, then stop only what this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

data_dir=.data/test
mongo_port=${TEST_MONGO_PORT:-27018}
export MONGODB_URI="mongodb://127.0.0.1:${mongo_port}/?replicaSet=rs0"
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}

already_running=false
.venv/bin/python scripts/devservices.py status --data-dir "$data_dir" >/dev/null 2>&1 && already_running=true
cleanup() {
  if [ "$already_running" = false ]; then
    .venv/bin/python scripts/devservices.py stop --data-dir "$data_dir" || true
  fi
}
trap cleanup EXIT
.venv/bin/python scripts/devservices.py start --data-dir "$data_dir" --mongo-port "$mongo_port" --redis-url "$REDIS_URL"

step() { printf '\n== %s\n' "$*"; }
step "ruff check";           .venv/bin/ruff check .
step "ruff format --check";  .venv/bin/ruff format --check .
step "mypy";                 .venv/bin/mypy .
# Checks run with the test defaults of mailbox_project/testenv.py, and once more as production.
step "manage.py check";      .venv/bin/python -c 'import mailbox_project.testenv, sys, django.core.management as m; m.execute_from_command_line(["manage.py", "check", "--fail-level", "WARNING"])'
step "manage.py check --deploy (production settings)"
env -i PATH="$PATH" HOME="${HOME:-/tmp}" DEBUG=false SECRET_KEY="$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
  ALLOWED_HOSTS=mail.example.com MONGODB_URI="$MONGODB_URI" REDIS_URL="$REDIS_URL" \
  GOOGLE_CLIENT_ID=ci.apps.googleusercontent.com GOOGLE_CLIENT_SECRET=ci-secret \
  TOKEN_ENCRYPTION_KEYS="$(.venv/bin/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
  .venv/bin/python manage.py check --deploy --fail-level WARNING
step "makemigrations --check"
.venv/bin/python -c 'import mailbox_project.testenv, django.core.management as m; m.execute_from_command_line(["manage.py", "makemigrations", "--check", "--dry-run"])'

if command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1; then
  step "docker compose config"
  created_env=false
  [ -f .env ] || { cp .env.example .env; created_env=true; }
  if docker compose version >/dev/null 2>&1; then compose="docker compose"; else compose=docker-compose; fi
  status=0; $compose config -q || status=$?
  [ "$created_env" = true ] && rm -f .env
  [ "$status" -eq 0 ]
fi

step "pytest"
# Exit code 5 (no tests collected) is a failure too: `set -e` stops on any non-zero code.
.venv/bin/pytest "$@"
