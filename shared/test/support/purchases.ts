// v2's purchase over HTTP (POST, status, waiting for decisions), for any test that buys through v2:
// v2's own, the e2e tests, v1's browser test.
import type { PurchaseOutcome } from '../../../v2/src/purchases/purchase-requests.repository';
import { call, type CallResult } from './http';

export interface Accepted {
  requestId: string;
  status: string;
  statusUrl: string;
}

/** The wire type of a v2 purchase's state, as the API defines it (not re-declared here). */
export type Outcome = PurchaseOutcome;

export const purchase = (url: string, eventId: string, token: string, quantity = 1, headers?: Record<string, string>) =>
  call<Accepted & { error?: { code: string } }>(url, 'POST', `/api/flashsale/${eventId}/purchase`, { token, body: { quantity }, headers });

export const purchaseStatus = (url: string, requestId: string, token: string): Promise<CallResult<Outcome>> =>
  call<Outcome>(url, 'GET', `/api/flashsale/purchases/${requestId}`, { token });

/** Polls until every request is decided (or the deadline passes) and returns the outcomes. */
export async function waitForOutcomes(
  url: string,
  requests: { requestId: string; token: string }[],
  timeoutMs = 30_000,
): Promise<Outcome[]> {
  const deadline = Date.now() + timeoutMs;
  const outcomes = new Map<string, Outcome>();
  while (Date.now() < deadline) {
    const pending = requests.filter((r) => outcomes.get(r.requestId)?.status !== 'confirmed' && outcomes.get(r.requestId)?.status !== 'failed');
    if (pending.length === 0) break;
    for (let i = 0; i < pending.length; i += 50) {
      const slice = pending.slice(i, i + 50);
      const results = await Promise.all(slice.map((r) => purchaseStatus(url, r.requestId, r.token)));
      results.forEach((result) => outcomes.set(result.body.requestId, result.body));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return requests.map((r) => outcomes.get(r.requestId)!);
}
