// HTTP to the core's lease endpoints (shared/src/lease-api.ts). Only ever called from
// waitUntil, never inside an auction's critical path.
import type { LeaseRequest, LeaseResponse, SettleRequest, SettleResponse } from '@edge-rtb/shared/lease-api';
import { drain } from '../drain.ts';

export interface LeaseClient {
  request(body: LeaseRequest): Promise<LeaseResponse | null>;
  settle(leaseId: string, body: SettleRequest): Promise<SettleResponse | null>;
}

export function httpLeaseClient(coreUrl: string, edgeToken: string, timeoutMs = 3_000): LeaseClient {
  const post = async <T>(path: string, body: unknown): Promise<T | null> => {
    try {
      const res = await fetch(`${coreUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${edgeToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) {
        await drain(res);
        return null;
      }
      return (await res.json()) as T;
    } catch {
      return null;
    }
  };
  return {
    request: (body) => post<LeaseResponse>('/v1/leases', body),
    settle: (leaseId, body) => post<SettleResponse>(`/v1/leases/${encodeURIComponent(leaseId)}/settle`, body),
  };
}
