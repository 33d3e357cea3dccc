// HTTP to the core's lease endpoints (shared/src/lease-api.ts). Only ever called from
// waitUntil, never inside an auction's critical path.
import type { LeaseRequest, LeaseResponse, SettleRequest, SettleResponse } from '@edge-rtb/shared/lease-api';
import { drain } from '../drain.ts';

export interface LeaseClient {
  /**
   * null when there is no answer to act on. A request whose answer was lost (timeout, network
   * error, 5xx) keeps its idempotency key: the next request for the same campaign and holder
   * (the wallet's retry after its backoff) sends it again, so the core answers the lease it
   * may already have granted instead of granting a second one.
   */
  request(body: LeaseRequest): Promise<LeaseResponse | null>;
  settle(leaseId: string, body: SettleRequest): Promise<SettleResponse | null>;
}

type Outcome<T> = { answer: T } | { answer: null; final: boolean };

export function httpLeaseClient(
  coreUrl: string,
  edgeToken: string,
  timeoutMs = 3_000,
  newKey: () => string = () => crypto.randomUUID(),
): LeaseClient {
  // The wallet asks for one lease at a time per campaign, so an unanswered request of a
  // (campaign, holder) pair and the next one of that pair are the same logical request.
  const unanswered = new Map<string, string>();

  const post = async <T>(path: string, body: unknown): Promise<Outcome<T>> => {
    try {
      const res = await fetch(`${coreUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${edgeToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) {
        await drain(res);
        // A 5xx (the ledger backend failed) may come after the grant was booked, and 408/429
        // say nothing was done yet: the same key again. Any other 4xx is this request's answer.
        return { answer: null, final: res.status < 500 && res.status !== 408 && res.status !== 429 };
      }
      return { answer: (await res.json()) as T };
    } catch {
      return { answer: null, final: false };
    }
  };

  return {
    async request(body) {
      const pair = `${body.campaignId}\n${body.holder}`;
      const idempotencyKey = body.idempotencyKey ?? unanswered.get(pair) ?? newKey();
      unanswered.set(pair, idempotencyKey);
      const r = await post<LeaseResponse>('/v1/leases', { ...body, idempotencyKey });
      // A newer request of the pair may have taken the slot meanwhile; only clear our own key.
      if ((r.answer !== null || r.final) && unanswered.get(pair) === idempotencyKey) unanswered.delete(pair);
      return r.answer;
    },
    settle: async (leaseId, body) =>
      (await post<SettleResponse>(`/v1/leases/${encodeURIComponent(leaseId)}/settle`, body)).answer,
  };
}
