// vitest globalSetup of the `workers` project: starts the stub core and the DSP fleet on free
// loopback ports before workerd boots, hands the ports to the worker as bindings (via inject in
// vitest.config.ts), and stops both afterwards.
import type { TestProject } from 'vitest/node';
import { buildSnapshot } from '../fixtures/snapshot.ts';
import { startDspFleet } from './dsp-fleet.ts';
import { startStubCore } from './stub-core.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    corePort: number;
    dspPort: number;
  }
}

export default async function setup(project: TestProject) {
  const fleet = await startDspFleet();
  const core = await startStubCore(await buildSnapshot(`http://127.0.0.1:${fleet.port}`));
  project.provide('corePort', core.port);
  project.provide('dspPort', fleet.port);
  return async () => {
    await core.close();
    await fleet.close();
  };
}
