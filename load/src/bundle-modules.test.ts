import { describe, expect, it } from 'vitest';
import { bundleModules } from './bundle-modules.ts';

describe('bundleModules', () => {
  it('names the module each bundle line came from, by the markers esbuild writes', () => {
    const bundle = [
      'var x = 1;',
      '// ../node_modules/hono/dist/context.js',
      'function json() {}',
      '',
      '// edge-worker/src/fanout/fan-out.ts',
      'function fanOut() {',
      '}',
      '// shared/src/auction/run.ts',
      'function runAuction() {}',
    ].join('\n');
    const of = bundleModules(bundle);
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map(of)).toEqual([
      '(bundle head)',
      'node_modules/hono/dist/context.js',
      'node_modules/hono/dist/context.js',
      'node_modules/hono/dist/context.js',
      'edge-worker/src/fanout/fan-out.ts',
      'edge-worker/src/fanout/fan-out.ts',
      'edge-worker/src/fanout/fan-out.ts',
      'shared/src/auction/run.ts',
      'shared/src/auction/run.ts',
    ]);
  });
});
