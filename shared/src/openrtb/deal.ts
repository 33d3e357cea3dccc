// OpenRTB 2.6 section 3.2.12 Object: Deal. A deal between buyer and seller for this imp. The
// parser fills bidfloor (0) and bidfloorcur ('USD') with their spec defaults; `at` stays absent
// when the deal inherits the request's auction type.
import { currency, MAX_CPM } from './currency.ts';
import type { DurFloors } from './dur-floors.ts';
import { at, fail, int, num, type Obj, type ReadCtx, str, strArr } from './read.ts';

export interface Deal {
  id: string;
  bidfloor: number;
  bidfloorcur: string;
  /** 1 first price, 2 second price plus, 3 fixed price (bidfloor is the deal price), 500+ exchange-specific. */
  at?: number;
  wseat?: string[];
  wadomain?: string[];
  guar?: 0 | 1;
  mincpmpersec?: number;
  durfloors?: DurFloors[];
  ext?: Record<string, unknown>;
}

export function readDeal(ctx: ReadCtx, o: Obj, path: string): void {
  str(ctx, o, 'id', path, true);
  o.bidfloor = num(ctx, o, 'bidfloor', path, { min: 0, max: MAX_CPM }) ?? 0;
  o.bidfloorcur = currency(ctx, o, 'bidfloorcur', path);
  const a = int(ctx, o, 'at', path);
  if (a !== undefined && !(a === 1 || a === 2 || a === 3 || a > 500))
    fail(ctx, 'invalid_value', at(path, 'at'), `${at(path, 'at')} must be 1, 2, 3 or > 500, got ${a}`);
  strArr(ctx, o, 'wseat', path);
  strArr(ctx, o, 'wadomain', path);
  int(ctx, o, 'guar', path, { min: 0, max: 1 });
  num(ctx, o, 'mincpmpersec', path, { min: 0 });
}
