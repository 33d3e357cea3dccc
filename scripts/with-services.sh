#!/usr/bin/env bash
# Runs a command with the local services up and their addresses exported
# (scripts/services.env). Services this script started are stopped again afterwards;
# ones that were already running (a developer's) are left alone.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/node-env.sh"
started=""
cleanup() { [ -z "$started" ] || bash "$ROOT/scripts/services.sh" stop $started; }
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
