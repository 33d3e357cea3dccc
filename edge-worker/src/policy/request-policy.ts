// Request-level policy before any DSP is asked: the SSP's publisher/domain blocklists and
// invalid traffic (bot user agents, blocked IP ranges). Each refusal is an outcome value.
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import type { SspConfig } from '@edge-rtb/shared/snapshot';
import type { EdgeOutcome } from '../outcomes.ts';
import type { SnapshotView } from '../snapshot/view.ts';

export function checkRequestPolicy(req: BidRequest, ssp: SspConfig, view: SnapshotView): EdgeOutcome | null {
  const inventory = req.site ?? req.app;
  const publisherId = inventory?.publisher?.id;
  if (publisherId !== undefined && ssp.blockedPublishers.includes(publisherId))
    return { reason: 'blocked_publisher', requestId: req.id, publisherId };
  // An SSP with a publisher allowlist may only send those publishers.
  if (ssp.publishers?.length && (publisherId === undefined || !ssp.publishers.includes(publisherId)))
    return { reason: 'blocked_publisher', requestId: req.id, publisherId: publisherId || undefined };
  const domain = req.site?.domain ?? req.app?.domain ?? hostOf(req.site?.page);
  if (domain && listsDomain(ssp.blockedDomains, domain))
    return { reason: 'blocked_publisher', requestId: req.id, domain };

  const ua = req.device?.ua?.toLowerCase();
  if (ua && isBot(ua, view.botAgents)) return { reason: 'known_bot', requestId: req.id };
  const ip = req.device?.ip ?? req.device?.ipv6;
  if (ip && view.blockedIps.has(ip)) return { reason: 'blocked_ip', requestId: req.id };
  return null;
}

/** Whether `domain` matches any entry of `list` (domainMatches). */
export function listsDomain(list: readonly string[], domain: string): boolean {
  for (const d of list) if (domainMatches(domain, d)) return true;
  return false;
}

/** `a.b.example` matches a block on `b.example` and `b.example` itself. */
export function domainMatches(domain: string, blocked: string): boolean {
  const d = domain.toLowerCase().replace(/^www\./, '');
  const b = blocked.toLowerCase().replace(/^www\./, '');
  return d === b || d.endsWith(`.${b}`);
}

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

function isBot(ua: string, agents: readonly string[]): boolean {
  for (const b of agents) if (ua.includes(b)) return true;
  return false;
}
