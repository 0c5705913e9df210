#!/usr/bin/env bash
# The README's run command: set up, start MongoDB + Redis (+ the Google emulator when no Google
# project is configured), migrate, start a Celery worker and beat, and serve the app.
# Ctrl-C stops everything this script started; nothing is left running.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

[ -f .env ] && { set -a; . ./.env; set +a; }
export DEBUG=${DEBUG:-true}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
port=${PORT:-8000}
data_dir=.data/dev
run_dir=$data_dir/run
mkdir -p "$run_dir"

children=()
services_were_running=false
.venv/bin/python scripts/devservices.py status --data-dir "$data_dir" >/dev/null 2>&1 && services_were_running=true
cleanup() {
  trap - EXIT INT TERM
  for pid in "${children[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${children[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$services_were_running" = false ]; then
    .venv/bin/python scripts/devservices.py stop --data-dir "$data_dir" || true
  fi
}
trap cleanup EXIT INT TERM

# Google's tokens are always encrypted at rest: the demo gets its own key, made once and kept
# beside its data (never in the repository), so stored tokens survive restarts.
if [ -z "${TOKEN_ENCRYPTION_KEYS:-}" ]; then
  key_file=$data_dir/token-encryption.key
  if [ ! -s "$key_file" ]; then
    (umask 077; .venv/bin/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' > "$key_file")
  fi
  export TOKEN_ENCRYPTION_KEYS_FILE=$key_file
fi

.venv/bin/python scripts/devservices.py start --data-dir "$data_dir" --redis-url "$REDIS_URL"
eval "$(.venv/bin/python scripts/devservices.py env --data-dir "$data_dir" | sed 's/^/export /')"

# Every service runs under scripts/supervise.sh, which restarts it whenever it exits (with a
# backoff, logging why); Ctrl-C stops the supervisors, and each stops its service.
supervise() { scripts/supervise.sh "$@" & children+=("$!"); }

if [ -z "${GOOGLE_CLIENT_ID:-}" ]; then
  export GOOGLE_EMULATOR_URL=${GOOGLE_EMULATOR_URL:-http://127.0.0.1:8765}
  export PUSH_WEBHOOK_TOKEN=${PUSH_WEBHOOK_TOKEN:-demo-push-token}
  emulator_port=${GOOGLE_EMULATOR_URL##*:}
  supervise emulator .venv/bin/python -m google_emulator --port "$emulator_port" --accounts 2 \
    --messages "${DEMO_MESSAGES:-400}" --seed 7 \
    --redirect-uri "http://127.0.0.1:${port}/complete/google-oauth2/" \
    --redirect-uri "http://localhost:${port}/complete/google-oauth2/" \
    --push-url "http://127.0.0.1:${port}/mails/push/" --push-token "$PUSH_WEBHOOK_TOKEN" \
    --demo-new-mail-every "${DEMO_NEW_MAIL_EVERY:-45}"
fi

.venv/bin/python manage.py migrate --noinput
supervise worker .venv/bin/celery -A mailbox_project worker -Q sync,analysis,maintenance \
  --concurrency 2 --loglevel INFO --hostname "dev@%h"
supervise beat .venv/bin/celery -A mailbox_project beat --loglevel INFO \
  --schedule "$run_dir/celerybeat-schedule" --pidfile "$run_dir/celerybeat.pid"
supervise web .venv/bin/python manage.py runserver "127.0.0.1:${port}" --noreload
# The MCP endpoint for assistants (ASGI: uvicorn serves /mcp and, behind it, the site too). No
# access log: it would record query strings.
mcp_port=${MCP_PORT:-8001}
supervise mcp .venv/bin/uvicorn mcp_server.asgi:application --host 127.0.0.1 --port "$mcp_port" \
  --no-access-log

cat <<BANNER

  Mailbox is running:  http://127.0.0.1:${port}/
  Admin:               http://127.0.0.1:${port}/admin/  (create a login in another terminal: make createsuperuser)
  MCP (assistants):    http://127.0.0.1:${mcp_port}/mcp
  Google:              ${GOOGLE_EMULATOR_URL:-real Google (GOOGLE_CLIENT_ID is set)}
  Stop:                Ctrl-C

BANNER
# Until Ctrl-C (or a TERM): the supervisors never return on their own.
wait
