// OpenRTB 2.6 section 3.2.14 Object: App. A non-browser application placement; `bundle` is what
// bapp blocks.

import type { Content } from './content.ts';
import { readChannelCommon } from './distribution-channel.ts';
import type { Publisher } from './publisher.ts';
import { flag, type Obj, type ReadCtx, str } from './read.ts';

export interface App {
  id?: string;
  name?: string;
  bundle?: string;
  domain?: string;
  storeurl?: string;
  cattax?: number;
  cat?: string[];
  sectioncat?: string[];
  pagecat?: string[];
  ver?: string;
  privacypolicy?: 0 | 1;
  paid?: 0 | 1;
  publisher?: Publisher;
  content?: Content;
  keywords?: string;
  kwarray?: string[];
  inventorypartnerdomain?: string;
  ext?: Record<string, unknown>;
}

export function readApp(ctx: ReadCtx, o: Obj, path: string): void {
  for (const k of ['id', 'name', 'bundle', 'domain', 'storeurl', 'ver', 'keywords']) str(ctx, o, k, path);
  flag(ctx, o, 'paid', path);
  readChannelCommon(ctx, o, path);
}
