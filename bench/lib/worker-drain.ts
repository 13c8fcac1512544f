// How fast one v2 worker decides a queue it finds full: started on a backlog, timed until
// PostgreSQL has every request decided.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { CpuUse } from '../../scripts/lib/machine';
import { withClient } from '../../scripts/lib/databases';

interface Counts {
  total: number;
  decided: number;
  confirmed: number;
  decided_span_s: number | null;
}

async function countRequests(client: pg.Client, eventId: string): Promise<Counts> {
  const { rows } = await client.query<Counts>(
    `SELECT count(*)::int AS total, count(*) FILTER (WHERE status <> 'queued')::int AS decided,
            count(*) FILTER (WHERE status = 'confirmed')::int AS confirmed,
            extract(epoch from max(decided_at) - min(decided_at))::float8 AS decided_span_s
     FROM purchase_requests WHERE event_id = $1`,
    [eventId],
  );
  return rows[0]!;
}

/**
 * Whether the sale has a request still queued, and whether one was decided: polled while the
 * worker runs, so each is one index probe that stops at the first row. A count of the queued
 * rows (100,000 at the start) ten times a second took PostgreSQL CPU from the worker it measured.
 */
async function pollState(client: pg.Client, eventId: string): Promise<{ anyQueued: boolean; anyDecided: boolean }> {
  const { rows } = await client.query<{ any_queued: boolean; any_decided: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM purchase_requests WHERE event_id = $1 AND status = 'queued') AS any_queued,
            EXISTS (SELECT 1 FROM purchase_requests WHERE event_id = $1 AND status <> 'queued') AS any_decided`,
    [eventId],
  );
  return { anyQueued: rows[0]!.any_queued, anyDecided: rows[0]!.any_decided };
}

export interface DrainSpec {
  databaseUrl: string;
  eventId: string;
  startWorker: () => Promise<void>;
  meter?: () => () => CpuUse;
  timeoutMs?: number;
}

export interface WorkerDrain {
  backlog: number;
  decided: number;
  confirmed: number;
  wallSeconds: number;
  perSecondWall: number;
  decidedSpanSeconds: number | null;
  perSecond: number | null;
  firstDecisionAfterSeconds: number | null;
  complete: boolean;
  cpuWhileDeciding: CpuUse | undefined;
}

/**
 * `startWorker()` starts the worker process (resolves once spawned). Polls every 100 ms until the
 * event has no queued request left. Wall time counts from the spawn (process start-up included);
 * the processing rate counts from the first decision PostgreSQL records to the last. `meter()`,
 * if given, starts a CPU meter at the first decision seen (scripts/lib/machine.ts cpuMeter).
 */
export async function timeWorkerDrain({ databaseUrl, eventId, startWorker, meter, timeoutMs = 180_000 }: DrainSpec): Promise<WorkerDrain> {
  return withClient(databaseUrl, async (client) => {
    const before = await countRequests(client, eventId);
    const backlog = before.total - before.decided;
    // The first decision is seen as "one is decided": the sale must start with none.
    if (before.decided > 0) throw new Error('timeWorkerDrain needs a sale with nothing decided yet');
    const spawnedAt = performance.now();
    await startWorker();
    let firstDecisionAt: number | undefined;
    let stopMeter: (() => CpuUse) | undefined;
    const deadline = spawnedAt + timeoutMs;
    while (performance.now() < deadline) {
      const { anyQueued, anyDecided } = await pollState(client, eventId);
      if (firstDecisionAt === undefined && anyDecided) {
        firstDecisionAt = performance.now();
        stopMeter = meter?.();
      }
      if (!anyQueued) break;
      await sleep(100);
    }
    const doneAt = performance.now();
    const cpuWhileDeciding = stopMeter?.();
    const now = await countRequests(client, eventId);
    const decided = now.decided - before.decided;
    return {
      backlog,
      decided,
      confirmed: now.confirmed,
      wallSeconds: (doneAt - spawnedAt) / 1000,
      perSecondWall: (decided * 1000) / (doneAt - spawnedAt),
      // PostgreSQL's own decided_at span: the worker's pace once it runs, without start-up or polling.
      decidedSpanSeconds: now.decided_span_s,
      perSecond: now.decided_span_s && now.decided_span_s > 0 ? decided / now.decided_span_s : null,
      firstDecisionAfterSeconds: firstDecisionAt === undefined ? null : (firstDecisionAt - spawnedAt) / 1000,
      complete: now.decided >= now.total,
      // CPU from the first decision seen to the last: the worker's cost per order, start-up excluded.
      cpuWhileDeciding,
    };
  });
}

