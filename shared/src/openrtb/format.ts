// OpenRTB 2.6 section 3.2.10 Object: Format. An allowed size (w x h) or a flexible ratio of a
// banner. Either absolute w/h or the ratio fields are used, not both.
import { at, fail, int, type Obj, pair, type ReadCtx } from './read.ts';

export interface Format {
  w?: number;
  h?: number;
  wratio?: number;
  hratio?: number;
  wmin?: number;
  ext?: Record<string, unknown>;
}

export function readFormat(ctx: ReadCtx, o: Obj, path: string): void {
  for (const k of ['w', 'h', 'wratio', 'hratio', 'wmin']) int(ctx, o, k, path, { min: 1 });
  pair(ctx, o, 'w', 'h', path);
  pair(ctx, o, 'wratio', 'hratio', path);
  const absent = (k: string) => o[k] === undefined;
  // Fields that were present but invalid already produced an error; only report a size that is
  // missing altogether.
  if (absent('w') && absent('h') && absent('wratio') && absent('hratio'))
    fail(ctx, 'missing', at(path, 'w'), `${path} needs w and h, or wratio and hratio`);
}
