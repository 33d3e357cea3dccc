// OpenRTB 2.6 section 3.2.4 Object: Imp. One ad placement. At least one of banner, video, audio
// or native says what may be bid. The parser fills bidfloor (0), bidfloorcur ('USD'), instl (0)
// so the auction reads them without defaults of its own.
import { type Audio, readAudio } from './audio.ts';
import { type Banner, readBanner } from './banner.ts';
import { currency, MAX_CPM } from './currency.ts';
import type { Metric } from './metric.ts';
import { type Native, readNative } from './native.ts';
import { type Pmp, readPmp } from './pmp.ts';
import type { Qty } from './qty.ts';
import { at, fail, flag, int, num, type Obj, obj, type ReadCtx, str } from './read.ts';
import type { Refresh } from './refresh.ts';
import { readVideo, type Video } from './video.ts';

export interface Imp {
  id: string;
  metric?: Metric[];
  banner?: Banner;
  video?: Video;
  audio?: Audio;
  native?: Native;
  pmp?: Pmp;
  displaymanager?: string;
  displaymanagerver?: string;
  instl: 0 | 1;
  tagid?: string;
  /** Minimum bid, CPM in `bidfloorcur` (wire float; the auction converts to micros). */
  bidfloor: number;
  bidfloorcur: string;
  clickbrowser?: 0 | 1;
  secure?: 0 | 1;
  iframebuster?: string[];
  rwdd?: 0 | 1;
  ssai?: number;
  /** Seconds between the auction and the actual impression. */
  exp?: number;
  qty?: Qty;
  /** Timestamp (ms) when the impression will be fulfilled (DOOH). */
  dt?: number;
  refresh?: Refresh;
  ext?: Record<string, unknown>;
}

export const MEDIA_TYPES = ['banner', 'video', 'audio', 'native'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export function readImp(ctx: ReadCtx, o: Obj, path: string): void {
  str(ctx, o, 'id', path, true);
  const banner = obj(ctx, o, 'banner', path);
  if (banner) readBanner(ctx, banner, at(path, 'banner'));
  const video = obj(ctx, o, 'video', path);
  if (video) readVideo(ctx, video, at(path, 'video'));
  const audio = obj(ctx, o, 'audio', path);
  if (audio) readAudio(ctx, audio, at(path, 'audio'));
  const native = obj(ctx, o, 'native', path);
  if (native) readNative(ctx, native, at(path, 'native'));
  if (!hasMedia(o))
    fail(ctx, 'missing', path, `${path} needs at least one of banner, video, audio or native`);
  const pmp = obj(ctx, o, 'pmp', path);
  if (pmp) readPmp(ctx, pmp, at(path, 'pmp'));
  o.bidfloor = num(ctx, o, 'bidfloor', path, { min: 0, max: MAX_CPM }) ?? 0;
  o.bidfloorcur = currency(ctx, o, 'bidfloorcur', path);
  o.instl = flag(ctx, o, 'instl', path) ?? 0;
  str(ctx, o, 'tagid', path);
  flag(ctx, o, 'secure', path);
  flag(ctx, o, 'rwdd', path);
  int(ctx, o, 'exp', path, { min: 0 });
}

/** Media types an imp offers, in a fixed order. */
export function impMediaTypes(imp: Imp): MediaType[] {
  const out: MediaType[] = [];
  for (const m of MEDIA_TYPES) if (imp[m] !== undefined) out.push(m);
  return out;
}

function hasMedia(o: Obj): boolean {
  for (const m of MEDIA_TYPES) if (o[m] !== undefined) return true;
  return false;
}
