// A Redis that restarts empty under a running core (no AOF) is caught on the reconnect, not
// only by the periodic check: this test starts its own throwaway redis-server without
// persistence (the shared one keeps an AOF and must not be restarted), restarts it, and
// turns the periodic check off so only the client's `ready` event can notice.
import { type ChildProcess, spawn } from 'node:child_process';
import { createLogger } from '@edge-rtb/shared/log';
import { afterAll, describe, expect, it } from 'vitest';
import { createLedgerRegistry } from '../catalog/budget-source.ts';
import { type CatalogDbHandle, openCatalogDb } from '../catalog/db.ts';
import { migrateCatalog } from '../catalog/migrate.ts';
import { scratchDatabase } from '../catalog/scratch-database.ts';
import { loadConfig } from '../config.ts';
import { createMetrics } from '../metrics.ts';
import { createBudgetPart } from './budget-part.ts';
import type { CampaignBudget } from './campaign-budget.ts';

const db = scratchDatabase('ledger_restart');
const port = 17_000 + Math.floor(Math.random() * 900);
const redisUrl = `redis://127.0.0.1:${port}`;
let server: ChildProcess | null = null;
const handles: CatalogDbHandle[] = [];

async function startRedis(): Promise<void> {
  const p = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  server = p;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('redis-server did not start in 5 s')), 5_000);
    p.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('Ready to accept connections')) {
        clearTimeout(t);
        resolve();
      }
    });
    p.once('exit', (code) => reject(new Error(`redis-server exited (${code})`)));
  });
}

async function stopRedis(): Promise<void> {
  const p = server;
  server = null;
  if (!p || p.exitCode !== null) return;
  await new Promise((r) => {
    p.once('exit', r);
    p.kill('SIGTERM');
  });
}

afterAll(async () => {
  await stopRedis();
  await Promise.all(handles.map((h) => h.close()));
  await db.drop();
});

const camp: CampaignBudget = {
  campaignId: 'c-restart',
  status: 'active',
  totalBudgetMicros: 1_000_000,
  dailyBudgetMicros: null,
  startAt: Date.now() - 86_400_000,
  endAt: Date.now() + 86_400_000,
  timeZone: 'UTC',
  pacing: 'asap',
};

describe('budget ledger guard: Redis restarted empty under a running core', () => {
  it('refuses grants after the reconnect and funds nothing', async () => {
    await startRedis();
    await db.create();
    const handle = await openCatalogDb({ kind: 'postgres', url: db.url });
    handles.push(handle);
    await migrateCatalog(handle);
    const part = await createBudgetPart(
      {
        config: { ...loadConfig({ REDIS_URL: redisUrl }), redisUrl },
        log: createLogger({}, 'error', () => undefined),
        metrics: createMetrics(),
      },
      {
        source: {
          listBudgets: async () => [camp],
          onBudgetChange: () => () => undefined,
          ledgers: createLedgerRegistry(handle.db),
        },
        backend: 'redis',
        // Only the reconnect may notice.
        sweepEveryMs: 600_000,
      },
    );
    try {
      expect(part.guard.state()).toBe('ok');
      const lease = () => part.service.requestLease({ campaignId: camp.campaignId, holder: 'pop-r' });
      expect((await lease()).lease).not.toBeNull();

      await stopRedis();
      await startRedis(); // empty: no AOF, no snapshot
      const until = Date.now() + 10_000;
      while (part.guard.state() === 'ok' && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(part.guard.state()).toBe('lost');
      expect(await lease()).toMatchObject({ lease: null, reason: 'ledger_unverified' });
      expect(await part.service.status(camp.campaignId)).toBeNull();
      expect(await part.ready()).toMatchObject({ ok: false });
    } finally {
      await part.close();
    }
  }, 60_000);
});
