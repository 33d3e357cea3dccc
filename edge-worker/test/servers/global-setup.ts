// vitest globalSetup of the `workers` project: starts the stub core and the DSP fleet on free
// loopback ports before workerd boots, hands the ports to the worker as bindings (via inject in
// vitest.config.ts), and stops both afterwards.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildSnapshot } from '../fixtures/snapshot.ts';
import { startDspFleet } from './dsp-fleet.ts';
import { startStubCore } from './stub-core.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    corePort: number;
    dspPort: number;
    /** The IAB's example bid requests (../shared/openrtb-examples), file name -> body text. */
    iabExamples: Record<string, string>;
  }
}

export default async function setup(project: TestProject) {
  const fleet = await startDspFleet();
  const core = await startStubCore(await buildSnapshot(`http://127.0.0.1:${fleet.port}`));
  project.provide('corePort', core.port);
  project.provide('dspPort', fleet.port);
  project.provide('iabExamples', readExamples());
  return async () => {
    await core.close();
    await fleet.close();
  };
}

function readExamples(): Record<string, string> {
  const dir = join(import.meta.dirname, '../../../../shared/openrtb-examples/bid-requests');
  try {
    return Object.fromEntries(
      readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
    );
  } catch {
    return {}; // the folder sits beside the checkout; the test says so when it is missing
  }
}
