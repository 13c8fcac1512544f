import { isDependencyFailure, type Deps } from '@flashfast/shared';
import { replayInfrastructureDeadLetters } from '../queues/dead-letter-store';
import { markDeadLettered } from '../queues/dead-letters.repository';
import { queueBatch, type PurchaseQueues } from '../queues/purchase-queue';
import {
  detachFromBatch,
  findQueuedOfBatch,
  findStaleQueuedRequests,
  findStillQueued,
  type StoredRequest,
} from '../purchases/purchase-requests.repository';
import { withLock } from '../stock/redis-lock';
import type { SaleStock } from '../stock/sale-stock';
import { sweepOrphanedAdmissions } from './orphan-sweep';
import { failureCause } from './retry-policy';

export interface ReconcilePass {
  /** Requests queued again because their job was lost. */
  requeued: number;
  /** Admissions undone because their request row was never written. */
  orphans: number;
  /** Requests dead-lettered for an infrastructure reason, queued again. */
  replayed: number;
}

/** Undecided requests by the job that carries them (a batch is one sale's). */
function byBatch(requests: StoredRequest[]): Map<string, StoredRequest[]> {
  const batches = new Map<string, StoredRequest[]>();
  for (const request of requests) batches.set(request.batchId, [...(batches.get(request.batchId) ?? []), request]);
  return batches;
}

/**
 * The stale requests of one batch, by the state of its job: a failed job's are recorded as dead
 * letters; a lost job is queued again under its id with every undecided request of the batch
 * (its id can be used once: not only the part already stale); a job that completed without some
 * of them (it was queued again with part of its batch) leaves each to a job of its own. Returns
 * how many requests were queued again.
 */
async function repairBatch(deps: Deps, queues: PurchaseQueues, batchId: string, stale: StoredRequest[]): Promise<number> {
  const state = await queues.purchases.getJobState(batchId);
  if (state === 'failed') {
    // Its attempts are spent but they were not recorded as dead letters (PostgreSQL was down then).
    const reason = (await queues.purchases.getJob(batchId))?.failedReason ?? 'job failed';
    for (const request of stale) await markDeadLettered(deps.db, request.requestId, failureCause(new Error(reason)), reason);
    return 0;
  }
  if (state === 'unknown') {
    const accepted = stale.map((request) => request.acceptedAt);
    const requests = await findQueuedOfBatch(deps.db, batchId, Math.min(...accepted), Math.max(...accepted));
    if (requests.length > 0) await queueBatch(queues, deps.config, batchId, requests);
    return requests.length;
  }
  if (state !== 'completed') return 0;
  // Read again: the job may have decided them since the scan.
  const left = await findStillQueued(deps.db, stale.map((request) => request.requestId));
  if (left.length === 0) return 0;
  await detachFromBatch(deps.db, left.map((request) => request.requestId));
  for (const request of left) {
    if (request.requestId === batchId) await (await queues.purchases.getJob(batchId))?.remove();
    await queueBatch(queues, deps.config, request.requestId, [request]);
  }
  return left.length;
}

export interface Reconciler {
  runOnce(): Promise<ReconcilePass>;
  stop(): Promise<void>;
}

/**
 * Keeps the promise of a 202 when Redis forgets: every undecided request in PostgreSQL
 * older than RECONCILE_MIN_AGE_MS must have a job; if its batch's has gone (Redis flushed or
 * restarted, a crash between the INSERT and the add), the batch is queued again under its id.
 * It also sweeps admissions orphaned by a dead API instance (see orphan-sweep.ts), and replays
 * requests dead-lettered because a dependency was down: the pass just reached both.
 * One process at a time does the pass (a Redis lock), every RECONCILE_INTERVAL_MS.
 */
export function startReconciler(deps: Deps, queues: PurchaseQueues, stock: SaleStock): Reconciler {
  const lockKey = `${deps.config.REDIS_KEY_PREFIX}reconciler-lock`;
  let running: Promise<ReconcilePass> | undefined;

  async function repair(): Promise<ReconcilePass> {
    let requeued = 0;
    const stale = await findStaleQueuedRequests(deps.db, deps.config.RECONCILE_MIN_AGE_MS, 1000);
    for (const [batchId, requests] of byBatch(stale)) requeued += await repairBatch(deps, queues, batchId, requests);
    const orphans = await sweepOrphanedAdmissions(deps, stock);
    if (requeued > 0 || orphans > 0) deps.logger.warn({ requeued, orphans }, 'reconciler repaired lost purchase requests');
    const replayed = (await replayInfrastructureDeadLetters({ deps, stock, queues }, deps.config.DEAD_LETTER_REPLAY_MAX)).length;
    return { requeued, orphans, replayed };
  }

  const pass = async (): Promise<ReconcilePass> =>
    (await withLock(deps.redis, lockKey, deps.config.RECONCILE_INTERVAL_MS * 3, repair)) ?? { requeued: 0, orphans: 0, replayed: 0 };

  const runOnce = () => {
    running ??= pass().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => {
    // A dependency that is down is reported by its connection's log; the next pass tries again.
    runOnce().catch((error: unknown) => isDependencyFailure(error) || deps.logger.warn({ err: error }, 'reconciler pass failed'));
  }, deps.config.RECONCILE_INTERVAL_MS);
  timer.unref();

  return {
    runOnce,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
