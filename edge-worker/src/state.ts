// Everything an isolate keeps between requests, created once per app instance (closure state,
// not module globals, so tests get fresh state with a fresh app). Parts that depend on bindings
// (signer, lease client) are built on first use and rebuilt if the binding changes.

import type { Result } from '@edge-rtb/shared/result';
import { httpLeaseClient } from './campaigns/lease-client.ts';
import { createLeaseWallet, type LeaseWallet } from './campaigns/lease-wallet.ts';
import { configuredBidScorer, type Scorer } from './campaigns/scorer.ts';
import type { Bindings } from './env.ts';
import { createEventBatcher, type EventBatcher } from './events/event-batcher.ts';
import { type CircuitBreakers, createCircuitBreakers } from './fanout/circuit-breaker.ts';
import { createQpsLimiter, type QpsLimiter } from './fanout/qps-limiter.ts';
import { type InstanceRing, parseInstanceRing } from './notices/ledger-owner.ts';
import { createNoticeSigner, type NoticeSigner } from './notices/notice-token.ts';
import { createSnapshotCache, type SnapshotCache } from './snapshot/snapshot-cache.ts';

export interface EdgeState {
  snapshots: SnapshotCache;
  breakers: CircuitBreakers;
  /** Per-isolate QPS buckets, sized by POP_ISOLATES (rebuilt if that binding changes). */
  limiter(env: Bindings): QpsLimiter;
  events: EventBatcher;
  scorer: Scorer;
  /** Null when NOTICE_KEYS is missing or unusable: the edge then refuses to sell (503). */
  signer(env: Bindings): NoticeSigner | null;
  wallet(env: Bindings): LeaseWallet;
  /** The other workerd instances of a self-hosted edge (EDGE_INSTANCE, EDGE_PEERS); null for one. */
  ring(env: Bindings): Result<InstanceRing | null, string>;
  /** Random per isolate, made on first use: workerd forbids randomness at global scope. */
  isolateId(): string;
}

export interface EdgeOptions {
  snapshotTtlMs?: number;
  /** Least time between two refresh attempts of the snapshot (after a failure, say). */
  snapshotRetryMs?: number;
  breaker?: Parameters<typeof createCircuitBreakers>[0];
  scorer?: Scorer;
}

export function createEdgeState(opts: EdgeOptions = {}): EdgeState {
  let id = '';
  const isolateId = () => {
    id ||= crypto.randomUUID().slice(0, 8);
    return id;
  };
  let signer: { spec: string | undefined; s: NoticeSigner | null } | null = null;
  let wallet: { core: string; w: LeaseWallet } | null = null;
  let limiter: { spec: string | undefined; l: QpsLimiter } | null = null;
  let ring: { spec: string; r: Result<InstanceRing | null, string> } | null = null;
  return {
    snapshots: createSnapshotCache({
      ttlMs: opts.snapshotTtlMs ?? 30_000,
      retryMs: opts.snapshotRetryMs ?? 1_000,
    }),
    breakers: createCircuitBreakers(opts.breaker),
    limiter(env) {
      if (!limiter || limiter.spec !== env.POP_ISOLATES)
        limiter = { spec: env.POP_ISOLATES, l: createQpsLimiter(Date.now, Number(env.POP_ISOLATES) || 1) };
      return limiter.l;
    },
    events: createEventBatcher(),
    scorer: opts.scorer ?? configuredBidScorer,
    isolateId,
    signer(env) {
      if (!signer || signer.spec !== env.NOTICE_KEYS) {
        let s: NoticeSigner | null = null;
        try {
          s = createNoticeSigner(env.NOTICE_KEYS);
        } catch {
          s = null; // reported per request as 'misconfigured'
        }
        signer = { spec: env.NOTICE_KEYS, s };
      }
      return signer.s;
    },
    wallet(env) {
      if (wallet?.core !== env.CORE_URL)
        wallet = {
          core: env.CORE_URL,
          w: createLeaseWallet({
            client: httpLeaseClient(env.CORE_URL, env.EDGE_TOKEN),
            holder: `${env.POP ?? 'pop'}:${isolateId()}`,
          }),
        };
      return wallet.w;
    },
    ring(env) {
      const spec = `${env.EDGE_INSTANCE}|${env.EDGE_PEERS}|${env.EDGE_PEER_KEY}`;
      if (ring?.spec !== spec) ring = { spec, r: parseInstanceRing(env) };
      return ring.r;
    },
  };
}
