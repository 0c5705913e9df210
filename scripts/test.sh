#!/usr/bin/env bash
# The README's test command: set up, check everything, run the whole suite against a real
# MongoDB replica set and Redis, then stop only what this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

# Browser tests drive Debian's chromium (Playwright's own browser download is not used).
if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
# The accessibility check reads axe-core (package.json) from node_modules; never served by the app.
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  if ! command -v npm >/dev/null && command -v apt-get >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq npm >/dev/null
  fi
  npm install --no-audit --no-fund --silent
fi

data_dir=.data/test
mongo_port=${TEST_MONGO_PORT:-27018}
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
port_busy() { .venv/bin/python -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $1)) != 0)"; }

already_running=false
if .venv/bin/python scripts/devservices.py status --data-dir "$data_dir" >/dev/null 2>&1; then
  already_running=true
  mongo_port=$(.venv/bin/python scripts/devservices.py env --data-dir "$data_dir" | sed -n 's/^MONGODB_URI=mongodb:\/\/127.0.0.1:\([0-9]*\).*/\1/p')
elif port_busy "$mongo_port"; then
  # Held by something this checkout did not start (another clone's mongod): take a free port.
  mongo_port=$(.venv/bin/python -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])")
  echo "port ${TEST_MONGO_PORT:-27018} is busy; the test MongoDB uses ${mongo_port}"
fi
export MONGODB_URI="mongodb://127.0.0.1:${mongo_port}/?replicaSet=rs0"

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

# The compose file is checked on every run: Debian's docker-compose when no compose plugin is here.
if ! command -v docker-compose >/dev/null && ! docker compose version >/dev/null 2>&1 && command -v apt-get >/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq docker-compose >/dev/null || true
fi
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
if [ "$#" -gt 0 ]; then
  .venv/bin/pytest "$@"
  exit 0
fi
# The whole suite runs as two pytest processes at once: the drills marked `slow` (they mostly
# wait: for a visibility timeout, a stopped mongod, a killed worker's lease) beside the rest.
# Each has a database, Redis databases, a cache prefix, a live-server port and a temporary
# directory of its own, so neither sees the other's data; the drills' private redis-server and
# mongod were already their own. Their output is printed when both are done.
drills_log=$(mktemp)
drills_tmp=$(mktemp -d)
redis_server=${REDIS_URL%/*}  # the same server, two other databases
env MONGODB_NAME=mailbox_drills REDIS_URL="$redis_server/13" \
  CELERY_BROKER_URL="$redis_server/12" CELERY_RESULT_BACKEND="$redis_server/12" \
  CACHE_KEY_PREFIX=mailbox-test-drills \
  .venv/bin/pytest -m slow --liveserver 127.0.0.1:8090 --basetemp "$drills_tmp/t" \
  -p no:cacheprovider >"$drills_log" 2>&1 &
drills=$!
status=0
.venv/bin/pytest -m "not slow" || status=$?
drills_status=0
wait "$drills" || drills_status=$?
step "pytest -m slow (ran beside the rest)"
cat "$drills_log"
rm -rf "$drills_log" "$drills_tmp"
[ "$status" -eq 0 ] && [ "$drills_status" -eq 0 ]
