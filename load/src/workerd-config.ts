import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './paths.ts';

// Renders a workerd config (Cap'n Proto text) for one bundled ES-module worker listening on
// loopback, with text bindings and outbound fetch allowed to loopback (the simulated DSPs):
// workerd's default "internet" service only reaches public addresses.
export interface WorkerdConfig {
  /** Path of the bundled worker module, relative to the config file (how workerd resolves embed). */
  modulePath: string;
  address: string;
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
 * WORKERD_INSTANCES=N runs each raw workerd target as N workerd processes on consecutive ports
 * (workerd-instances.ts), the overhead bench's load spread over them request by request: how much
 * of a tail is one thread's. Default 1.
 */
export const workerdInstancesFromEnv = (): number => {
  const n = Number(process.env.WORKERD_INSTANCES ?? 1);
  if (!Number.isInteger(n) || n < 1 || n > 8)
    throw new Error(`WORKERD_INSTANCES must be an integer from 1 to 8, not ${process.env.WORKERD_INSTANCES}`);
  return n;
};

/**
 * Writes one config per workerd instance (WORKERD_INSTANCES) into `dir` and returns their paths:
 * `workerd.capnp` for one, `workerd-<i>.capnp` for several, instance i listening on `port + i`.
 * `render` gets the instance's address and a suffix ('' or `-<i>`) for anything else it must
 * keep apart, such as its Durable Object directory.
 */
export function writeInstanceConfigs(
  dir: string,
  port: number,
  render: (address: string, suffix: string) => string,
): string[] {
  const instances = workerdInstancesFromEnv();
  const configs: string[] = [];
  for (let i = 0; i < instances; i++) {
    const suffix = instances === 1 ? '' : `-${i}`;
    const config = join(dir, `workerd${suffix}.capnp`);
    writeFileSync(config, render(`127.0.0.1:${port + i}`, suffix));
    configs.push(config);
  }
  return configs;
}

/** The URLs of a target's instances (the ports writeInstanceConfigs gives them): `url` and the next ports up. */
export const instanceUrls = (url: string, instances: number): string[] => {
  const u = new URL(url);
  return Array.from({ length: instances }, (_, i) => `${u.protocol}//${u.hostname}:${Number(u.port) + i}`);
};

/** workerd's command line; with V8 flags, under stdbuf, since their traces (stdout, a pipe) are lost at exit otherwise. */
export function workerdCommand(bin: string, args: string[]): [string, string[]] {
  return v8FlagsFromEnv().length > 0 ? ['stdbuf', ['-oL', bin, ...args]] : [bin, args];
}

/**
 * The command that serves `configs`, one workerd instance each: workerd itself for one, the
 * launcher for several. `args` (an inspector) only fit one instance.
 */
export function workerdServeCommand(bin: string, configs: string[], args: string[] = []): [string, string[]] {
  if (configs.length === 1) return workerdCommand(bin, ['serve', configs[0] as string, ...args]);
  if (args.length > 0) throw new Error(`workerd ${args.join(' ')} needs WORKERD_INSTANCES=1`);
  const lines = configs.map((c) => {
    const [cmd, argv] = workerdCommand(bin, ['serve', c]);
    return [cmd, ...argv];
  });
  return [process.execPath, [join(REPO, 'load/src/workerd-instances.ts'), JSON.stringify(lines)]];
}

const q = (s: string) => JSON.stringify(s); // capnp text strings use the same escapes as JSON

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
  sockets = [ (name = "http", address = ${q(c.address)}, http = (), service = "main") ],${
    v8Flags.length ? `\n  v8Flags = [${v8Flags.map(q).join(', ')}],` : ''
  }
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
