// Losing DSPs' lurl calls: one waitUntil per auction, not one per losing bid, sent after the
// response has gone (a zero-delay timer), all under one abort timer. Every URL is still called
// exactly once as a plain GET; bids without an lurl cost nothing. What is saved is the per-call
// overhead around each fetch (a timer, an AbortSignal and a waitUntil per notice), and the
// notices no longer start while the auction's response is still being built.
import { drain } from '../drain.ts';

type WaitUntil = (p: Promise<unknown>) => void;

const TIMEOUT_MS = 5_000;
const ignore = () => {};

export function sendLossNotices(urls: readonly string[], waitUntil: WaitUntil): void {
  if (urls.length === 0) return;
  // Every call settles (failures are ignored), so the waited promise never rejects.
  waitUntil(
    new Promise<void>((r) => setTimeout(r, 0)).then(() => {
      const signal = AbortSignal.timeout(TIMEOUT_MS);
      const calls: Promise<void>[] = [];
      for (const url of urls) calls.push(fetch(url, { signal }).then(drain, ignore));
      return Promise.all(calls);
    }),
  );
}
