import { randomUUID } from 'node:crypto';
import { DependencyUnavailable, isDependencyFailure, isPurchaseRefusal } from '@flashfast/shared';
import { BATCH_JOB_NAME, purchaseJobOptions, jobData, type PurchaseJob } from '../queues/purchase-queue';
import { groupBySale } from '../purchases/group-by-sale';
import { detachFromBatch, findOutcomes, type StoredOutcome } from '../purchases/purchase-requests.repository';
import type { Decision } from '../stock/sale-stock';
import { writeDecisions, type WriteItem, type WriteResult } from './batch-writer';
import { DecideAgain } from './job-failures';
import type { WorkerContext } from './worker-context';

/**
 * Most requests one decide-batch call carries. Redis runs a script to its end and serves no one
 * meanwhile: measured at ~20 us a request, 2,000 in one call would hold every API instance's
 * admissions for ~40 ms; 250 keep each hold to a few ms.
 */
const DECIDE_CALL_MAX = 250;

/** Redis's verdicts for some of one sale's requests in one script call, rebuilding the sale's counters first if Redis lost them. */
async function reserveChunk(ctx: WorkerContext, eventId: string, requests: PurchaseJob[], token: string): Promise<Decision[]> {
  const decisions = await ctx.stock.decideBatch(eventId, requests, token);
  if (decisions) return decisions;
  await ctx.stock.rebuildOrWait(eventId);
  const rebuilt = await ctx.stock.decideBatch(eventId, requests, token);
  if (!rebuilt) throw new DependencyUnavailable('stock counters are being rebuilt');
  return rebuilt;
}

/** Redis's verdicts for one sale's requests, in order, DECIDE_CALL_MAX per script call. */
async function reserve(ctx: WorkerContext, eventId: string, requests: PurchaseJob[], token: string): Promise<Decision[]> {
  const decisions: Decision[] = [];
  for (let from = 0; from < requests.length; from += DECIDE_CALL_MAX) {
    decisions.push(...(await reserveChunk(ctx, eventId, requests.slice(from, from + DECIDE_CALL_MAX), token)));
  }
  return decisions;
}

interface Plan {
  item: WriteItem;
  /** This run made the reservation (rather than finding an earlier run's). */
  fresh: boolean;
}

/** What to write for a verdict; a known outcome when there is nothing left to write. */
async function plan(ctx: WorkerContext, job: PurchaseJob, decision: Decision, token: string): Promise<Plan | StoredOutcome> {
  if (decision.kind === 'failed') return { item: { job, refusal: decision.code }, fresh: false };
  if (decision.kind === 'reserved') return { item: { job, reservation: token }, fresh: true };
  const [kind, detail, earlierToken] = decision.marker.split(':');
  if (kind === 'R' && earlierToken) return { item: { job, reservation: earlierToken }, fresh: false };
  if (kind === 'F' && detail && isPurchaseRefusal(detail)) return { item: { job, refusal: detail }, fresh: false };
  // Released earlier (dead-lettered, or decided elsewhere): PostgreSQL knows the outcome.
  const known = (await findOutcomes(ctx.deps.db, [job.requestId])).get(job.requestId);
  if (known && known.outcome.status !== 'queued') return known;
  await ctx.stock.forgetDecision(job.eventId, job.requestId);
  throw new DecideAgain('reservation was released but the request is undecided; deciding again');
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

/**
 * Writes the batch in one transaction. If that fails for a reason other than a dependency, one
 * purchase may be poisoning it (a row PostgreSQL refuses): each is then written alone, and one
 * that fails alone is split off into a job of its own, to be retried and dead-lettered alone
 * while the rest of the batch is decided.
 */
async function writeIsolating(ctx: WorkerContext, requests: PurchaseJob[], items: WriteItem[]): Promise<Map<string, WriteResult>> {
  try {
    return await writeDecisions(ctx.deps, items);
  } catch (error) {
    if (isDependencyFailure(error) || requests.length === 1) throw error;
    ctx.deps.logger.warn({ err: error, count: items.length }, 'batch write failed; writing its purchases one by one');
    const results = new Map<string, WriteResult>();
    const poisoned: PurchaseJob[] = [];
    for (const item of items) {
      try {
        for (const [id, result] of await writeDecisions(ctx.deps, [item])) results.set(id, result);
      } catch (alone) {
        if (isDependencyFailure(alone)) throw alone;
        poisoned.push(item.job);
      }
    }
    await splitOff(ctx, poisoned);
    return results;
  }
}

/** Each request gets a job of its own under its own id; its row says so first (the reconciler's map). */
async function splitOff(ctx: WorkerContext, requests: PurchaseJob[]): Promise<void> {
  if (requests.length === 0) return;
  await detachFromBatch(ctx.deps.db, requests.map((request) => request.requestId));
  for (const request of requests) {
    await ctx.queues.purchases.add(BATCH_JOB_NAME, { eventId: request.eventId, requests: [jobData(request)] }, purchaseJobOptions(ctx.deps.config, request.requestId));
  }
  ctx.deps.logger.warn({ requestIds: requests.map((request) => request.requestId) }, 'purchases split off their batch to be retried alone');
}

interface Decided {
  job: PurchaseJob;
  stored: StoredOutcome;
  decidedNow: boolean;
}

/** One message for the whole batch (the API instances fan it out to the buyers' rooms), one coalesced stock push per sale. */
function report(ctx: WorkerContext, decided: Decided[]): void {
  if (decided.length === 0) return;
  ctx.notifier.purchasesDecided(decided.map(({ job, stored }) => ({ userId: job.userId, outcome: stored.outcome })));
  const counts = new Map<string, number>();
  const soldFrom = new Set<string>();
  for (const { job, stored, decidedNow } of decided) {
    if (!decidedNow) continue;
    const { outcome } = stored;
    const label = outcome.status === 'confirmed' ? 'confirmed' : (outcome.error?.code ?? 'failed');
    counts.set(label, (counts.get(label) ?? 0) + 1);
    if (outcome.status === 'confirmed') soldFrom.add(job.eventId);
  }
  for (const eventId of soldFrom) ctx.notifier.stockChanged(eventId);
  for (const [outcome, count] of counts) ctx.deps.metrics.purchases.inc({ version: 'v2', outcome }, count);
}

/**
 * Decides queued requests, of one sale or several: Redis reserves or refuses them (a few script
 * calls per sale), PostgreSQL records them (one transaction), and the buyers hear of them (one
 * message). Returns the ids of the requests that now have an outcome; a request split off to be
 * retried alone has none yet.
 */
export async function decidePurchases(ctx: WorkerContext, requests: PurchaseJob[]): Promise<Set<string>> {
  const token = randomUUID();
  const plans = new Map<string, Plan>();
  const decided: Decided[] = [];
  for (const [eventId, ofSale] of groupBySale(requests)) {
    const decisions = await reserve(ctx, eventId, ofSale, token);
    for (const [index, job] of ofSale.entries()) {
      const next = await plan(ctx, job, decisions[index]!, token);
      if ('item' in next) plans.set(job.requestId, next);
      else decided.push({ job, stored: next, decidedNow: false });
    }
  }
  const results = plans.size === 0 ? new Map<string, WriteResult>() : await writeIsolating(ctx, requests, [...plans.values()].map((p) => p.item));
  for (const job of requests) {
    const result = results.get(job.requestId);
    const planned = plans.get(job.requestId);
    if (!result || !planned) continue;
    await settle(ctx, job, result, planned);
    decided.push({ job, stored: result, decidedNow: result.decidedNow });
  }
  report(ctx, decided);
  return new Set(decided.map(({ job }) => job.requestId));
}
