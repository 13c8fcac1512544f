// The spike: every buyer sends one purchase request, `connections` at a time, each answer timed.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createHttp } from './http';
import type { Buyer, PurchaseRecord, RunState, Version } from './records';

type Answer = Pick<PurchaseRecord, 'status' | 'code' | 'accepted' | 'decision' | 'requestId' | 'statusUrl'>;

interface AnswerBody {
  error?: { code?: string };
  order?: { id?: string };
  requestId?: string;
  statusUrl?: string;
}

/** How a v1 or v2 answer counts: accepted (201/202) and, when the answer is final, the decision. */
export function classify(version: Version, status: number, answer: unknown, endMs: number): Answer {
  const body = answer as AnswerBody | null | undefined;
  const code = status >= 400 ? body?.error?.code : undefined;
  const record: Answer = { status, code, accepted: false };
  if (version === 'v1' && status === 201) {
    return { ...record, accepted: true, decision: { status: 'confirmed', orderId: body?.order?.id, atMs: endMs } };
  }
  if (version === 'v2' && status === 202) return { ...record, accepted: true, requestId: body?.requestId, statusUrl: body?.statusUrl };
  // A 409 is a decision in both versions: v2 refuses at once what needs no queue.
  if (status === 409) return { ...record, decision: { status: 'failed', code, atMs: endMs } };
  return record;
}

/**
 * Fires one POST `{prefix}/flashsale/{eventId}/purchase` per buyer. Returns the records and the
 * clock origin (performance.now() at the first send; record times are ms after it).
 * `state` is updated as it goes, for the progress display.
 */
export interface SpikeSpec {
  origin: string;
  prefix: string;
  version: Version;
  eventId: string;
  buyers: Buyer[];
  connections: number;
  timeoutMs: number;
  state: RunState;
  signal?: AbortSignal;
}

export async function fireSpike({ origin, prefix, version, eventId, buyers, connections, timeoutMs, state, signal }: SpikeSpec): Promise<{ records: PurchaseRecord[]; t0: number }> {
  const http = createHttp(origin, { connections, timeoutMs });
  const path = `${prefix}/flashsale/${eventId}/purchase`;
  const body = JSON.stringify({ quantity: 1 });
  const records = new Array<PurchaseRecord>(buyers.length);
  // Open every connection before the clock starts: a burst of `connections` simultaneous TCP
  // handshakes delays a few first requests by 1-2 s on this machine even against bare Express,
  // which would measure the load generator's connects, not the servers.
  Object.assign(state, { phase: `${version} opening ${connections} connections` });
  await Promise.all(Array.from({ length: Math.min(connections, buyers.length) }, () => http.json('GET', '/healthz').catch(() => undefined)));
  const deadline = performance.now() + timeoutMs;
  let next = 0;
  const t0 = performance.now();
  Object.assign(state, { phase: `${version} spike`, total: buyers.length, sent: 0, answered: 0, accepted: 0, failed: 0, t0 });

  async function lane() {
    while (next < buyers.length && performance.now() < deadline && !signal?.aborted) {
      const index = next++;
      const buyer = buyers[index]!;
      const record: PurchaseRecord = { buyer: index, userId: buyer.userId, quantity: 1, idempotencyKey: randomUUID(), accepted: false };
      records[index] = record;
      record.startMs = performance.now() - t0;
      state.sent! += 1;
      try {
        const response = await http.json('POST', path, { token: buyer.token, body, headers: { 'idempotency-key': record.idempotencyKey! } });
        record.endMs = performance.now() - t0;
        Object.assign(record, classify(version, response.status, response.body, record.endMs));
        state.answered! += 1;
        if (record.accepted) state.accepted! += 1;
        if (response.status >= 500) state.failed! += 1;
      } catch (error) {
        record.endMs = performance.now() - t0;
        const failure = error as { code?: string; name?: string };
        record.error = failure.code ?? failure.name ?? 'error';
        state.failed! += 1;
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: Math.min(connections, buyers.length) }, lane));
  } finally {
    await http.close();
  }
  // Buyers never sent (the deadline passed) still count: they are the unanswered ones.
  for (let i = 0; i < buyers.length; i += 1) records[i] ??= { buyer: i, userId: buyers[i]!.userId, quantity: 1, accepted: false };
  return { records, t0 };
}

