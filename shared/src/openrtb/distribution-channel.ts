// What OpenRTB 2.6 sections 3.2.13 (Site) and 3.2.14 (App) share as distribution channels:
// taxonomy and categories, privacy policy flag, publisher and content. Read once here.
import { readContent } from './content.ts';
import { readPublisher } from './publisher.ts';
import { at, flag, int, type Obj, obj, type ReadCtx, strArr } from './read.ts';

export function readChannelCommon(ctx: ReadCtx, o: Obj, path: string): void {
  int(ctx, o, 'cattax', path);
  for (const k of ['cat', 'sectioncat', 'pagecat', 'kwarray']) strArr(ctx, o, k, path);
  flag(ctx, o, 'privacypolicy', path);
  const pub = obj(ctx, o, 'publisher', path);
  if (pub) readPublisher(ctx, pub, at(path, 'publisher'));
  const content = obj(ctx, o, 'content', path);
  if (content) readContent(ctx, content, at(path, 'content'));
}
