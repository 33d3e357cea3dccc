// Runs the DSP fleet in a child process (see dsp-fleet-main.ts) behind the same DspFleet
// interface; the child is in its own process group so the harness can always kill it.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DspProfile } from './dsp-behavior.ts';
import type { DspFleet, DspStats } from './dsp-fleet.ts';

export async function startFleetProcess(
  profiles: DspProfile[],
  seed: number,
): Promise<DspFleet & { pid: number }> {
  const child = fork(fileURLToPath(new URL('./dsp-fleet-main.ts', import.meta.url)), [], {
    env: { ...process.env, DSP_PROFILES: JSON.stringify(profiles), DSP_SEED: String(seed) },
    detached: true,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (m: { stats?: DspStats[]; error?: string }) => void>();
  let seq = 0;
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('DSP fleet did not start in 10 s')), 10_000);
    child.once('exit', (code) =>
      reject(new Error(`DSP fleet exited early (code ${code}); are ports 9101.. free?`)),
    );
    child.on('message', (m: { op: string; seq?: number; stats?: DspStats[]; error?: string }) => {
      if (m.op === 'ready') {
        clearTimeout(t);
        resolve();
      } else if (m.op === 'done' && m.seq !== undefined) {
        pending.get(m.seq)?.(m);
        pending.delete(m.seq);
      }
    });
  });
  child.removeAllListeners('exit');
  const call = (msg: Record<string, unknown>) =>
    new Promise<DspStats[] | undefined>((resolve, reject) => {
      const n = ++seq;
      const t = setTimeout(() => reject(new Error(`DSP fleet did not answer ${String(msg.op)}`)), 10_000);
      pending.set(n, (m) => {
        clearTimeout(t);
        if (m.error) reject(new Error(m.error));
        else resolve(m.stats);
      });
      child.send({ ...msg, seq: n });
    });
  return {
    pid: child.pid ?? -1,
    stats: async () => (await call({ op: 'stats' })) ?? [],
    configure: async (id, patch) => {
      await call({ op: 'configure', id, patch });
    },
    reset: () => {
      void call({ op: 'reset' });
    },
    close: async () => {
      await call({ op: 'close' }).catch(() => undefined);
      if (child.exitCode === null) {
        try {
          process.kill(-(child.pid ?? 0), 'SIGKILL');
        } catch {}
      }
    },
  };
}
