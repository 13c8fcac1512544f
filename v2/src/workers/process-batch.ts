import { UnrecoverableError, type Job } from 'bullmq';
import { recordDeadLetter } from '../queues/dead-letter-store';
import type { BatchJob, PurchaseJob } from '../queues/purchase-queue';
import { findOutcomes } from '../purchases/purchase-requests.repository';
import { decidePurchases } from './decide-purchases';
import type { WorkerContext } from './worker-context';

/** The requests of a batch PostgreSQL still has undecided (all of them if it cannot say). */
async function undecided(ctx: WorkerContext, requests: PurchaseJob[]): Promise<PurchaseJob[]> {
  const stored = await findOutcomes(ctx.deps.db, requests.map((request) => request.requestId)).catch(() => undefined);
  return stored ? requests.filter((request) => stored.get(request.requestId)?.outcome.status === 'queued') : requests;
}

/**
 * A job on its first attempt is decided together with the other jobs the worker holds (one
 * Lua call per 250 requests, one transaction: decision-batches.ts). A job that failed once is decided
 * alone from then on, so that whatever made it fail cannot fail its neighbours again.
 */
async function decide(ctx: WorkerContext, job: Job<BatchJob>): Promise<number> {
  const { requests } = job.data;
  if (job.attemptsMade === 0) return ctx.together.submit(requests);
  return (await decidePurchases(ctx, requests)).size;
}

/**
 * The BullMQ processor of a batch job: a domain refusal is a decision. A failure of the batch
 * (a dependency down) is retried as the retry policy says; once it gives up, each request still
 * undecided is dead-lettered with the cause, and a failure that is not the infrastructure's
 * stops BullMQ's remaining attempts. Returns how many requests it decided.
 */
export async function processBatch(ctx: WorkerContext, job: Job<BatchJob>): Promise<number> {
  try {
    return await decide(ctx, job);
  } catch (error) {
    const attemptsMade = job.attemptsMade + 1;
    const verdict = ctx.retry.afterFailure(error, attemptsMade);
    if (verdict.retry) throw error;
    for (const request of await undecided(ctx, job.data.requests)) await recordDeadLetter(ctx, request, verdict.cause, error, attemptsMade);
    throw verdict.cause === 'processing' ? new UnrecoverableError((error as Error).message) : error;
  }
}
