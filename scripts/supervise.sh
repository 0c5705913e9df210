#!/usr/bin/env bash
# Run a service and restart it whenever it exits: scripts/supervise.sh NAME COMMAND [ARG...]
#
# `make run` starts each of its services (worker, beat, emulator, web) under one of these, so a
# crash, an OOM kill or a worker that gave up does not leave the app half-running unnoticed.
# Each exit is logged with its code; the restart waits 1 s, then 2, 4, ... up to 30 s while the
# service keeps dying young, and a run of a minute or more starts the wait at 1 s again.
# TERM or INT stops the service (its whole process group: a worker's pool processes too), waits
# for it to finish its shutdown, and exits.
set -uo pipefail
name=$1
shift

child=""
pause=""
stop() {
  trap - TERM INT
  [ -n "$pause" ] && kill "$pause" 2>/dev/null
  if [ -n "$child" ]; then
    kill -TERM -- "-$child" 2>/dev/null
    wait "$child" 2>/dev/null
  fi
  exit 0
}
trap stop TERM INT

delay=1
while true; do
  started=$SECONDS
  setsid "$@" &
  child=$!
  wait "$child"
  code=$?
  child=""
  if [ $((SECONDS - started)) -ge 60 ]; then delay=1; fi
  echo "[supervise] $name exited with code $code; restarting in ${delay}s" >&2
  sleep "$delay" &
  pause=$!
  wait "$pause"
  pause=""
  delay=$((delay * 2 > 30 ? 30 : delay * 2))
done
