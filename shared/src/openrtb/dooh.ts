// OpenRTB 2.6 section 3.2.32 Object: DOOH. A digital out-of-home placement (the third
// distribution channel beside site and app).
import { type Obj, type ReadCtx, str, strArr } from './read.ts';

export interface Dooh {
  id?: string;
  name?: string;
  venuetype?: string[];
  venuetypetax?: number;
  domain?: string;
  keywords?: string;
  ext?: Record<string, unknown>;
}

export function readDooh(ctx: ReadCtx, o: Obj, path: string): void {
  str(ctx, o, 'id', path);
  str(ctx, o, 'name', path);
  strArr(ctx, o, 'venuetype', path);
  str(ctx, o, 'domain', path);
}
