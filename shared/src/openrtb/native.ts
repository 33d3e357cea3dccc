// OpenRTB 2.6 section 3.2.9 Object: Native. `request` is the Native Ad Specification request
// as a JSON-encoded string (kept opaque here; the DSP parses it).
import { intArr, type Obj, type ReadCtx, str } from './read.ts';

export interface Native {
  request: string;
  ver?: string;
  api?: number[];
  battr?: number[];
  ext?: Record<string, unknown>;
}

export function readNative(ctx: ReadCtx, o: Obj, path: string): void {
  str(ctx, o, 'request', path, true);
  str(ctx, o, 'ver', path);
  intArr(ctx, o, 'api', path);
  intArr(ctx, o, 'battr', path);
}
