// Child processes of a run (core, edge, fan-out reference): each starts in its own process
// group (detached) so stopping it kills everything it forked (workerd under a launcher, for
// instance), and every group we started is killed on exit, Ctrl-C or SIGTERM: a run never
// leaves a process behind holding a port.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Managed {
  name: string;
  pid: number;
  child: ChildProcess;
  logPath: string;
  stop(): Promise<void>;
}

const live = new Set<Managed>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const m of live) killGroup(m.pid, 'SIGKILL');
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      process.stderr.write(
        `\n[load] ${sig}: stopping ${[...live].map((m) => m.name).join(', ') || 'nothing'}\n`,
      );
      void stopAll().finally(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    });
  }
}

export function start(
  name: string,
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: Record<string, string>; logDir: string },
): Managed {
  hookExit();
  mkdirSync(opts.logDir, { recursive: true });
  const logPath = join(opts.logDir, `${name}.log`);
  const log = createWriteStream(logPath, { flags: 'a' });
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const pid = child.pid;
  if (!pid) throw new Error(`could not start ${name}: ${cmd} ${args.join(' ')}`);
  const m: Managed = {
    name,
    pid,
    child,
    logPath,
    stop: async () => {
      live.delete(m);
      if (child.exitCode !== null || child.signalCode !== null) return;
      killGroup(pid, 'SIGTERM');
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      const timeout = new Promise<void>((r) => setTimeout(r, 5000).unref());
      await Promise.race([exited, timeout]);
      killGroup(pid, 'SIGKILL');
    },
  };
  live.add(m);
  child.once('exit', () => live.delete(m));
  return m;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((m) => m.stop()));
}

/** Polls a URL until it answers 2xx, or fails saying which part did not come up and where its log is. */
export async function waitHealthy(url: string, m: Managed | undefined, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    if (m && (m.child.exitCode !== null || m.child.signalCode !== null)) {
      throw new Error(
        `${m.name} exited (${m.child.exitCode ?? m.child.signalCode}) before ${url} was healthy; see ${m.logPath}`,
      );
    }
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (r.ok) return;
      last = `HTTP ${r.status}`;
    } catch (err) {
      last = String((err as { cause?: unknown }).cause ?? err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${m?.name ?? url} not healthy at ${url} after ${timeoutMs} ms (${last})${m ? `; see ${m.logPath}` : ''}`,
  );
}

/** True when something already listens there (a leftover from another run would skew results). */
export async function isListening(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}
