import { describe, expect, it } from 'vitest';
import { cpuBetween, parseProcStat, runQueueWaitNs, sampleTree, treeOf } from './proc-cpu.ts';

describe('parseProcStat', () => {
  it('reads ticks and parents even with spaces and parens in the command', () => {
    const line = '4242 (work (er) d) S 100 4242 4242 0 -1 4194560 500 0 0 0 1234 567 0 0 20 0 9 0 100 0 0';
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      comm: 'work (er) d',
      ppid: 100,
      pgrp: 4242,
      ticks: 1801,
    });
  });
});

describe('treeOf', () => {
  it('follows children and grandchildren only', () => {
    const p = (pid: number, ppid: number) => ({ pid, ppid, pgrp: 0, comm: 'x', ticks: 0 });
    const tree = treeOf([p(1, 0), p(10, 1), p(11, 10), p(20, 2)], [10]);
    expect(tree.map((x) => x.pid).sort()).toEqual([10, 11]);
  });
});

describe('cpuBetween', () => {
  it('counts new processes from zero and converts ticks to ms, and run-queue ns to ms', () => {
    const a = { at: 0, byPid: new Map([[1, { comm: 'workerd', ticks: 100, waitNs: 2e6 }]]) };
    const b = {
      at: 1,
      byPid: new Map([
        [1, { comm: 'workerd', ticks: 150, waitNs: 9e6 }],
        [2, { comm: 'node', ticks: 5, waitNs: 1e6 }],
      ]),
    };
    expect(cpuBetween(a, b)).toEqual({
      totalMs: 550,
      byComm: { workerd: 500, node: 50 },
      runQueueWaitMs: 8,
    });
  });

  it('reads this very process from /proc, its threads run-queue wait included', async () => {
    const s = sampleTree([process.pid], { runQueueWait: true });
    expect(s.byPid.has(process.pid)).toBe(true);
    // Without the option no schedstat is read and the wait stays 0.
    expect(sampleTree([process.pid]).byPid.get(process.pid)?.waitNs).toBe(0);
    const before = runQueueWaitNs(process.pid);
    // Yield to the scheduler a few times: the counter only grows.
    for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 1));
    expect(runQueueWaitNs(process.pid)).toBeGreaterThanOrEqual(before);
    expect(runQueueWaitNs(-1)).toBe(0);
  });
});
