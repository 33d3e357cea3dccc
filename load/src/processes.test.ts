import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { start, stopAll } from './processes.ts';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(m.pid)).toBe(false);
    expect(alive(grandchild)).toBe(false);
  });
});
