// OpenRTB 2.6 section 3.2.13 Object: Site. A website placement; a request carries exactly one
// of site, app or dooh.

import type { Content } from './content.ts';
import { readChannelCommon } from './distribution-channel.ts';
import type { Publisher } from './publisher.ts';
import { flag, type Obj, type ReadCtx, str } from './read.ts';

export interface Site {
  id?: string;
  name?: string;
  domain?: string;
  cattax?: number;
  cat?: string[];
  sectioncat?: string[];
  pagecat?: string[];
  page?: string;
  ref?: string;
  search?: string;
  mobile?: 0 | 1;
  privacypolicy?: 0 | 1;
  publisher?: Publisher;
  content?: Content;
  keywords?: string;
  kwarray?: string[];
  inventorypartnerdomain?: string;
  ext?: Record<string, unknown>;
}

export function readSite(ctx: ReadCtx, o: Obj, path: string): void {
  for (const k of ['id', 'name', 'domain', 'page', 'ref', 'search', 'keywords']) str(ctx, o, k, path);
  flag(ctx, o, 'mobile', path);
  readChannelCommon(ctx, o, path);
}
