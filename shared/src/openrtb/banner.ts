// OpenRTB 2.6 section 3.2.6 Object: Banner. Display placement: sizes (format[] preferred, else
// w/h), blocked creative types and attributes.
import { type Format, readFormat } from './format.ts';
import { flag, int, intArr, type Obj, objArr, pair, type ReadCtx, strArr } from './read.ts';

export interface Banner {
  format?: Format[];
  w?: number;
  h?: number;
  /** Blocked banner ad types (1 XHTML text, 2 XHTML banner, 3 JavaScript, 4 iframe). */
  btype?: number[];
  /** Blocked creative attributes (see creative-attribute.ts). */
  battr?: number[];
  pos?: number;
  mimes?: string[];
  topframe?: 0 | 1;
  expdir?: number[];
  api?: number[];
  id?: string;
  vcm?: 0 | 1;
  ext?: Record<string, unknown>;
}

export function readBanner(ctx: ReadCtx, o: Obj, path: string): void {
  objArr(ctx, o, 'format', path, readFormat, 100);
  int(ctx, o, 'w', path, { min: 1 });
  int(ctx, o, 'h', path, { min: 1 });
  pair(ctx, o, 'w', 'h', path);
  intArr(ctx, o, 'btype', path);
  intArr(ctx, o, 'battr', path);
  int(ctx, o, 'pos', path, { min: 0 });
  strArr(ctx, o, 'mimes', path);
  flag(ctx, o, 'topframe', path);
  intArr(ctx, o, 'expdir', path);
  intArr(ctx, o, 'api', path);
  flag(ctx, o, 'vcm', path);
}
