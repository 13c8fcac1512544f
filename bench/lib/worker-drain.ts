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
 * Requests of the sale still queued: polled while the worker runs, so it must stay cheap (an
 * index-only count of the shrinking queued part), or the bench's own polling would take
 * PostgreSQL CPU from the worker it measures.
 */
async function countQueued(client: pg.Client, eventId: string): Promise<number> {
  const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM purchase_requests WHERE event_id = $1 AND status = 'queued'`, [eventId]);
  return rows[0]!.n;
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
    const spawnedAt = performance.now();
    await startWorker();
    let firstDecisionAt: number | undefined;
    let stopMeter: (() => CpuUse) | undefined;
    const deadline = spawnedAt + timeoutMs;
    while (performance.now() < deadline) {
      const queued = await countQueued(client, eventId);
      if (firstDecisionAt === undefined && queued < backlog) {
        firstDecisionAt = performance.now();
        stopMeter = meter?.();
      }
      if (queued === 0) break;
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

