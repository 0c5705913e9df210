#!/usr/bin/env bash
# Create .venv and install everything Mailbox needs on a fresh Debian/Ubuntu x86-64 machine
# with Python 3.11. Idempotent: re-running only reinstalls when a requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/.."

python_bin=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    python_bin=$(command -v "$candidate"); break
  fi
done
[ -n "$python_bin" ] || { echo "Python 3.11 is required (python3.11 or python3)." >&2; exit 1; }

# The embedded mongod links against these system libraries.
missing=()
for lib in libcurl4 libssl3; do
  dpkg -s "$lib" >/dev/null 2>&1 || missing+=("$lib")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing system libraries: ${missing[*]}"
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq && $sudo apt-get install -y -qq "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv
fi
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ requirements.txt -nt "$stamp" ] || [ requirements-dev.txt -nt "$stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r requirements-dev.txt
  touch "$stamp"
fi
# The hot paths compiled with mypyc (native/: the rules engine's modules, the sync's parsing and
# search fields); skipped when up to date, and without a C compiler they run as pure Python.
.venv/bin/python scripts/build_native.py
