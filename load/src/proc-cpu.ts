// CPU accounting from /proc, the way DESIGN counts it: utime+stime of every edge process
// over the run. We read the whole process tree under the edge's launcher so a runtime that
// forks helpers (wrangler, workerd) is counted in full, not just the pid we started.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  pgrp: number;
  /** utime + stime in clock ticks. */
  ticks: number;
}

/** Parses /proc/<pid>/stat; comm may hold spaces and parentheses, so split after the last ')'. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const ppid = Number(rest[1]);
  const pgrp = Number(rest[2]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (![pid, ppid, pgrp, utime, stime].every(Number.isFinite)) return undefined;
  return { pid, comm: text.slice(open + 1, close), ppid, pgrp, ticks: utime + stime };
}

export function listProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const s = parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (s) out.push(s);
    } catch {
      // the process ended between readdir and read
    }
  }
  return out;
}

/** The roots and all their descendants (by parent pid) in a process list. */
export function treeOf(procs: ProcStat[], roots: number[]): ProcStat[] {
  const keep = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of procs) {
      if (!keep.has(p.pid) && keep.has(p.ppid)) {
        keep.add(p.pid);
        grew = true;
      }
    }
  }
  return procs.filter((p) => keep.has(p.pid));
}

/** Linux reports stat times in USER_HZ, 100 on every mainstream build. */
export const CLOCK_TICKS_PER_S = 100;

export interface CpuSample {
  at: number;
  /**
   * Ticks and run-queue wait per pid, so processes that start mid-run count from zero and ones
   * that end keep their last value.
   */
  byPid: Map<number, { comm: string; ticks: number; waitNs: number }>;
}

/**
 * CPU ticks of the processes under `roots`; with `runQueueWait`, their threads' run-queue wait
 * too (a schedstat read per thread, so only for the samples whose wait a table shows; 0 otherwise).
 */
export function sampleTree(roots: number[], { runQueueWait = false } = {}): CpuSample {
  const byPid = new Map<number, { comm: string; ticks: number; waitNs: number }>();
  for (const p of treeOf(listProcesses(), roots))
    byPid.set(p.pid, { comm: p.comm, ticks: p.ticks, waitNs: runQueueWait ? runQueueWaitNs(p.pid) : 0 });
  return { at: performance.now(), byPid };
}

/**
 * How long the process's threads have been runnable but waiting for a CPU, ns: the second field
 * of each thread's /proc/<pid>/task/<tid>/schedstat (the scheduler's run delay). On two shared
 * cores this is where the target's latency goes when the load generator and the DSPs hold both.
 * 0 when unreadable (not Linux, process gone); threads that ended take their share with them.
 */
export function runQueueWaitNs(pid: number): number {
  let total = 0;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 0;
  }
  for (const tid of tids) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[1]) || 0;
    } catch {
      // the thread ended between readdir and read
    }
  }
  return total;
}

/** CPU milliseconds used between two samples, in total and by command name, and the run-queue wait. */
export function cpuBetween(
  a: CpuSample,
  b: CpuSample,
): { totalMs: number; byComm: Record<string, number>; runQueueWaitMs: number } {
  const byComm: Record<string, number> = {};
  let total = 0;
  let waitNs = 0;
  for (const [pid, end] of b.byPid) {
    const start = a.byPid.get(pid);
    const ms = ((end.ticks - (start?.ticks ?? 0)) * 1000) / CLOCK_TICKS_PER_S;
    total += ms;
    byComm[end.comm] = (byComm[end.comm] ?? 0) + ms;
    waitNs += end.waitNs - (start?.waitNs ?? 0);
  }
  return { totalMs: total, byComm, runQueueWaitMs: waitNs / 1e6 };
}

/** utime + stime of one process so far, ms; NaN when it cannot be read (ended, not Linux). */
export function processCpuMs(pid: number): number {
  try {
    const s = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return s ? (s.ticks * 1000) / CLOCK_TICKS_PER_S : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
