// Child-process entry of the DSP fleet. The fleet runs in its own process so its event loop
// (thousands of small HTTP answers a second) does not delay the SSP simulator's timers and
// skew the latencies we measure. Controlled over IPC by dsp-fleet-process.ts.
import type { DspProfile } from './dsp-behavior.ts';
import { startFleet } from './dsp-fleet.ts';

type Msg =
  | { op: 'configure'; seq: number; id: string; patch: Partial<DspProfile> }
  | { op: 'stats'; seq: number }
  | { op: 'reset'; seq: number }
  | { op: 'close'; seq: number };

const profiles = JSON.parse(process.env.DSP_PROFILES ?? '[]') as DspProfile[];
const fleet = await startFleet(profiles, Number(process.env.DSP_SEED ?? 1));
process.send?.({ op: 'ready' });
process.on('message', async (m: Msg) => {
  try {
    if (m.op === 'configure') await fleet.configure(m.id, m.patch);
    if (m.op === 'reset') fleet.reset();
    if (m.op === 'close') await fleet.close();
    process.send?.({ op: 'done', seq: m.seq, stats: m.op === 'stats' ? await fleet.stats() : undefined });
    if (m.op === 'close') process.exit(0);
  } catch (err) {
    process.send?.({ op: 'done', seq: m.seq, error: String(err) });
  }
});
// The parent going away (crash, Ctrl-C) must not leave the ports held.
process.on('disconnect', () => process.exit(0));
