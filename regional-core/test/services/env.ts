// The addresses the smoke tests use come from the environment (scripts/services.env,
// exported by scripts/with-services.sh), so they can be pointed at other servers.
export function serviceEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run integration tests through scripts/with-services.sh (./run test:integration)`,
    );
  }
  return value;
}

// Names unique to one test run, so two developers' runs on shared services don't collide.
export const runId = `${process.pid}_${Date.now()}`;
