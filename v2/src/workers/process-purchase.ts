import { randomUUID } from 'node:crypto';
import { UnrecoverableError, type Job } from 'bullmq';
import { DependencyUnavailable, isPurchaseRefusal, type Batcher, type Deps } from '@flashfast/shared';
import { recordDeadLetter } from '../queues/dead-letter-store';
import type { PurchaseJob, PurchaseQueues } from '../queues/purchase-queue';
import { findOutcomes, type PurchaseOutcome, type StoredOutcome } from '../purchases/purchase-requests.repository';
import type { Notifier } from '../realtime/notifier';
import type { Decision, SaleStock } from '../stock/sale-stock';
import type { WriteItem, WriteResult } from './order-writer';
import type { RetryPolicy } from './retry-policy';

export interface WorkerContext {
  deps: Deps;
  stock: SaleStock;
  writer: Batcher<WriteItem, WriteResult>;
  notifier: Notifier;
  queues: PurchaseQueues;
  retry: RetryPolicy;
}

/** Redis's verdict, rebuilding the sale's counters from PostgreSQL first if Redis lost them. */
async function reserve(ctx: WorkerContext, job: PurchaseJob, token: string): Promise<Decision> {
  const decision = await ctx.stock.decide(job, token);
  if (decision.kind !== 'missing') return decision;
  await ctx.stock.rebuildOrWait(job.eventId);
  return ctx.stock.decide(job, token);
}

interface Plan {
  item: WriteItem;
  /** This run made the reservation (rather than finding an earlier run's). */
  fresh: boolean;
}

/** What to write for a verdict; a known outcome when there is nothing left to write. */
async function plan(ctx: WorkerContext, job: PurchaseJob, decision: Decision, token: string): Promise<Plan | StoredOutcome> {
  switch (decision.kind) {
    case 'missing':
      throw new DependencyUnavailable('stock counters are being rebuilt');
    case 'failed':
      return { item: { job, refusal: decision.code }, fresh: false };
    case 'reserved':
      return { item: { job, reservation: token }, fresh: true };
  }
  const [kind, detail, earlierToken] = decision.marker.split(':');
  if (kind === 'R' && earlierToken) return { item: { job, reservation: earlierToken }, fresh: false };
  if (kind === 'F' && detail && isPurchaseRefusal(detail)) return { item: { job, refusal: detail }, fresh: false };
  // Released earlier (dead-lettered, or decided elsewhere): PostgreSQL knows the outcome.
  const known = (await findOutcomes(ctx.deps.db, [job.requestId])).get(job.requestId);
  if (known && known.outcome.status !== 'queued') return known;
  await ctx.stock.forgetDecision(job.eventId, job.requestId);
  throw new DependencyUnavailable('reservation was released but the request is undecided; deciding again');
}

/**
 * Keeps Redis in line with PostgreSQL's outcome. A reservation stays only if PostgreSQL
 * confirmed the request with it; a re-delivered job (stalled lock, Redis flush) may have
 * reserved again for a request that an earlier reservation already confirmed.
 */
async function settle(ctx: WorkerContext, job: PurchaseJob, result: WriteResult, planned: Plan): Promise<void> {
  if (planned.item.refusal) return;
  const mine = planned.item.reservation;
  if (result.outcome.status === 'confirmed') {
    if (planned.fresh && result.reservation !== mine) await ctx.stock.release(job, mine);
    return;
  }
  // PostgreSQL refused (or had refused) what Redis reserved: the units go back, and if
  // PostgreSQL, the last guard, has none left, neither has Redis.
  await ctx.stock.release(job, mine);
  if (result.outcome.error?.code === 'SOLD_OUT') await ctx.stock.syncSoldOut(job.eventId);
}

function report(ctx: WorkerContext, job: PurchaseJob, stored: StoredOutcome, decidedNow: boolean): PurchaseOutcome {
  const { outcome } = stored;
  ctx.notifier.purchaseDecided(job.userId, outcome);
  if (!decidedNow) return outcome;
  if (outcome.status === 'confirmed') ctx.notifier.stockChanged(job.eventId);
  ctx.deps.metrics.purchases.inc({ version: 'v2', outcome: outcome.status === 'confirmed' ? 'confirmed' : (outcome.error?.code ?? 'failed') });
  return outcome;
}

async function decide(ctx: WorkerContext, job: PurchaseJob): Promise<PurchaseOutcome> {
  const token = randomUUID();
  const next = await plan(ctx, job, await reserve(ctx, job, token), token);
  if (!('item' in next)) return report(ctx, job, next, false);
  const result = await ctx.writer.submit(next.item);
  await settle(ctx, job, result, next);
  return report(ctx, job, result, result.decidedNow);
}

/**
 * The BullMQ processor: a domain refusal is a decision (the job completes). A failure is retried
 * as the retry policy says; once it gives up, the request is dead-lettered with the cause, and a
 * failure that is not the infrastructure's stops BullMQ's remaining attempts.
 */
export async function processPurchase(ctx: WorkerContext, job: Job<PurchaseJob>): Promise<PurchaseOutcome> {
  try {
    return await decide(ctx, job.data);
  } catch (error) {
    const attemptsMade = job.attemptsMade + 1;
    const verdict = ctx.retry.afterFailure(error, attemptsMade);
    if (verdict.retry) throw error;
    await recordDeadLetter(ctx, job.data, verdict.cause, error, attemptsMade);
    throw verdict.cause === 'processing' ? new UnrecoverableError((error as Error).message) : error;
  }
}
