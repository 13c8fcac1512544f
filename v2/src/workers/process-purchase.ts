import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { isPurchaseRefusal, type Batcher, type Deps } from '@flashfast/shared';
import type { PurchaseJob, PurchaseQueues } from '../queues/purchase-queue';
import { findOutcomes, setDeadLettered, type PurchaseOutcome, type StoredOutcome } from '../purchases/purchase-requests.repository';
import type { Notifier } from '../realtime/notifier';
import type { Decision, SaleStock } from '../stock/sale-stock';
import type { WriteItem, WriteResult } from './order-writer';

export interface WorkerContext {
  deps: Deps;
  stock: SaleStock;
  writer: Batcher<WriteItem, WriteResult>;
  notifier: Notifier;
  queues: PurchaseQueues;
}

/** Redis's verdict, rebuilding the sale's counters from PostgreSQL first if Redis lost them. */
async function reserve(ctx: WorkerContext, job: PurchaseJob, token: string): Promise<Decision> {
  const decision = await ctx.stock.decide(job, job.acceptedAt, token);
  if (decision.kind !== 'missing') return decision;
  await ctx.stock.rebuildOrWait(job.eventId);
  return ctx.stock.decide(job, job.acceptedAt, token);
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
      throw new Error('stock counters are being rebuilt');
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
  throw new Error('reservation was released but the request is undecided; deciding again');
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

/** The last attempt failed: give the units back (unless PostgreSQL did confirm) and park the job for an operator. */
async function deadLetter(ctx: WorkerContext, job: Job<PurchaseJob>, error: unknown): Promise<void> {
  const reason = error instanceof Error ? error.message : String(error);
  const stored = await findOutcomes(ctx.deps.db, [job.data.requestId]).catch(() => undefined);
  if (stored?.get(job.data.requestId)?.outcome.status !== 'confirmed') await ctx.stock.release(job.data).catch(() => undefined);
  await ctx.queues.deadLetters.add(
    'dead-letter',
    { ...job.data, reason, attempts: job.attemptsMade + 1, deadLetteredAt: new Date().toISOString() },
    { jobId: job.data.requestId },
  );
  await setDeadLettered(ctx.deps.db, job.data.requestId, true).catch(() => undefined);
  ctx.deps.logger.error({ requestId: job.data.requestId, reason }, 'purchase dead-lettered');
}

/** The BullMQ processor: a domain refusal is a decision (the job completes); an infrastructure error retries. */
export async function processPurchase(ctx: WorkerContext, job: Job<PurchaseJob>): Promise<PurchaseOutcome> {
  try {
    return await decide(ctx, job.data);
  } catch (error) {
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade + 1 >= attempts) await deadLetter(ctx, job, error);
    throw error;
  }
}
