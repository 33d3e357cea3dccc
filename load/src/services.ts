// The real backing services (scripts/services.sh) for cluster-mode scenarios: start them,
// stop one to cause an outage, start it again, and read their addresses from
// scripts/services.env so the core is configured exactly as the tests configure it.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './paths.ts';

export type ServiceName = 'redis' | 'postgres' | 'kafka' | 'clickhouse' | 'upstash';

function run(args: string[], timeoutMs: number): { ok: boolean; out: string } {
  const r = spawnSync('bash', [join(REPO, 'scripts/services.sh'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: timeoutMs,
  });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

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

export function stopService(name: ServiceName): void {
  const r = run(['stop', name], 60_000);
  if (!r.ok) throw new Error(`scripts/services.sh stop ${name} failed:\n${r.out}`);
}

export function restartService(name: ServiceName): void {
  const r = run(['start', name], 180_000);
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
