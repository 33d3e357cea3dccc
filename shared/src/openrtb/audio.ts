// OpenRTB 2.6 section 3.2.8 Object: Audio. Audio placement; `mimes` is required.
import type { Banner } from './banner.ts';
import { readBanner } from './banner.ts';
import type { DurFloors } from './dur-floors.ts';
import { at, fail, flag, int, intArr, num, type Obj, objArr, type ReadCtx, str, strArr } from './read.ts';

export interface Audio {
  mimes: string[];
  minduration?: number;
  maxduration?: number;
  poddur?: number;
  protocols?: number[];
  startdelay?: number;
  rqddurs?: number[];
  podid?: string;
  podseq?: number;
  sequence?: number;
  slotinpod?: number;
  mincpmpersec?: number;
  battr?: number[];
  maxextended?: number;
  minbitrate?: number;
  maxbitrate?: number;
  delivery?: number[];
  companionad?: Banner[];
  api?: number[];
  companiontype?: number[];
  maxseq?: number;
  feed?: number;
  stitched?: 0 | 1;
  nvol?: number;
  durfloors?: DurFloors[];
  ext?: Record<string, unknown>;
}

export function readAudio(ctx: ReadCtx, o: Obj, path: string): void {
  if (o.mimes === undefined) fail(ctx, 'missing', at(path, 'mimes'), `${at(path, 'mimes')} is required`);
  else strArr(ctx, o, 'mimes', path);
  int(ctx, o, 'minduration', path, { min: 0 });
  int(ctx, o, 'maxduration', path, { min: 1 });
  intArr(ctx, o, 'protocols', path);
  int(ctx, o, 'startdelay', path, { min: -2 });
  str(ctx, o, 'podid', path);
  num(ctx, o, 'mincpmpersec', path, { min: 0 });
  intArr(ctx, o, 'battr', path);
  intArr(ctx, o, 'delivery', path);
  objArr(ctx, o, 'companionad', path, readBanner, 20);
  intArr(ctx, o, 'api', path);
  flag(ctx, o, 'stitched', path);
}
