// OpenRTB 2.6 sections 3.2.25 Object: SupplyChain and 3.2.26 Object: SupplyChainNode. The
// chain of sellers before this exchange (ads.txt/sellers.json ids); 2.5 carried it in
// source.ext.schain.
import { flag, int, type Obj, objArr, type ReadCtx, str } from './read.ts';

export interface SupplyChainNode {
  asi: string;
  sid: string;
  rid?: string;
  name?: string;
  domain?: string;
  /** 1 = this node is involved in the flow of payment. */
  hp?: 0 | 1;
  ext?: Record<string, unknown>;
}

export interface SupplyChain {
  complete: 0 | 1;
  nodes: SupplyChainNode[];
  ver: string;
  ext?: Record<string, unknown>;
}

export function readSupplyChain(ctx: ReadCtx, o: Obj, path: string): void {
  // complete is required by the spec; absent is read as 0 (incomplete), the cautious meaning.
  o.complete = flag(ctx, o, 'complete', path) ?? 0;
  str(ctx, o, 'ver', path, true);
  if (o.nodes === undefined) o.nodes = [];
  objArr(ctx, o, 'nodes', path, readNode, 50);
}

const NODE_STRINGS = ['rid', 'name', 'domain'] as const;
const HP = { min: 0, max: 1 };

function readNode(ctx: ReadCtx, n: Obj, p: string): void {
  str(ctx, n, 'asi', p, true);
  str(ctx, n, 'sid', p, true);
  for (const k of NODE_STRINGS) str(ctx, n, k, p);
  int(ctx, n, 'hp', p, HP);
}
