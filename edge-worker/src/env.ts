// The one Env type of the edge worker: bindings (wrangler.toml vars, secrets, the notice ledger
// Durable Object).

import type { EventOutbox } from './events/outbox.ts';
import type { NoticeLedger } from './notices/ledger.ts';

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
  /** An event POST slower than this (ms, default 10000) counts as failed and goes to the outbox. */
  EVENTS_POST_TIMEOUT_MS?: string;
  MAX_BODY_BYTES?: string;
  /** Largest DSP answer taken, bytes once inflated (default 1 MiB); past it the DSP's outcome is 'invalid'. */
  MAX_DSP_ANSWER_BYTES?: string;
  NOTICE_TTL_S?: string;
  /**
   * Who calls losing DSPs' lurl: 'core' (default: the loss event carries it and the regional
   * core calls it), 'edge' (this isolate, after the response), 'off' (nobody; tests, A/B).
   */
  LOSS_NOTICES?: string;
  /** Isolates a PoP is expected to run: each keeps qpsCap / POP_ISOLATES of a DSP's cap (default 1). */
  POP_ISOLATES?: string;
  /**
   * Self-hosted as several workerd processes (load/src/edge-raw.ts): this instance's index, every
   * instance's private base URL by index, and the secret they relay notices with. Unset on
   * Cloudflare and for one instance (notices/ledger-owner.ts).
   */
  EDGE_INSTANCE?: string;
  EDGE_PEERS?: string;
  EDGE_PEER_KEY?: string;
  NOTICE_LEDGER: DurableObjectNamespace<NoticeLedger>;
  /** Durable outbox for events the core did not take (events/outbox.ts). Without it, memory only. */
  EVENTS_OUTBOX?: DurableObjectNamespace<EventOutbox>;
  /** Outbox shards per PoP (default 8) and its retry/cap tuning (see events/outbox.ts). */
  EVENTS_OUTBOX_SHARDS?: string;
  EVENTS_OUTBOX_RETRY_MS?: string;
  EVENTS_OUTBOX_MAX_RETRY_MS?: string;
  EVENTS_OUTBOX_MAX_BYTES?: string;
  /** 'off': tracker events go through the in-memory batch like the rest instead of the outbox. */
  TRACKER_WRITE_THROUGH?: string;
}

export type EdgeEnv = { Bindings: Bindings };
