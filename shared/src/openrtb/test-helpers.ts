// Test-only helpers: the IAB example requests (read from ../shared beside the checkout, never
// copied into the repo) and a minimal valid request to mutate.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const EXAMPLES_DIR = new URL('../../../../shared/openrtb-examples/', import.meta.url).pathname;
export const examplesPresent = existsSync(join(EXAMPLES_DIR, 'bid-requests'));

export function exampleFiles(kind: 'bid-requests' | 'bid-responses'): { name: string; text: string }[] {
  const dir = join(EXAMPLES_DIR, kind);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
}

// biome-ignore lint/suspicious/noExplicitAny: tests mutate free-form JSON
export type Json = any;

export function minimalRequest(): Json {
  return {
    id: 'req-1',
    imp: [{ id: '1', banner: { w: 300, h: 250 } }],
    site: { id: 's1', domain: 'example.com', publisher: { id: 'p1' } },
    device: { ua: 'Mozilla/5.0', ip: '203.0.113.7' },
  };
}
