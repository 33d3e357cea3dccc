// A config snapshot compiled once per version into the lookups the hot path needs, so no
// auction scans arrays or re-parses CIDRs.
import type { ConfigSnapshot, DspConfig, SspConfig } from '@edge-rtb/shared/snapshot';
import { type CidrSet, compileCidrs } from '../policy/cidr.ts';

export interface SnapshotView {
  readonly raw: ConfigSnapshot;
  readonly version: string;
  readonly sspByKeyHash: ReadonlyMap<string, SspConfig>;
  readonly dspById: ReadonlyMap<string, DspConfig>;
  readonly blockedIps: CidrSet;
  /** Lower-cased user-agent fragments that mark a bot. */
  readonly botAgents: readonly string[];
  /** SSP keys already verified against keyHashes, so a hot key is hashed once per version. */
  readonly knownKeys: Map<string, SspConfig>;
}

export function compileSnapshot(raw: ConfigSnapshot): SnapshotView {
  const sspByKeyHash = new Map<string, SspConfig>();
  for (const ssp of raw.ssps) for (const h of ssp.keyHashes) sspByKeyHash.set(h.toLowerCase(), ssp);
  return {
    raw,
    version: raw.version,
    sspByKeyHash,
    dspById: new Map(raw.dsps.map((d) => [d.id, d])),
    blockedIps: compileCidrs(raw.ivt.blockedIpRanges),
    botAgents: raw.ivt.blockedUserAgents.map((s) => s.toLowerCase()).filter((s) => s.length > 0),
    knownKeys: new Map(),
  };
}

/** Shape check of what the core sent: enough that compileSnapshot cannot throw on it. */
export function isConfigSnapshot(v: unknown): v is ConfigSnapshot {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  const ivt = s.ivt as Record<string, unknown> | undefined;
  return (
    typeof s.version === 'string' &&
    typeof s.exchange === 'object' &&
    s.exchange !== null &&
    Array.isArray(s.ssps) &&
    s.ssps.every((x) => typeof x === 'object' && x !== null && Array.isArray((x as SspConfig).keyHashes)) &&
    Array.isArray(s.dsps) &&
    Array.isArray(s.campaigns) &&
    Array.isArray(s.deals) &&
    typeof ivt === 'object' &&
    ivt !== null &&
    Array.isArray(ivt.blockedUserAgents) &&
    Array.isArray(ivt.blockedIpRanges)
  );
}
