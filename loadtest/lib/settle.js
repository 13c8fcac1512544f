// v2 after the spike: wait until the worker has decided every accepted (202) request.
// With database access the decision times are PostgreSQL's own (decided_at), and the status
// endpoint is read once at the end to check it agrees; without, the status endpoint is polled.
const { performance } = require('node:perf_hooks');
const { setTimeout: sleep } = require('node:timers/promises');
const pg = require('pg');
const { createHttp, mapLimit } = require('./http');

const POLL_MS = 100;

/** The outcome the status endpoint gives, as a decision; undefined while still queued. */
function decisionOf(body, atMs) {
  if (!body || !['confirmed', 'failed'].includes(body.status)) return undefined;
  return { status: body.status, code: body.error?.code, orderId: body.order?.id, atMs };
}

async function waitInDatabase({ databaseUrl, eventId, records, t0, deadline, state, signal }) {
  const accepted = records.filter((r) => r.accepted);
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'flashfast-loadtest' });
  await client.connect();
  try {
    while (performance.now() < deadline && !signal?.aborted) {
      const { rows } = await client.query(
        `SELECT count(*) FILTER (WHERE status <> 'queued')::int AS decided FROM purchase_requests WHERE event_id = $1`,
        [eventId],
      );
      state.decided = rows[0].decided;
      if (state.decided >= accepted.length) break;
      await sleep(POLL_MS);
    }
    const { rows } = await client.query(
      `SELECT id, status, error_code, order_id, (extract(epoch from decided_at) * 1000)::float8 AS decided_ms
       FROM purchase_requests WHERE event_id = $1`,
      [eventId],
    );
    // PostgreSQL's clock and ours are the same machine's: place its times on the spike's axis.
    const originEpochMs = performance.timeOrigin + t0;
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const record of accepted) {
      const row = byId.get(record.requestId);
      if (!row || row.status === 'queued') continue;
      record.decision = { status: row.status, code: row.error_code ?? undefined, orderId: row.order_id ?? undefined, atMs: row.decided_ms - originEpochMs };
    }
  } finally {
    await client.end();
  }
}

async function pollOverHttp({ http, records, t0, deadline, concurrency, state, signal }) {
  let pending = records.filter((r) => r.accepted && !r.decision);
  while (pending.length > 0 && performance.now() < deadline && !signal?.aborted) {
    const roundStart = performance.now();
    await mapLimit(pending, concurrency, async (record) => {
      if (performance.now() >= deadline) return;
      const response = await http.json('GET', record.statusUrl, { token: record.token }).catch(() => undefined);
      const decision = response?.status === 200 ? decisionOf(response.body, performance.now() - t0) : undefined;
      if (decision) {
        record.decision = decision;
        state.decided += 1;
      }
    });
    pending = pending.filter((r) => !r.decision);
    const elapsed = performance.now() - roundStart;
    if (pending.length > 0 && elapsed < POLL_MS) await sleep(POLL_MS - elapsed);
  }
}

/** Reads every decided request back from the status endpoint: it must say what PostgreSQL says. */
async function verifyOverHttp({ http, records, concurrency }) {
  const decided = records.filter((r) => r.accepted && r.decision);
  let mismatches = 0;
  await mapLimit(decided, concurrency, async (record) => {
    const response = await http.json('GET', record.statusUrl, { token: record.token }).catch(() => undefined);
    const seen = response?.status === 200 ? decisionOf(response.body, 0) : undefined;
    const same = seen && seen.status === record.decision.status && seen.code === record.decision.code && seen.orderId === record.decision.orderId;
    if (!same) mismatches += 1;
  });
  return { checked: decided.length, mismatches };
}

/**
 * Fills `record.decision` for every accepted record (those still undecided at the deadline stay
 * without). Returns the verification figures, or undefined when decisions came from polling.
 */
async function settleDecisions({ origin, databaseUrl, eventId, records, t0, timeoutMs, connections, state, buyers, signal }) {
  for (const record of records) if (record.accepted) record.token = buyers[record.buyer].token;
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

module.exports = { settleDecisions, decisionOf };
