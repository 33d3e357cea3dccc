#!/usr/bin/env bash
# The README's test command (./run test, and .ci/run): lint, typecheck, then every test
# layer in one vitest run with the real services started for it, and a closing line
# "tests: N passed, N failed, N skipped".
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/node-env.sh
mkdir -p .data
start=$(date +%s)
echo "== lint + typecheck"
biome check . >/dev/null || { biome check . 2>&1 | tail -40; exit 1; }
tsc -p tsconfig.json
tsc -p edge-worker/tsconfig.json
echo "== tests (unit, workers, integration)"
rc=0
rm -f .data/test-results.json
bash scripts/with-services.sh vitest run --reporter=default --reporter=json --outputFile=.data/test-results.json "$@" || rc=$?
node -e '
  if (!require("fs").existsSync(".data/test-results.json")) {
    console.error("no test results: the run stopped before vitest reported (see above)");
    process.exit(1);
  }
  const r = JSON.parse(require("fs").readFileSync(".data/test-results.json", "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  if (r.numTotalTests === 0) { console.error("no test ran"); process.exit(1); }
' || rc=1
echo "== took $(( $(date +%s) - start ))s"
exit $rc
