// OpenRTB 2.6 section 3.2.14 Object: App. A non-browser application placement; `bundle` is what
// bapp blocks.
import { type Content, readContent } from './content.ts';
import { type Publisher, readPublisher } from './publisher.ts';
import { at, flag, int, type Obj, obj, type ReadCtx, str, strArr } from './read.ts';

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
  int(ctx, o, 'cattax', path);
  for (const k of ['cat', 'sectioncat', 'pagecat', 'kwarray']) strArr(ctx, o, k, path);
  flag(ctx, o, 'privacypolicy', path);
  flag(ctx, o, 'paid', path);
  const pub = obj(ctx, o, 'publisher', path);
  if (pub) readPublisher(ctx, pub, at(path, 'publisher'));
  const content = obj(ctx, o, 'content', path);
  if (content) readContent(ctx, content, at(path, 'content'));
}
