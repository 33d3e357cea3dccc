// OpenRTB 2.6 section 3.2.15 Object: Publisher. The entity that owns the site/app.
import { int, type Obj, type ReadCtx, str, strArr } from './read.ts';

export interface Publisher {
  id?: string;
  name?: string;
  cattax?: number;
  cat?: string[];
  domain?: string;
  ext?: Record<string, unknown>;
}

export function readPublisher(ctx: ReadCtx, o: Obj, path: string): void {
  str(ctx, o, 'id', path);
  str(ctx, o, 'name', path);
  int(ctx, o, 'cattax', path);
  strArr(ctx, o, 'cat', path);
  str(ctx, o, 'domain', path);
}
