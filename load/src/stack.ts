// Brings up the real system for a run: the DSP fleet, the regional core (Node, 127.0.0.1:8080),
// the counting tap in front of it and the edge in raw workerd (edge-worker/scripts/serve.ts,
// 127.0.0.1:8787). Never a stand-in: when a part is missing, startStack fails and says which.
import { existsSync, mkdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { join } from 'node:path';
import { type CoreTap, startCoreTap, type TapEvents } from './core-tap.ts';
import type { DspProfile } from './dsp-behavior.ts';
import type { DspFleet } from './dsp-fleet.ts';
import { startFleetProcess } from './dsp-fleet-process.ts';
import { startEdgeRaw } from './edge-raw.ts';
import { REPO } from './paths.ts';
import { isListening, type Managed, start, waitHealthy } from './processes.ts';
import { servicesEnv } from './services.ts';
import { instanceUrls, workerdInstancesFromEnv } from './workerd-config.ts';

export const CORE_PORT = 8080;
export const TAP_PORT = 8089;
export const EDGE_PORT = 8787;
export const EDGE_URL = `http://127.0.0.1:${EDGE_PORT}`;
export const CORE_URL = `http://127.0.0.1:${CORE_PORT}`;
/** Development secrets the core and the edge agree on by default (never used outside loopback). */
export const DEV_EDGE_TOKEN = 'dev-edge-token';
export const DEV_ADMIN_TOKEN = 'dev-admin-token';
export const DEV_SSP_KEY = 'dev-ssp-key-not-secret';
/** Cluster mode has no development defaults for its secrets: the core (and its seed script) get these. */
export const CLUSTER_DEV_SECRETS = {
  ADMIN_TOKEN: DEV_ADMIN_TOKEN,
  EDGE_TOKEN: DEV_EDGE_TOKEN,
  LEASE_KEYS: 'dev1:dev-lease-key-not-secret',
};

export interface StackOptions {
  runDir: string;
  mode: 'single-node' | 'cluster';
  dsps: DspProfile[];
  seed: number;
  coreEnv?: Record<string, string>;
  edgeEnv?: Record<string, string>;
  /** 'serve' (default): edge-worker/scripts/serve.ts (Miniflare API); 'raw': plain workerd config (edge-raw.ts). */
  edgeRuntime?: 'serve' | 'raw';
  /**
   * The core's CPU priority (nice, 0-19). The overhead bench lowers it: in production the core is
   * not on the edge's machine, and here its bursts (events, loss notices) preempt the edge.
   */
  coreNice?: number;
  /** What the core tap does with event POSTs (core-tap.ts); default 'forward'. */
  tapEvents?: TapEvents;
}

export interface Stack {
  fleet: DspFleet & { pid: number };
  tap: CoreTap;
  core: Managed | undefined;
  edge: Managed;
  edgeUrl: string;
  coreUrl: string;
  stopCore(): Promise<void>;
  startCore(): Promise<void>;
  stop(): Promise<void>;
}

const EDGE_SERVE = 'edge-worker/scripts/serve.ts';

export async function startStack(o: StackOptions): Promise<Stack> {
  for (const [name, url] of [
    ['core', `${CORE_URL}/healthz`],
    ['edge', `${EDGE_URL}/healthz`],
    ['DSP 1', 'http://127.0.0.1:9101/'],
  ] as const) {
    if (await isListening(url))
      throw new Error(
        `something already listens for the ${name} at ${url}: stop it (another demo or bench?) first`,
      );
  }
  if (!existsSync(join(REPO, EDGE_SERVE)))
    throw new Error(
      `${EDGE_SERVE} is missing: the edge cannot run in raw workerd yet (issue 3); no stand-in is used`,
    );
  mkdirSync(o.runDir, { recursive: true });
  const logDir = join(o.runDir, 'logs');
  const fleet = await startFleetProcess(o.dsps, o.seed);
  const tap = await startCoreTap(TAP_PORT, { host: '127.0.0.1', port: CORE_PORT }, o.tapEvents);
  const coreEnv: Record<string, string> = {
    CORE_PORT: String(CORE_PORT),
    CORE_HOST: '127.0.0.1',
    EDGE_RTB_MODE: o.mode,
    EDGE_RTB_DATA: join(o.runDir, 'core-data'),
    LOG_LEVEL: 'warn',
    ...(o.mode === 'cluster' ? { ...servicesEnv(), ...CLUSTER_DEV_SECRETS } : {}),
    ...o.coreEnv,
  };
  let core: Managed | undefined;
  const startCore = async () => {
    core = start('core', process.execPath, [join(REPO, 'regional-core/src/main.ts')], {
      cwd: REPO,
      env: coreEnv,
      logDir,
    });
    await waitHealthy(`${CORE_URL}/healthz`, core, 60_000);
    if (o.coreNice) setPriority(core.pid, o.coreNice);
  };
  const stopCore = async () => {
    await core?.stop();
    core = undefined;
  };
  try {
    await startCore();
    const edgeBindings = { CORE_URL: tap.url, EDGE_TOKEN: DEV_EDGE_TOKEN, ...o.edgeEnv };
    const runtime = o.edgeRuntime ?? (process.env.LOAD_EDGE_RUNTIME === 'raw' ? 'raw' : 'serve');
    const edge =
      runtime === 'raw'
        ? startEdgeRaw({
            port: EDGE_PORT,
            workDir: logDir,
            // serve.ts's loopback defaults, so both runtimes see the same bindings.
            bindings: { NOTICE_KEYS: 'dev:dev-notice-key-loopback-only-0000', POP: 'local', ...edgeBindings },
          })
        : start('edge', process.execPath, [join(REPO, EDGE_SERVE)], {
            cwd: REPO,
            env: { ...edgeBindings, PORT: String(EDGE_PORT) },
            logDir,
          });
    // Several workerd instances (raw, WORKERD_INSTANCES) share EDGE_URL: each must be ready itself.
    const instances = runtime === 'raw' ? workerdInstancesFromEnv() : 1;
    for (const url of instanceUrls(EDGE_URL, instances)) {
      await waitHealthy(`${url}/healthz`, edge, 60_000);
      await waitAuctionReady(edge, url);
    }
    return {
      fleet,
      tap,
      get core() {
        return core;
      },
      edge,
      edgeUrl: EDGE_URL,
      coreUrl: CORE_URL,
      stopCore,
      startCore,
      stop: async () => {
        await Promise.allSettled([edge.stop(), stopCore(), fleet.close(), tap.close()]);
      },
    };
  } catch (err) {
    await Promise.allSettled([stopCore(), fleet.close(), tap.close()]);
    throw err;
  }
}

/**
 * Healthy is not ready: the edge answers 503 until it holds a config snapshot from the core.
 * Load starts only once a real bid request gets an auction answer, so start-up is not
 * counted as errors; if that never happens the run fails saying so.
 */
async function waitAuctionReady(edge: Managed, url = EDGE_URL, timeoutMs = 45_000): Promise<void> {
  const body = JSON.stringify({
    id: 'ready-probe',
    imp: [{ id: '1', banner: { w: 300, h: 250 } }],
    site: { id: 's', domain: 'probe.example' },
  });
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    try {
      const r = await fetch(`${url}/openrtb2/auction`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': DEV_SSP_KEY },
        body,
        signal: AbortSignal.timeout(2000),
      });
      last = `HTTP ${r.status} ${(await r.text()).slice(0, 200)}`;
      // Refusing the key is not a warm-up state: the catalog has no seeded SSP (cluster mode seeds nothing).
      if (r.status === 401 || r.status === 403)
        throw new Error(`the edge refuses the dev SSP key (${last}): seed the catalog's dev SSP first`);
      if (r.status < 500) return;
    } catch (err) {
      if (String(err).includes('refuses the dev SSP key')) throw err;
      last = String(err);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    `edge never became ready for auctions in ${timeoutMs / 1000} s (last: ${last}); see ${edge.logPath}`,
  );
}
