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
        plugins: [cloudflareTest({ wrangler: { configPath: './wrangler.toml' } })],
        test: {
          name: 'workers',
          include: ['edge-worker/**/*.worker.test.ts'],
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
