// Command line of `npm run bench -- <scenario> [options]`. Pure, so it is tested.
export interface BenchArgs {
  scenario: string;
  seed: number;
  durationS?: number;
  qps?: number;
  breakInvariant: boolean;
  /** overhead/fanout: rates of the steps and seconds per step. */
  rates?: number[];
  stepS?: number;
  /** overhead/fanout: seconds of warm-up per target at the top rate (default in overhead.ts). */
  warmupS?: number;
  /** overhead: alternating edge/bare pairs of steps per rate (paired mode). */
  pairs?: number;
}

export const USAGE = `usage: npm run bench -- <scenario> [--seed N] [--duration S] [--qps N] [--break]
       npm run bench -- overhead [--rates 100,200,400] [--step S] [--warmup S] [--pairs N]   (edge vs bare fan-out)
       npm run bench -- fanout   [--rates 100,200,400] [--step S] [--warmup S]   (bare fan-out reference alone)
  --break adds an invariant that always fails (shows a broken invariant fails the run)`;

export function parseBenchArgs(argv: string[]): BenchArgs | { error: string } {
  const [scenario, ...rest] = argv;
  if (!scenario || scenario.startsWith('-')) return { error: 'name a scenario' };
  const out: BenchArgs = { scenario, seed: 1, breakInvariant: false };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[i + 1];
    const num = (name: string): number | { error: string } => {
      const n = Number(value);
      i++;
      return value !== undefined && Number.isFinite(n) && n > 0
        ? n
        : { error: `${name} needs a positive number` };
    };
    let r: number | { error: string };
    switch (flag) {
      case '--break':
        out.breakInvariant = true;
        break;
      case '--seed':
        r = num('--seed');
        if (typeof r !== 'number') return r;
        out.seed = r;
        break;
      case '--duration':
        r = num('--duration');
        if (typeof r !== 'number') return r;
        if (r > 270) return { error: '--duration is capped at 270 s so a scenario stays under 5 minutes' };
        out.durationS = r;
        break;
      case '--qps':
        r = num('--qps');
        if (typeof r !== 'number') return r;
        if (r > 5000) return { error: '--qps is capped at 5000 on loopback' };
        out.qps = r;
        break;
      case '--step':
        r = num('--step');
        if (typeof r !== 'number') return r;
        out.stepS = r;
        break;
      case '--warmup':
        r = num('--warmup');
        if (typeof r !== 'number') return r;
        out.warmupS = r;
        break;
      case '--pairs':
        r = num('--pairs');
        if (typeof r !== 'number') return r;
        if (!Number.isInteger(r) || r > 20) return { error: '--pairs needs a whole number from 1 to 20' };
        out.pairs = r;
        break;
      case '--rates': {
        i++;
        const rates = (value ?? '').split(',').map(Number);
        if (!rates.length || rates.some((x) => !Number.isFinite(x) || x <= 0 || x > 5000))
          return { error: '--rates needs comma-separated rates in (0, 5000]' };
        out.rates = rates;
        break;
      }
      default:
        return { error: `unknown option ${flag}` };
    }
  }
  return out;
}
