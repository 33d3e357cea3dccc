// OpenRTB 2.6 section 3.2.13 Object: Site. A website placement; a request carries exactly one
// of site, app or dooh.
import { type Content, readContent } from './content.ts';
import { type Publisher, readPublisher } from './publisher.ts';
import { at, flag, int, type Obj, obj, type ReadCtx, str, strArr } from './read.ts';

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
  int(ctx, o, 'cattax', path);
  for (const k of ['cat', 'sectioncat', 'pagecat', 'kwarray']) strArr(ctx, o, k, path);
  flag(ctx, o, 'mobile', path);
  flag(ctx, o, 'privacypolicy', path);
  const pub = obj(ctx, o, 'publisher', path);
  if (pub) readPublisher(ctx, pub, at(path, 'publisher'));
  const content = obj(ctx, o, 'content', path);
  if (content) readContent(ctx, content, at(path, 'content'));
}
