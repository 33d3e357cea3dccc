import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { start, stopAll } from './processes.ts';

/** Running, not merely a zombie waiting for a (possibly slow) init to reap it. */
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

const gone = async (pid: number) => {
  for (let i = 0; i < 40 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !alive(pid);
};

describe('processes', () => {
  it('stops the whole process group, grandchildren included', async () => {
    const logDir = mkdtempSync(join(tmpdir(), 'proc-'));
    // The shell forks a background sleep and prints its pid: a grandchild a plain kill would orphan.
    const m = start('sleeper', 'bash', ['-c', 'sleep 30 & echo $! ; wait'], { cwd: logDir, logDir });
    let grandchild = 0;
    for (let i = 0; i < 50 && !grandchild; i++) {
      await new Promise((r) => setTimeout(r, 50));
      grandchild = Number(readFileSync(m.logPath, 'utf8').trim()) || 0;
    }
    expect(grandchild).toBeGreaterThan(0);
    expect(alive(grandchild)).toBe(true);
    await stopAll();
    expect(await gone(m.pid)).toBe(true);
    expect(await gone(grandchild)).toBe(true);
  });
});
