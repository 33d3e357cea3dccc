// OpenRTB 2.6 section 3.2.16 Object: Content. What the placement sits in (episode, title,
// categories). Only the fields the exchange reads are checked; the rest is forwarded.
import type { Channel } from './channel.ts';
import type { Data } from './data.ts';
import type { Network } from './network.ts';
import type { Producer } from './producer.ts';
import { flag, int, type Obj, type ReadCtx, str, strArr } from './read.ts';

export interface Content {
  id?: string;
  episode?: number;
  title?: string;
  series?: string;
  season?: string;
  url?: string;
  cattax?: number;
  cat?: string[];
  context?: number;
  keywords?: string;
  livestream?: 0 | 1;
  len?: number;
  language?: string;
  producer?: Producer;
  data?: Data[];
  network?: Network;
  channel?: Channel;
  ext?: Record<string, unknown>;
}

export function readContent(ctx: ReadCtx, o: Obj, path: string): void {
  str(ctx, o, 'id', path);
  int(ctx, o, 'episode', path);
  str(ctx, o, 'title', path);
  str(ctx, o, 'url', path);
  strArr(ctx, o, 'cat', path);
  flag(ctx, o, 'livestream', path);
  int(ctx, o, 'len', path, { min: 0 });
}
