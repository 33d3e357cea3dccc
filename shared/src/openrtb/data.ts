// OpenRTB 2.6 sections 3.2.21 Object: Data and 3.2.22 Object: Segment. Audience data about the
// user from a named provider (kept together: a Segment only lives inside a Data).
import { type Obj, objArr, type ReadCtx, str } from './read.ts';

export interface Segment {
  id?: string;
  name?: string;
  value?: string;
  ext?: Record<string, unknown>;
}

export interface Data {
  id?: string;
  name?: string;
  segment?: Segment[];
  ext?: Record<string, unknown>;
}

export function readData(ctx: ReadCtx, o: Obj, path: string): void {
  str(ctx, o, 'id', path);
  str(ctx, o, 'name', path);
  objArr(ctx, o, 'segment', path, readSegment);
}

function readSegment(ctx: ReadCtx, s: Obj, p: string): void {
  str(ctx, s, 'id', p);
  str(ctx, s, 'name', p);
  str(ctx, s, 'value', p);
}
