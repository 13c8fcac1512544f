import type { Job } from 'bullmq';
import { isPurchaseRefusal, type Batcher, type Deps } from '@flashfast/shared';
import type { PurchaseJob, PurchaseQueues } from '../queues/purchase-queue';
import { findOutcomes, setDeadLettered, type PurchaseOutcome } from '../purchases/purchase-requests.repository';
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
async function reserve(ctx: WorkerContext, job: PurchaseJob): Promise<Decision> {
  const decision = await ctx.stock.decide(job, job.acceptedAt);
  if (decision.kind !== 'missing') return decision;
  await ctx.stock.rebuildOrWait(job.eventId);
  return ctx.stock.decide(job, job.acceptedAt);
}

/** What to write for a verdict, and whether this run made a new reservation. */
async function toWriteItem(ctx: WorkerContext, job: PurchaseJob, decision: Decision): Promise<{ item: WriteItem; fresh: boolean } | PurchaseOutcome> {
  switch (decision.kind) {
    case 'missing':
      throw new Error('stock counters are being rebuilt');
    case 'failed':
      return { item: { job, refusal: decision.code }, fresh: false };
    case 'reserved':
      return { item: { job }, fresh: true };
  }
  const code = decision.marker.slice(2);
  if (decision.marker.startsWith('R:')) return { item: { job }, fresh: false };
  if (decision.marker.startsWith('F:') && isPurchaseRefusal(code)) return { item: { job, refusal: code }, fresh: false };
  // Released earlier (dead-lettered, or decided elsewhere): PostgreSQL knows the outcome.
  const known = (await findOutcomes(ctx.deps.db, [job.requestId])).get(job.requestId);
  if (known && known.status !== 'queued') return known;
  await ctx.stock.forgetDecision(job.eventId, job.requestId);
  throw new Error('reservation was released but the request is undecided; deciding again');
}

/** Keeps Redis in line when PostgreSQL's outcome differs from the reservation Redis made. */
async function settleReservation(ctx: WorkerContext, job: PurchaseJob, result: WriteResult, fresh: boolean): Promise<void> {
  if (result.decidedNow && result.outcome.status === 'confirmed') return;
  if (!result.decidedNow) {
    // Decided before this run (a re-queued duplicate): a reservation made now is surplus.
    if (fresh) await ctx.stock.release(job);
    return;
  }
  // PostgreSQL, the last guard, refused what Redis reserved: Redis counted wrong.
  if (result.outcome.error?.code === 'SOLD_OUT') await ctx.stock.syncSoldOut(job.eventId);
  else await ctx.stock.release(job);
}

async function decide(ctx: WorkerContext, job: PurchaseJob): Promise<PurchaseOutcome> {
  const next = await toWriteItem(ctx, job, await reserve(ctx, job));
  if (!('item' in next)) {
    ctx.notifier.purchaseDecided(job.userId, next);
    return next;
  }
  const result = await ctx.writer.submit(next.item);
  if (!next.item.refusal) await settleReservation(ctx, job, result, next.fresh);
  const { userId: _userId, ...outcome } = result.outcome;
  ctx.notifier.purchaseDecided(job.userId, outcome);
  if (result.decidedNow && outcome.status === 'confirmed') ctx.notifier.stockChanged(job.eventId);
  ctx.deps.metrics.purchases.inc({ version: 'v2', outcome: outcome.status === 'confirmed' ? 'confirmed' : (outcome.error?.code ?? 'failed') });
  return outcome;
}

/** The last attempt failed: give the units back and park the job for an operator. */
async function deadLetter(ctx: WorkerContext, job: Job<PurchaseJob>, error: unknown): Promise<void> {
  const reason = error instanceof Error ? error.message : String(error);
  await ctx.stock.release(job.data).catch(() => undefined);
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
