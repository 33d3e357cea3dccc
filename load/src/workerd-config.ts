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
}

const q = (s: string) => JSON.stringify(s); // capnp text strings use the same escapes as JSON

export function renderWorkerdConfig(c: WorkerdConfig): string {
  const bindings = Object.entries(c.bindings)
    .map(([name, text]) => `(name = ${q(name)}, text = ${q(text)})`)
    .join(',\n      ');
  const flags = (c.compatibilityFlags ?? []).map(q).join(', ');
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .mainWorker),
    (name = "loopback", network = (allow = ["local", "private", "public"])),
  ],
  sockets = [ (name = "http", address = ${q(c.address)}, http = (), service = "main") ],
);
const mainWorker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed ${q(c.modulePath)}) ],
  compatibilityDate = ${q(c.compatibilityDate)},
  compatibilityFlags = [${flags}],
  bindings = [
      ${bindings}
  ],
  globalOutbound = "loopback",
);
`;
}
