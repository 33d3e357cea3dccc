// The real backing services (scripts/services.sh) for cluster-mode scenarios: start them,
// stop one to cause an outage, start it again, and read their addresses from
// scripts/services.env so the core is configured exactly as the tests configure it.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './paths.ts';

export type ServiceName = 'redis' | 'postgres' | 'kafka' | 'clickhouse' | 'upstash';

// Asynchronous: chaos steps run in the process that sends the load, and a synchronous child
// (a Kafka start takes ~10 s) would freeze the load generator and show up as SSP latency.
function run(cmd: string, args: string[], timeoutMs: number): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: REPO, encoding: 'utf8', timeout: timeoutMs }, (err, stdout, stderr) =>
      resolve({ ok: !err, out: `${stdout ?? ''}${stderr ?? ''}${err && !stderr ? String(err) : ''}` }),
    );
  });
}
const services = (args: string[], timeoutMs: number) =>
  run('bash', [join(REPO, 'scripts/services.sh'), ...args], timeoutMs);

/** Starts the services; returns the ones this call started (to stop them afterwards). */
export function startServices(names: ServiceName[]): ServiceName[] {
  const r = spawnSync('bash', [join(REPO, 'scripts/services.sh'), 'start', '--report-started', ...names], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 240_000,
  });
  if (r.status !== 0) throw new Error(`scripts/services.sh start ${names.join(' ')} failed:\n${r.stderr}`);
  return (r.stdout ?? '').split(/\s+/).filter(Boolean) as ServiceName[];
}

export async function stopService(name: ServiceName): Promise<void> {
  const r = await services(['stop', name], 60_000);
  if (!r.ok) throw new Error(`scripts/services.sh stop ${name} failed:\n${r.out}`);
}

export async function restartService(name: ServiceName): Promise<void> {
  const r = await services(['start', name], 180_000);
  if (!r.ok) throw new Error(`scripts/services.sh start ${name} failed:\n${r.out}`);
}

/** The variables of scripts/services.env, resolved by bash itself (it uses ${VAR:=default}). */
export function servicesEnv(): Record<string, string> {
  const out = execFileSync(
    'bash',
    ['-c', `set -a; source ${JSON.stringify(join(REPO, 'scripts/services.env'))}; env -0`],
    { encoding: 'utf8', env: {} as NodeJS.ProcessEnv },
  );
  const env: Record<string, string> = {};
  for (const pair of out.split('\0')) {
    const i = pair.indexOf('=');
    if (i > 0) {
      const k = pair.slice(0, i);
      if (/^(REDIS|DATABASE|KAFKA|CLICKHOUSE|UPSTASH)_/.test(k)) env[k] = pair.slice(i + 1);
    }
  }
  return env;
}

async function redisCli(args: string[]): Promise<string> {
  const url = new URL(servicesEnv().REDIS_URL ?? 'redis://127.0.0.1:16379');
  const r = await run('redis-cli', ['-h', url.hostname, '-p', url.port || '6379', '--raw', ...args], 30_000);
  if (!r.ok || /^ERR/m.test(r.out)) throw new Error(`redis-cli ${args.join(' ')} failed: ${r.out}`);
  return r.out.trim();
}

/**
 * A managed Redis keeps its data over an outage. scripts/services.sh now runs Redis with an
 * append-only file, but one started earlier without persistence would lose every key on a
 * plain stop, the budget ledger included: then SAVE writes the snapshot Redis loads when it
 * starts again. Returns the snapshot's path, to remove once Redis is back (undefined when
 * Redis persists by itself). Note: a Redis started without AOF and restarted with it starts
 * empty whatever was saved (it builds its AOF from nothing, ignoring the snapshot).
 */
export async function saveRedisSnapshot(): Promise<string | undefined> {
  const [, aof] = (await redisCli(['CONFIG', 'GET', 'appendonly'])).split('\n');
  if (aof === 'yes') return undefined;
  await redisCli(['SAVE']);
  const [, dir] = (await redisCli(['CONFIG', 'GET', 'dir'])).split('\n');
  const [, file] = (await redisCli(['CONFIG', 'GET', 'dbfilename'])).split('\n');
  if (!dir || !file) throw new Error('redis-cli CONFIG GET dir/dbfilename gave no answer');
  return join(dir, file);
}
