import { createLogger } from '@edge-rtb/shared/log';
import { describe, expect, it } from 'vitest';
import { createCoreApp } from './app.ts';
import { loadConfig } from './config.ts';
import { createMetrics } from './metrics.ts';

const deps = (ok: boolean) => ({
  config: loadConfig({}),
  log: createLogger({}, 'error'),
  metrics: createMetrics(),
  readiness: [async () => ({ name: 'ledger', ok })],
});

describe('core app', () => {
  it('answers /healthz, /readyz and /metrics', async () => {
    const app = createCoreApp(deps(true));
    expect((await app.request('/healthz')).status).toBe(200);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    const metrics = await (await app.request('/metrics')).text();
    expect(metrics).toContain('edge_rtb_core_process_cpu_seconds_total');
  });
  it('is not ready when a part is not', async () => {
    const res = await createCoreApp(deps(false)).request('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false, checks: [{ name: 'ledger', ok: false }] });
  });
});
