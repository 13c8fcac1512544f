// v2 after the spike: wait until the worker has decided every accepted (202) request.
// With database access the decision times are PostgreSQL's own (decided_at), and the status
// endpoint is read once at the end to check it agrees; without, the status endpoint is polled.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { withClient } from '../../scripts/lib/databases';
import { createHttp, mapLimit, type Http } from './http';
import type { Buyer, Decision, PurchaseRecord, RunState } from './records';

/** What the status endpoint answers for a purchase request. */
interface StatusBody {
  status?: string;
  error?: { code?: string };
  order?: { id?: string };
}

interface Waiting {
  records: PurchaseRecord[];
  t0: number;
  deadline: number;
  state: RunState;
  signal?: AbortSignal;
}

/** The checks of the decisions read back over HTTP. */
export interface Verification {
  checked: number;
  mismatches: number;
}

const POLL_MS = 100;

/** The outcome the status endpoint gives, as a decision; undefined while still queued. */
export function decisionOf(answer: unknown, atMs: number): Decision | undefined {
  const body = answer as StatusBody | null | undefined;
  if (!body?.status || !['confirmed', 'failed'].includes(body.status)) return undefined;
  return { status: body.status, code: body.error?.code, orderId: body.order?.id, atMs };
}

interface RequestRow {
  id: string;
  status: string;
  error_code: string | null;
  order_id: string | null;
  decided_ms: number;
}

async function waitInDatabase({ databaseUrl, eventId, records, t0, deadline, state, signal }: Waiting & { databaseUrl: string; eventId: string }): Promise<void> {
  const accepted = records.filter((r) => r.accepted);
  await withClient(databaseUrl, async (client) => {
    while (performance.now() < deadline && !signal?.aborted) {
      const { rows } = await client.query<{ decided: number }>(
        `SELECT count(*) FILTER (WHERE status <> 'queued')::int AS decided FROM purchase_requests WHERE event_id = $1`,
        [eventId],
      );
      state.decided = rows[0]!.decided;
      if (state.decided >= accepted.length) break;
      await sleep(POLL_MS);
    }
    const { rows } = await client.query<RequestRow>(
      `SELECT id, status, error_code, order_id, (extract(epoch from decided_at) * 1000)::float8 AS decided_ms
       FROM purchase_requests WHERE event_id = $1`,
      [eventId],
    );
    // PostgreSQL's clock and ours are the same machine's: place its times on the spike's axis.
    const originEpochMs = performance.timeOrigin + t0;
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const record of accepted) {
      const row = byId.get(record.requestId!);
      if (!row || row.status === 'queued') continue;
      record.decision = { status: row.status, code: row.error_code ?? undefined, orderId: row.order_id ?? undefined, atMs: row.decided_ms - originEpochMs };
    }
  });
}

async function pollOverHttp({ http, records, t0, deadline, concurrency, state, signal }: Waiting & { http: Http; concurrency: number }): Promise<void> {
  let pending = records.filter((r) => r.accepted && !r.decision);
  while (pending.length > 0 && performance.now() < deadline && !signal?.aborted) {
    const roundStart = performance.now();
    await mapLimit(pending, concurrency, async (record) => {
      if (performance.now() >= deadline) return;
      const response = await http.json('GET', record.statusUrl!, { token: record.token }).catch(() => undefined);
      const decision = response?.status === 200 ? decisionOf(response.body, performance.now() - t0) : undefined;
      if (decision) {
        record.decision = decision;
        state.decided! += 1;
      }
    });
    pending = pending.filter((r) => !r.decision);
    const elapsed = performance.now() - roundStart;
    if (pending.length > 0 && elapsed < POLL_MS) await sleep(POLL_MS - elapsed);
  }
}

/** Reads every decided request back from the status endpoint: it must say what PostgreSQL says. */
async function verifyOverHttp({ http, records, concurrency }: { http: Http; records: PurchaseRecord[]; concurrency: number }): Promise<Verification> {
  const decided = records.filter((r) => r.accepted && r.decision);
  let mismatches = 0;
  await mapLimit(decided, concurrency, async (record) => {
    const response = await http.json('GET', record.statusUrl!, { token: record.token }).catch(() => undefined);
    const seen = response?.status === 200 ? decisionOf(response.body, 0) : undefined;
    const same = seen && seen.status === record.decision?.status && seen.code === record.decision?.code && seen.orderId === record.decision?.orderId;
    if (!same) mismatches += 1;
  });
  return { checked: decided.length, mismatches };
}

/**
 * Fills `record.decision` for every accepted record (those still undecided at the deadline stay
 * without). Returns the verification figures, or undefined when decisions came from polling.
 */
export interface SettleSpec {
  origin: string;
  databaseUrl?: string;
  eventId: string;
  records: PurchaseRecord[];
  t0: number;
  timeoutMs: number;
  connections: number;
  state: RunState;
  buyers: Buyer[];
  signal?: AbortSignal;
}

export async function settleDecisions({ origin, databaseUrl, eventId, records, t0, timeoutMs, connections, state, buyers, signal }: SettleSpec): Promise<Verification | undefined> {
  for (const record of records) if (record.accepted) record.token = buyers[record.buyer]!.token;
  const deadline = performance.now() + timeoutMs;
  const accepted = records.filter((r) => r.accepted).length;
  Object.assign(state, { phase: 'v2 decisions', total: accepted, decided: 0 });
  const http = createHttp(origin, { connections: Math.min(connections, 64) });
  try {
    if (databaseUrl) {
      await waitInDatabase({ databaseUrl, eventId, records, t0, deadline, state, signal });
      state.phase = 'v2 read-back';
      return await verifyOverHttp({ http, records, concurrency: Math.min(connections, 64) });
    }
    await pollOverHttp({ http, records, t0, deadline, concurrency: Math.min(connections, 64), state, signal });
    return undefined;
  } finally {
    await http.close();
    for (const record of records) delete record.token;
  }
}

