// One progress line per second on stderr (rewritten in place on a terminal, one line per
// update otherwise so CI logs stay readable).
import { percentile } from './percentiles.ts';
import type { SecondStats } from './ssp-simulator.ts';

export function progressLine(
  name: string,
  durationS: number,
  s: SecondStats,
  totals: { sent: number; errors: number },
): string {
  const lat = [...s.latencies].sort((a, b) => a - b);
  const p99 = lat.length ? percentile(lat, 99).toFixed(1) : '-';
  return `[${name}] ${s.t + 1}/${durationS} s  sent ${totals.sent}  answered/s ${s.answered}  P99 ${p99} ms  errors ${totals.errors}  in flight ${s.inFlight}`;
}

export function printProgress(line: string): void {
  if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(110)}`);
  else process.stderr.write(`${line}\n`);
}

export function endProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\n');
}
