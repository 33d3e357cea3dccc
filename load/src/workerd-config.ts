import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './paths.ts';
import { type Managed, waitHealthy } from './processes.ts';

// Renders a workerd config (Cap'n Proto text) for one bundled ES-module worker listening on
// loopback, with text bindings and outbound fetch allowed to loopback (the simulated DSPs):
// workerd's default "internet" service only reaches public addresses.
export interface WorkerdConfig {
  /** Path of the bundled worker module, relative to the config file (how workerd resolves embed). */
  modulePath: string;
  /** Where the worker listens; absent when the launcher hands every instance one shared socket (`--socket-fd http=3`). */
  address?: string;
  /** An instance's own address beside a shared socket: its peers and a balancer reach it there. */
  directAddress?: string;
  compatibilityDate: string;
  compatibilityFlags?: string[];
  bindings: Record<string, string>;
  /** Durable Object classes the module exports, bound by name. */
  durableObjects?: Array<{ binding: string; className: string; sql?: boolean }>;
  /** Absolute directory for Durable Object storage; SQLite-backed objects need one (in-memory storage has no SQL). */
  storageDir?: string;
}

/**
 * WORKERD_V8_FLAGS="--trace-gc" (space-separated) gives both raw workerd targets (edge, bare
 * fan-out) extra V8 flags, for diagnosis only: Cloudflare runs its own. Traces land in the target's
 * log (the overhead bench adds --trace-gc itself, gc-trace.ts). workerd applies its own GC flags
 * after these (--no-incremental-marking, --no-concurrent-marking), so they cannot be turned on here.
 */
export const v8FlagsFromEnv = (): string[] =>
  (process.env.WORKERD_V8_FLAGS ?? '').split(/\s+/).filter(Boolean);

/**
 * WORKERD_INSTANCES=N runs a raw workerd target (the edge, a bench worker) as N workerd processes:
 * how workerd uses N cores, since it runs a process on one thread. Default 1.
 */
export const workerdInstancesFromEnv = (): number => {
  const n = Number(process.env.WORKERD_INSTANCES ?? 1);
  if (!Number.isInteger(n) || n < 1 || n > 8)
    throw new Error(`WORKERD_INSTANCES must be an integer from 1 to 8, not ${process.env.WORKERD_INSTANCES}`);
  return n;
};

/** Instance i's own port next to the shared `port` (several instances only). */
const ownPort = (port: number, i: number): number => port + 1 + i;

/** What one instance of several is told about itself when its config is rendered. */
export interface InstanceSlot {
  /** Its public socket's address; absent for several, which share one socket on `port`. */
  address?: string;
  /** Its own address (several only): `port + 1 + index`. */
  directAddress?: string;
  index: number;
  count: number;
  /** '' for one instance, `-<index>` for several: for anything else to keep apart (its Durable Object disk). */
  suffix: string;
}

/**
 * Writes one config per workerd instance (WORKERD_INSTANCES) into `dir` and returns their paths:
 * `workerd.capnp` listening on `host:port` for one; for several, `workerd-<i>.capnp`, all sharing
 * one socket on `host:port` (the launcher's, workerd-instances.ts) and each also on loopback
 * `port + 1 + i`: its peers are on the same machine, so that port never leaves it.
 */
export function writeInstanceConfigs(
  dir: string,
  port: number,
  render: (slot: InstanceSlot) => string,
  host = '127.0.0.1',
): string[] {
  const count = workerdInstancesFromEnv();
  const configs: string[] = [];
  for (let index = 0; index < count; index++) {
    const slot: InstanceSlot =
      count === 1
        ? { address: `${host}:${port}`, index, count, suffix: '' }
        : { directAddress: `127.0.0.1:${ownPort(port, index)}`, index, count, suffix: `-${index}` };
    const config = join(dir, `workerd${slot.suffix}.capnp`);
    writeFileSync(config, render(slot));
    configs.push(config);
  }
  return configs;
}

/**
 * Each instance's own URL (the direct ports writeInstanceConfigs gives several): what a balancer
 * spreads requests over, request by request. One instance: `url` itself.
 */
