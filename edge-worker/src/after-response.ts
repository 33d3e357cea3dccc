// Work an answer does not need (events, loss notices) runs under waitUntil after a zero-delay
// timer: the handler returns first, so the runtime writes the response before this JS holds the
// isolate's thread, and a failing step here can neither delay nor fail the answer.
import { createLogger } from '@edge-rtb/shared/log';

type WaitUntil = (p: Promise<unknown>) => void;

const log = createLogger({ part: 'edge' });

export function afterResponse(waitUntil: WaitUntil, what: string, work: () => unknown): void {
  waitUntil(
    new Promise<void>((r) => setTimeout(r, 0))
      .then(work)
      .catch((e: unknown) => log.error('after-response work failed', { what, err: String(e) })),
  );
}
