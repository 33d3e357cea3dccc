// The one Env type of the edge worker: bindings (wrangler.toml vars, secrets, the notice ledger
// Durable Object) and the per-request variables middleware puts on the context.

import type { SspConfig } from '@edge-rtb/shared/snapshot';
import type { NoticeLedger } from './notices/ledger.ts';
import type { SnapshotView } from './snapshot/view.ts';

export interface Bindings {
  /** Base URL of the regional core (snapshot, leases, events). Never awaited in the auction path. */
  CORE_URL: string;
  /** Secret: bearer token the edge presents to the core. */
  EDGE_TOKEN: string;
  /** Secret: notice signing keys, `kid:secret[,kid:secret...]`; the first signs, all verify. */
  NOTICE_KEYS: string;
  /** Name of this PoP, stamped on events and leases. */
  POP?: string;
  /** Public base URL for notice/tracker links; defaults to the origin the SSP called. */
  PUBLIC_URL?: string;
  /** Optional tuning, strings because vars are strings. */
  SNAPSHOT_TTL_MS?: string;
  EVENTS_FLUSH_MS?: string;
  MAX_BODY_BYTES?: string;
  NOTICE_TTL_S?: string;
  /** 'off' stops calling losing DSPs' lurl (one outbound request per losing bid). Default on. */
  LOSS_NOTICES?: string;
  NOTICE_LEDGER: DurableObjectNamespace<NoticeLedger>;
}

export interface Variables {
  snapshot: SnapshotView;
  ssp: SspConfig;
  /** Raw request body text, read once under the size cap. */
  body: string;
  /** performance.now()-style epoch ms when the request arrived, for the tmax budget. */
  startedAt: number;
}

export type EdgeEnv = { Bindings: Bindings; Variables: Variables };
