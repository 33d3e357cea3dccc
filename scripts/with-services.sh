#!/usr/bin/env bash
# Runs a command with the local services up and their addresses exported
# (scripts/services.env). Services this script started are stopped again afterwards;
# ones that were already running (a developer's) are left alone, and so is everything
# while another with-services run is still using them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/node-env.sh"
USERS="$ROOT/.data/services/users"
mkdir -p "$USERS"
echo $$ >"$USERS/$$"
started=""

other_runs() {
  local f pid
  for f in "$USERS"/*; do
    pid=${f##*/}
    [ "$pid" = $$ ] || [ ! -e "$f" ] && continue
    if [[ $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") == *with-services* ]]; then
      echo "$pid"
    else
      rm -f "$f"
    fi
  done
}

cleanup() {
  rm -f "$USERS/$$"
  [ -n "$started" ] || return 0
  local others
  others=$(other_runs | tr '\n' ' ')
  if [ -n "$others" ]; then
    # Two test runs side by side share the services; stopping them now would pull them
    # from under the other run. A later start finds them running.
    echo "with-services: leaving $started running for the other run(s) using them: $others" >&2
    return 0
  fi
  bash "$ROOT/scripts/services.sh" stop $started
}
trap cleanup EXIT
# On a failed start the names that did start are still printed, so cleanup stops them.
started=$(bash "$ROOT/scripts/services.sh" start --report-started) || {
  echo "with-services: services failed to start (see above)" >&2
  exit 1
}
set -a
source "$ROOT/scripts/services.env"
set +a
set +e
"$@"
rc=$?
set -e
exit $rc
