// The edge's bindings and listening address from the environment, for the scripts that run it
// outside wrangler: serve.ts (Miniflare) and load/src/edge-workerd.ts (plain workerd, one process
// per core). Secrets come from the environment, then a git-ignored .dev.vars at the repo root,
// then loopback-only dev values; anything public must set its own.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '../..');

function devVars(): Record<string, string> {
  const file = join(REPO, '.dev.vars');
  if (!existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Z_][A-Z0-9_]*)\s*=\s*"?(.*?)"?\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Optional tuning bindings passed through when set (edge-worker/src/env.ts says what each does). */
const TUNING = [
  'PUBLIC_URL',
  'SNAPSHOT_TTL_MS',
  'EVENTS_FLUSH_MS',
  'MAX_BODY_BYTES',
  'MAX_DSP_ANSWER_BYTES',
  'NOTICE_TTL_S',
  'LOSS_NOTICES',
  'POP_ISOLATES',
  'EVENTS_POST_TIMEOUT_MS',
  'EVENTS_OUTBOX_SHARDS',
  'EVENTS_OUTBOX_RETRY_MS',
  'EVENTS_OUTBOX_MAX_RETRY_MS',
  'EVENTS_OUTBOX_MAX_BYTES',
  'TRACKER_WRITE_THROUGH',
];

export interface EdgeSettings {
  bindings: Record<string, string>;
  host: string;
  port: number;
  /** The environment (or .dev.vars) value of a setting the scripts read themselves. */
  pick(name: string, fallback?: string): string | undefined;
}

export function edgeSettingsFromEnv(): EdgeSettings {
  const fileVars = devVars();
  const pick = (name: string, fallback?: string): string | undefined =>
    process.env[name] ?? fileVars[name] ?? fallback;
  const bindings: Record<string, string> = {
    CORE_URL: pick('CORE_URL', 'http://127.0.0.1:8080')!,
    EDGE_TOKEN: pick('EDGE_TOKEN', 'dev-edge-token')!,
    // Loopback dev key; anything public must set its own (wrangler secret put NOTICE_KEYS).
    NOTICE_KEYS: pick('NOTICE_KEYS', 'dev:dev-notice-key-loopback-only-0000')!,
    POP: pick('POP', 'local')!,
  };
  for (const k of TUNING) {
    const v = pick(k);
    if (v !== undefined) bindings[k] = v;
  }
  return {
    bindings,
    host: pick('HOST') ?? pick('EDGE_HOST', '127.0.0.1')!,
    port: Number(pick('PORT') ?? pick('EDGE_PORT', '8787')),
    pick,
  };
}
