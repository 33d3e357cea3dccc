// OpenRTB 2.6 section 3.2.2 Object: Source. Who made the decision to sell (fd), the transaction
// id shared across exchanges (tid) and the supply chain (2.5: source.ext.schain, lifted here).
import { at, flag, lift, type Obj, obj, type ReadCtx, str } from './read.ts';
import { readSupplyChain, type SupplyChain } from './supply-chain.ts';

export interface Source {
  fd?: 0 | 1;
  tid?: string;
  pchain?: string;
  schain?: SupplyChain;
  ext?: Record<string, unknown>;
}

export function readSource(ctx: ReadCtx, o: Obj, path: string): void {
  lift(o, 'schain');
  flag(ctx, o, 'fd', path);
  str(ctx, o, 'tid', path);
  str(ctx, o, 'pchain', path);
  const schain = obj(ctx, o, 'schain', path);
  if (schain) readSupplyChain(ctx, schain, at(path, 'schain'));
}
