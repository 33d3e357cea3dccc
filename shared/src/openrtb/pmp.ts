// OpenRTB 2.6 section 3.2.11 Object: Pmp. Private marketplace deals for an imp. With
// private_auction = 1 only bids on one of `deals` are eligible; the parser fills the default 0.
import { type Deal, readDeal } from './deal.ts';
import { at, fail, flag, isObj, type Obj, objArr, type ReadCtx } from './read.ts';

export interface Pmp {
  private_auction: 0 | 1;
  deals?: Deal[];
  ext?: Record<string, unknown>;
}

export function readPmp(ctx: ReadCtx, o: Obj, path: string): void {
  o.private_auction = flag(ctx, o, 'private_auction', path) ?? 0;
  const deals = objArr(ctx, o, 'deals', path, readDeal, 100);
  const seen = new Set<string>();
  // A loop like readImps' repeat check, not a forEach callback made per request.
  if (deals)
    for (let i = 0; i < deals.length; i++) {
      const d = deals[i];
      if (!isObj(d) || typeof d.id !== 'string') continue;
      if (seen.has(d.id))
        fail(ctx, 'duplicate', at(at(at(path, 'deals'), i), 'id'), `deal id "${d.id}" appears twice`);
      seen.add(d.id);
    }
  if (o.private_auction === 1 && (!deals || deals.length === 0))
    fail(
      ctx,
      'missing',
      at(path, 'deals'),
      `${at(path, 'deals')} must list at least one deal when private_auction is 1`,
    );
}
