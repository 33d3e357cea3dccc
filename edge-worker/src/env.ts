// The one Env type of the edge worker: bindings from wrangler.toml and per-request variables.
export interface Bindings {
  CORE_URL: string;
}
export type EdgeEnv = { Bindings: Bindings };
