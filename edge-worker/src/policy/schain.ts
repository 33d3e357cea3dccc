// SupplyChain (OpenRTB 2.6 source.schain): the exchange appends its own node to what the SSP
// sent, on a copy. Without an upstream chain the exchange cannot vouch for the hops before it,
// so the new chain says complete = 0.
import type { BidRequest } from '@edge-rtb/shared/openrtb/bid-request';
import type { SupplyChain } from '@edge-rtb/shared/openrtb/supply-chain';

export function withExchangeNode(req: BidRequest, asi: string, sspId: string): BidRequest {
  const upstream = req.source?.schain;
  const node = { asi, sid: sspId, rid: req.id, hp: 1 as const };
  const schain: SupplyChain = upstream
    ? { ...upstream, nodes: [...upstream.nodes, node] }
    : { complete: 0, ver: '1.0', nodes: [node] };
  return { ...req, source: { ...req.source, schain } };
}
