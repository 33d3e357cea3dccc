// Self-hosted on several workerd processes (one per core: workerd runs a process on one thread),
// each instance keeps Durable Objects on its own disk, so a NoticeLedger object would exist once
// per instance and a notice replayed to another instance would count again. Each ledger object
// therefore has one owner instance; the others relay its notices there (routes/notices.ts). On
// Cloudflare, or with one instance, none of this is configured and nothing is relayed.
import { fnv1a } from '@edge-rtb/shared/auction/tie-break';
import { err, ok, type Result } from '@edge-rtb/shared/result';

/** This instance and where every instance of the edge answers its peers, by index. */
export interface InstanceRing {
  self: number;
  peers: readonly string[];
  /** Shared secret a relayed request carries: only then is it handled where it lands. */
  key: string;
}

/**
 * The ring from EDGE_INSTANCE (this instance's index), EDGE_PEERS (comma-separated base URLs of
 * all instances, by index) and EDGE_PEER_KEY. All unset: null (one instance, nothing relayed).
 */
export function parseInstanceRing(env: {
  EDGE_INSTANCE?: string;
  EDGE_PEERS?: string;
  EDGE_PEER_KEY?: string;
}): Result<InstanceRing | null, string> {
  const { EDGE_INSTANCE: index, EDGE_PEERS: list, EDGE_PEER_KEY: key } = env;
  if (index === undefined && list === undefined) return ok(null);
  const peers = (list ?? '').split(',').map((p) => p.trim().replace(/\/+$/, ''));
  if (peers.some((p) => !/^https?:\/\/[^/?#\s]+$/.test(p)))
    return err('EDGE_PEERS must list every instance as an http(s) origin, comma-separated');
  const self = Number(index);
  if (!Number.isInteger(self) || self < 0 || self >= peers.length)
    return err(`EDGE_INSTANCE must be this instance's index in EDGE_PEERS (0-${peers.length - 1})`);
  if (!key || key.length < 32) return err('EDGE_PEER_KEY must be a secret of at least 32 characters');
  return ok({ self, peers, key });
}

/**
 * The instance that owns a ledger object: the same for every instance, from its name alone.
 * FNV-1a mixes names that differ in their last characters poorly (64 shards over 3 instances left
 * one with none), so its hash goes through MurmurHash3's finalizer before the range is taken.
 */
export function ledgerOwner(ledgerName: string, instances: number): number {
  let h = fnv1a(ledgerName);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  return Math.floor((h * instances) / 2 ** 32);
}
