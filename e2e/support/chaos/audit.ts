import type { ChaosWorld } from './chaos-world';
import { isHealthyAndReady } from './app-processes';
import { LIVENESS_BOUND_MS, patiently, type FaultRunResult } from './fault-run';
import { NETWORK_FAILURE, resend, type PurchaseRun } from './spike';

const FINAL_REFUSALS = ['SOLD_OUT', 'LIMIT_EXCEEDED'];

/**
 * What a buyer saw: a final answer for everyone, never a refused identical retry, and while a
 * dependency was down a prompt 503 with Retry-After, never a hang or a dropped connection.
 */
export function buyerAnswers(runs: PurchaseRun[], acceptedStatus: number) {
  const failures = runs.flatMap((run) => run.answers).filter((answer) => answer.status >= 500);
  return {
    noAnswer: failures.filter((answer) => answer.status === NETWORK_FAILURE),
    otherThan503WithRetryAfter: failures.filter((answer) => answer.status !== NETWORK_FAILURE && (answer.status !== 503 || !answer.retryAfter)),
    gaveUp: runs.filter((run) => !run.final).length,
    unexpectedFinals: runs.filter((run) => run.final && run.final.status !== acceptedStatus && !(run.final.status === 409 && FINAL_REFUSALS.includes(run.final.code ?? ''))).map((run) => run.final),
    refusedRetries: runs.flatMap((run) => run.answers).filter((answer) => answer.code === 'IDEMPOTENCY_KEY_REUSED').length,
  };
}

/** The sale's books: stock, orders and outcomes agree, and no buyer holds more than maxPerUser. */
export async function ledger(world: ChaosWorld, eventId: string) {
  const { rows } = await patiently(() =>
    world.deps.db.query<{
      allocated: number; available: number; sold: number; max_per_user: number; orders: string; ordered_units: string;
      confirmed: string; queued: string; other_failures: string; most_per_user: string | null;
    }>(
      `SELECT e.allocated_stock AS allocated, e.available_stock AS available, e.sold_quantity AS sold, e.max_per_user,
         (SELECT count(*) FROM orders o WHERE o.event_id = e.id) AS orders,
         (SELECT coalesce(sum(quantity), 0) FROM orders o WHERE o.event_id = e.id) AS ordered_units,
         (SELECT count(*) FROM purchase_requests r WHERE r.event_id = e.id AND r.status = 'confirmed') AS confirmed,
         (SELECT count(*) FROM purchase_requests r WHERE r.event_id = e.id AND r.status = 'queued') AS queued,
         (SELECT count(*) FROM purchase_requests r WHERE r.event_id = e.id AND r.status = 'failed'
            AND r.error_code NOT IN ('SOLD_OUT', 'LIMIT_EXCEEDED')) AS other_failures,
         (SELECT max(units) FROM (SELECT sum(quantity) AS units FROM orders o WHERE o.event_id = e.id GROUP BY user_id) u) AS most_per_user
       FROM flash_sale_events e WHERE e.id = $1`,
      [eventId],
    ),
  );
  const row = rows[0]!;
  return {
    balanced: row.available + row.sold === row.allocated,
    sold: row.sold,
    orderedUnits: Number(row.ordered_units),
    orders: Number(row.orders),
    confirmedRequests: Number(row.confirmed),
    undecidedRequests: Number(row.queued),
    failuresOtherThanRefusals: Number(row.other_failures),
    aboveMaxPerUser: Number(row.most_per_user ?? 0) > row.max_per_user,
  };
}

/** Every 202 maps to one request row; no key made two. */
export async function requestsMatchAnswers(world: ChaosWorld, result: FaultRunResult) {
  const accepted = result.runs.filter((run) => run.final?.status === 202);
  const ids = [...new Set(accepted.map((run) => run.final!.requestId!))];
  const { rows } = await patiently(() =>
    world.deps.db.query<{ rows: string; requests: string }>(
      `SELECT (SELECT count(*) FROM purchase_requests WHERE id = ANY($1::uuid[])) AS rows,
              (SELECT count(*) FROM purchase_requests WHERE event_id = $2) AS requests`,
      [ids, result.eventId],
    ),
  );
  return { accepted: accepted.length, distinctRequestIds: ids.length, rowsFound: Number(rows[0]!.rows), requestsOfSale: Number(rows[0]!.requests) };
}

/** Each accepted purchase sent once more, identically: how many got anything but the same answer. */
export async function identicalRetriesDiffering(urls: string[], path: string, runs: PurchaseRun[], acceptedStatus: number): Promise<unknown[]> {
  const accepted = runs.filter((run) => run.final?.status === acceptedStatus);
  const differing: unknown[] = [];
  for (let i = 0; i < accepted.length; i += 32) {
    await Promise.all(
      accepted.slice(i, i + 32).map(async (run, j) => {
        const again = await resend(urls[(i + j) % urls.length]!, path, run);
        const same = again.status === acceptedStatus && again.requestId === run.final!.requestId && again.orderId === run.final!.orderId;
        if (!same) differing.push({ first: run.final, again });
      }),
    );
  }
  return differing;
}

/** The figures every fault test asserts on, in one object (a failing test shows them all). */
export async function faultAudit(world: ChaosWorld, version: 'v1' | 'v2', result: FaultRunResult) {
  const acceptedStatus = version === 'v2' ? 202 : 201;
  const urls = world.of(version).map((proc) => proc.url);
  const path = version === 'v2' ? `/api/flashsale/${result.eventId}/purchase` : `/flashsale/${result.eventId}/purchase`;
  const processesDown = [];
  for (const proc of world.processes) if (!(await isHealthyAndReady(proc, 30_000).catch(() => false))) processesDown.push(proc.name);
  return {
    buyers: buyerAnswers(result.runs, acceptedStatus),
    decidedWithinBound: result.undecidedAfterBound === 0 && result.lastDecisionAt - result.returnedAt <= LIVENESS_BOUND_MS,
    ledger: await ledger(world, result.eventId),
    processesDown,
    identicalRetriesDiffering: await identicalRetriesDiffering(urls, path, result.runs, acceptedStatus),
  };
}
