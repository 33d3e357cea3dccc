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

const q = (s: string) => JSON.stringify(s); // capnp text strings use the same escapes as JSON

export function renderWorkerdConfig(c: WorkerdConfig): string {
  const bindings = Object.entries(c.bindings)
    .map(([name, text]) => `(name = ${q(name)}, text = ${q(text)})`)
    .join(',\n      ');
  const flags = (c.compatibilityFlags ?? []).map(q).join(', ');
  const dos = c.durableObjects ?? [];
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
  sockets = [ (name = "http", address = ${q(c.address)}, http = (), service = "main") ],
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
