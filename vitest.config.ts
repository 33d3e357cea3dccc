import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Three layers, each runnable alone (`vitest run --project <name>`):
//   unit         pure logic, no servers                  *.test.ts
//   workers      inside workerd, the edge as deployed     edge-worker/**/*.worker.test.ts
//   integration  real Redis/PostgreSQL/Kafka/ClickHouse   *.int.test.ts (scripts/with-services.sh)
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{shared,edge-worker,regional-core,load}/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.worker.test.ts', '**/*.int.test.ts'],
          environment: 'node',
        },
      },
      {
        // The stub core and test DSPs (real HTTP, Node) start in globalSetup; their ports reach
        // the worker as bindings. Test-only secrets live in edge-worker/test/fixtures/constants.ts.
        plugins: [
          cloudflareTest(async ({ inject }) => {
            const { EDGE_TOKEN, NOTICE_KEYS } = await import('./edge-worker/test/fixtures/constants.ts');
            return {
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  CORE_URL: `http://127.0.0.1:${inject('corePort')}`,
                  DSP_BASE: `http://127.0.0.1:${inject('dspPort')}`,
                  EDGE_TOKEN,
                  NOTICE_KEYS,
                  EVENTS_FLUSH_MS: '20',
                  // The outbox retries fast in tests (first retry 50 ms, at most 400 ms apart).
                  EVENTS_OUTBOX_RETRY_MS: '50',
                  EVENTS_OUTBOX_MAX_RETRY_MS: '400',
                },
              },
            };
          }),
        ],
        test: {
          name: 'workers',
          include: ['edge-worker/**/*.worker.test.ts'],
          globalSetup: ['./edge-worker/test/servers/global-setup.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['{shared,edge-worker,regional-core,load}/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          environment: 'node',
          // Real services are shared; files run one after another so they don't fight over them.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
