#!/usr/bin/env bash
# manage.py with the environment `make run` gives the app, for a second terminal that has none
# of it: .env, DEBUG, the dev MongoDB/Redis addresses (written by scripts/devservices.py while
# `make run` runs) and the demo's token-encryption key. `make createsuperuser` uses it for the
# admin login the run banner prints; `scripts/manage.sh shell` and the rest work the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .env ] && { set -a; . ./.env; set +a; }
export DEBUG=${DEBUG:-true}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
data_dir=.data/dev
if [ -z "${TOKEN_ENCRYPTION_KEYS:-}" ] && [ -s "$data_dir/token-encryption.key" ]; then
  export TOKEN_ENCRYPTION_KEYS_FILE=$data_dir/token-encryption.key
fi
if ! services=$(.venv/bin/python scripts/devservices.py env --data-dir "$data_dir"); then
  echo "The dev services are not running: start them with \`make run\` (or \`make services-up\`)." >&2
  exit 1
fi
eval "$(printf '%s\n' "$services" | sed 's/^/export /')"
exec .venv/bin/python manage.py "$@"
