#!/usr/bin/env bash
# Runs a command with the local services up. Services this script started are stopped
# again afterwards; ones that were already running (a developer's) are left alone.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/node-env.sh"
started=$(bash "$ROOT/scripts/services.sh" start --report-started)
cleanup() { [ -z "$started" ] || bash "$ROOT/scripts/services.sh" stop $started; }
trap cleanup EXIT
set +e
"$@"
rc=$?
set -e
exit $rc
