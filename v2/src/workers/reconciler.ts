import { randomUUID } from 'node:crypto';
import { isDependencyFailure, type Deps } from '@flashfast/shared';
import { replayInfrastructureDeadLetters } from '../queues/dead-letter-store';
import { markDeadLettered } from '../queues/dead-letters.repository';
import { queueBatch, type PurchaseQueues } from '../queues/purchase-queue';
import { findStaleQueuedRequests, type StoredRequest } from '../purchases/purchase-requests.repository';
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

export interface Reconciler {
  runOnce(): Promise<ReconcilePass>;
  stop(): Promise<void>;
}

/**
 * Keeps the promise of a 202 when Redis forgets: every undecided request in PostgreSQL
 * older than RECONCILE_MIN_AGE_MS must have a job; if it has none (Redis flushed or
 * restarted, a crash between the INSERT and the add), it is queued again under its own id.
 * It also sweeps admissions orphaned by a dead API instance (see orphan-sweep.ts), and replays
 * requests dead-lettered because a dependency was down: the pass just reached both.
 * One process at a time does the pass (a Redis lock), every RECONCILE_INTERVAL_MS.
 */
export function startReconciler(deps: Deps, queues: PurchaseQueues, stock: SaleStock): Reconciler {
  const lockKey = `${deps.config.REDIS_KEY_PREFIX}reconciler-lock`;
  const owner = randomUUID();
  let running: Promise<ReconcilePass> | undefined;

  async function pass(): Promise<ReconcilePass> {
    const interval = deps.config.RECONCILE_INTERVAL_MS;
    if ((await deps.redis.set(lockKey, owner, 'PX', interval * 3, 'NX')) !== 'OK') return { requeued: 0, orphans: 0, replayed: 0 };
    let requeued = 0;
    try {
      const stale = await findStaleQueuedRequests(deps.db, deps.config.RECONCILE_MIN_AGE_MS, 1000);
      for (const [batchId, requests] of byBatch(stale)) {
        const state = await queues.purchases.getJobState(batchId);
        if (state === 'failed') {
          // Its attempts are spent but it was not recorded as a dead letter (PostgreSQL was down then).
          const reason = (await queues.purchases.getJob(batchId))?.failedReason ?? 'job failed';
          for (const request of requests) await markDeadLettered(deps.db, request.requestId, failureCause(new Error(reason)), reason);
        } else if (state === 'unknown') {
          // Queued again under the same id: a late duplicate add of the lost job is ignored.
          await queueBatch(queues, deps.config, batchId, requests);
          requeued += requests.length;
        }
      }
      const orphans = await sweepOrphanedAdmissions(deps, stock);
      if (requeued > 0 || orphans > 0) deps.logger.warn({ requeued, orphans }, 'reconciler repaired lost purchase requests');
      const replayed = (await replayInfrastructureDeadLetters({ deps, stock, queues }, deps.config.DEAD_LETTER_REPLAY_MAX)).length;
      return { requeued, orphans, replayed };
    } finally {
      if ((await deps.redis.get(lockKey)) === owner) await deps.redis.del(lockKey);
    }
  }

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