export const instanceUrls = (url: string, instances: number): string[] => {
  if (instances === 1) return [url];
  const u = new URL(url);
  return Array.from(
    { length: instances },
    (_, i) => `${u.protocol}//${u.hostname}:${ownPort(Number(u.port), i)}`,
  );
};

/** Waits until every instance of a raw workerd target started on `url` answers /healthz on its own port. */
export async function waitInstancesHealthy(url: string, m: Managed, timeoutMs: number): Promise<void> {
  for (const u of instanceUrls(url, workerdInstancesFromEnv()))
    await waitHealthy(`${u}/healthz`, m, timeoutMs);
}

/** workerd's command line; with V8 flags, under stdbuf, since their traces (stdout, a pipe) are lost at exit otherwise. */
export function workerdCommand(bin: string, args: string[]): [string, string[]] {
  return v8FlagsFromEnv().length > 0 ? ['stdbuf', ['-oL', bin, ...args]] : [bin, args];
}

/**
 * The command that serves `configs`, one workerd instance each: workerd itself for one; for
 * several, the launcher, which listens on `shared` (the address they share) and hands each the
 * socket. `args` (an inspector) only fit one instance.
 */
export function workerdServeCommand(
  bin: string,
  configs: string[],
  args: string[] = [],
  shared?: string,
): [string, string[]] {
  if (configs.length === 1) return workerdCommand(bin, ['serve', configs[0] as string, ...args]);
  if (args.length > 0) throw new Error(`workerd ${args.join(' ')} needs WORKERD_INSTANCES=1`);
  if (!shared) throw new Error('several workerd instances need the address they share');
  const lines = configs.map((c) => {
    const [cmd, argv] = workerdCommand(bin, ['serve', c]);
    return [cmd, ...argv];
  });
  return [
    process.execPath,
    [join(REPO, 'load/src/workerd-instances.ts'), '--listen', shared, JSON.stringify(lines)],
  ];
}

const q = (s: string) => JSON.stringify(s); // capnp text strings use the same escapes as JSON

/** The public socket ("http": without an address, given by `--socket-fd http=<fd>`) and a direct one. */
const sockets = (c: WorkerdConfig): string =>
  [
    `(name = "http", ${c.address ? `address = ${q(c.address)}, ` : ''}http = (), service = "main")`,
    ...(c.directAddress
      ? [`(name = "direct", address = ${q(c.directAddress)}, http = (), service = "main")`]
      : []),
  ].join(', ');

export function renderWorkerdConfig(c: WorkerdConfig): string {
  const bindings = Object.entries(c.bindings)
    .map(([name, text]) => `(name = ${q(name)}, text = ${q(text)})`)
    .join(',\n      ');
  const flags = (c.compatibilityFlags ?? []).map(q).join(', ');
  const dos = c.durableObjects ?? [];
  const v8Flags = v8FlagsFromEnv();
  const doBindings = dos.map(
    (d) => `(name = ${q(d.binding)}, durableObjectNamespace = (className = ${q(d.className)}))`,
  );
  const allBindings = [bindings, ...doBindings].filter(Boolean).join(',\n      ');
  const doConfig = dos.length
    ? `  durableObjectNamespaces = [ ${dos
        .map(
          (d) =>
            `(className = ${q(d.className)}, uniqueKey = ${q(`edge-rtb-${d.className}`)}, enableSql = ${d.sql ? 'true' : 'false'})`,
        )
        .join(
          ', ',
        )} ],\n  durableObjectStorage = ${c.storageDir ? '(localDisk = "do-disk")' : '(inMemory = void)'},\n`
    : '';
  const disk = c.storageDir
    ? `\n    (name = "do-disk", disk = (path = ${q(c.storageDir)}, writable = true)),`
    : '';
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .mainWorker),
    (name = "loopback", network = (allow = ["local", "private", "public"])),${disk}
  ],
  sockets = [ ${sockets(c)} ],${v8Flags.length ? `\n  v8Flags = [${v8Flags.map(q).join(', ')}],` : ''}
);
const mainWorker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed ${q(c.modulePath)}) ],
  compatibilityDate = ${q(c.compatibilityDate)},
  compatibilityFlags = [${flags}],
  bindings = [
      ${allBindings}
  ],
${doConfig}  globalOutbound = "loopback",
);
`;
}
