// OpenRTB 2.6 sections 3.2.27 Object: EID and 3.2.28 Object: UID. Extended (third-party) user
// ids, one EID per id source; in 2.5 they travelled in user.ext.eids.
import { int, type Obj, objArr, type ReadCtx, str } from './read.ts';

export interface Uid {
  id: string;
  atype?: number;
  ext?: Record<string, unknown>;
}

export interface Eid {
  inserter?: string;
  source: string;
  matcher?: string;
  mm?: number;
  uids: Uid[];
  ext?: Record<string, unknown>;
}

export function readEid(ctx: ReadCtx, o: Obj, path: string): void {
  str(ctx, o, 'source', path, true);
  str(ctx, o, 'inserter', path);
  str(ctx, o, 'matcher', path);
  int(ctx, o, 'mm', path);
  objArr(ctx, o, 'uids', path, readUid);
}

function readUid(ctx: ReadCtx, u: Obj, p: string): void {
  str(ctx, u, 'id', p, true);
  int(ctx, u, 'atype', p);
}
