// OpenRTB 2.6 section 3.2.7 Object: Video. In-stream/out-stream video placement; `mimes` is
// required. 2.6 adds pods (podid, poddur, rqddurs, slotinpod) and `plcmt`.
import type { Banner } from './banner.ts';
import { readBanner } from './banner.ts';
import type { DurFloors } from './dur-floors.ts';
import {
  at,
  fail,
  flag,
  int,
  intArr,
  num,
  type Obj,
  objArr,
  pair,
  type ReadCtx,
  str,
  strArr,
} from './read.ts';

export interface Video {
  mimes: string[];
  minduration?: number;
  maxduration?: number;
  startdelay?: number;
  maxseq?: number;
  poddur?: number;
  protocols?: number[];
  w?: number;
  h?: number;
  podid?: string;
  podseq?: number;
  rqddurs?: number[];
  /** Deprecated in 2.6 in favour of plcmt. */
  placement?: number;
  plcmt?: number;
  linearity?: number;
  skip?: 0 | 1;
  skipmin?: number;
  skipafter?: number;
  sequence?: number;
  slotinpod?: number;
  mincpmpersec?: number;
  battr?: number[];
  maxextended?: number;
  minbitrate?: number;
  maxbitrate?: number;
  boxingallowed?: 0 | 1;
  playbackmethod?: number[];
  playbackend?: number;
  delivery?: number[];
  pos?: number;
  companionad?: Banner[];
  api?: number[];
  companiontype?: number[];
  poddedupe?: number[];
  durfloors?: DurFloors[];
  ext?: Record<string, unknown>;
}

export function readVideo(ctx: ReadCtx, o: Obj, path: string): void {
  if (o.mimes === undefined) fail(ctx, 'missing', at(path, 'mimes'), `${at(path, 'mimes')} is required`);
  else strArr(ctx, o, 'mimes', path);
  const min = int(ctx, o, 'minduration', path, { min: 0 });
  const max = int(ctx, o, 'maxduration', path, { min: 1 });
  if (min !== undefined && max !== undefined && min > max)
    fail(
      ctx,
      'conflict',
      at(path, 'minduration'),
      `${path}.minduration (${min}) exceeds maxduration (${max})`,
    );
  int(ctx, o, 'startdelay', path, { min: -2 });
  intArr(ctx, o, 'protocols', path);
  int(ctx, o, 'w', path, { min: 1 });
  int(ctx, o, 'h', path, { min: 1 });
  pair(ctx, o, 'w', 'h', path);
  str(ctx, o, 'podid', path);
  intArr(ctx, o, 'rqddurs', path);
  int(ctx, o, 'placement', path);
  int(ctx, o, 'plcmt', path);
  int(ctx, o, 'linearity', path);
  flag(ctx, o, 'skip', path);
  num(ctx, o, 'mincpmpersec', path, { min: 0 });
  intArr(ctx, o, 'battr', path);
  int(ctx, o, 'minbitrate', path, { min: 0 });
  int(ctx, o, 'maxbitrate', path, { min: 0 });
  flag(ctx, o, 'boxingallowed', path);
  intArr(ctx, o, 'playbackmethod', path);
  intArr(ctx, o, 'delivery', path);
  int(ctx, o, 'pos', path, { min: 0 });
  objArr(ctx, o, 'companionad', path, readBanner, 20);
  intArr(ctx, o, 'api', path);
  intArr(ctx, o, 'companiontype', path);
}
