import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { closeRedis, isDependencyFailure, logConnectionState, publishSafely, type Deps } from '@flashfast/shared';
import { createPurchaseQueues, createQueueConnection, PURCHASE_QUEUE, queuePrefix, type BatchJob, type PurchaseQueues } from '../queues/purchase-queue';
import { createEmitterNotifier } from '../realtime/notifier';
import { SaleStock } from '../stock/sale-stock';
import { startHeartbeat } from '../queues/worker-heartbeats';
import { decidePurchases } from './decide-purchases';
import { createDecisionBatches } from './decision-batches';
import { processBatch } from './process-batch';
import type { WorkerContext } from './worker-context';
import { startReconciler, type Reconciler } from './reconciler';
import { BACKOFF_TYPE, retryPolicy } from './retry-policy';

export interface PurchaseWorker {
  worker: Worker<BatchJob>;
  context: WorkerContext;
  reconciler: Reconciler;
  /** Graceful: finishes active jobs, writes pending batches and stock messages, then disconnects. */
  close(): Promise<void>;
}

/** Everything a worker process runs: the BullMQ worker deciding batch jobs, the reconciler. */
export function startPurchaseWorker(deps: Deps): PurchaseWorker {
  const queueConnection = createQueueConnection(deps.config, 'worker-queues');
  const workerConnection = createQueueConnection(deps.config, 'worker');
  logConnectionState(workerConnection, deps.logger, deps.config, 'worker-blocking');
  const queues = createPurchaseQueues(deps.config, queueConnection);
  const retry = retryPolicy(deps.config);
  const context: WorkerContext = {
    deps,
    queues,
    retry,
    stock: new SaleStock(deps.redis, deps.db, deps.config.REDIS_KEY_PREFIX, deps.soldOut),
    // Pushes to buyers are fire-and-forget: one lost while Redis is down must not crash the worker.
    notifier: createEmitterNotifier(deps, publishSafely(deps.redis)),
    // Two decisions at once: with a backlog, one's Lua call and bookkeeping overlap the other's transaction.
    together: createDecisionBatches((requests) => decidePurchases(context, requests), { maxPurchases: deps.config.WORKER_BATCH_MAX, atOnce: 2 }),
  };
  const worker = new Worker<BatchJob>(PURCHASE_QUEUE, (job) => processBatch(context, job), {
    connection: workerConnection,
    prefix: queuePrefix(deps.config),
    // Jobs held at once: the ones that arrive while a decision runs are decided together next.
    concurrency: deps.config.WORKER_CONCURRENCY,
    // A killed worker's jobs go back to the queue once their lock lapses.
    lockDuration: deps.config.WORKER_LOCK_MS,
    stalledInterval: Math.max(1000, Math.floor(deps.config.WORKER_LOCK_MS / 2)),
    maxStalledCount: 5,
    settings: { backoffStrategy: (attemptsMade, type) => (type === BACKOFF_TYPE ? retry.delayMs(attemptsMade) : 0) },
  });
  // A dependency failure is reported once by the connection's state log, not on every retry.
  worker.on('error', (error) => {
    if (!isDependencyFailure(error)) deps.logger.warn({ err: error }, 'worker error');
  });
  const reconciler = startReconciler(deps, queues, context.stock);
  const heartbeat = startHeartbeat(deps.redis, deps.config.REDIS_KEY_PREFIX, `${worker.id || randomUUID()}`, deps.config.WORKER_HEARTBEAT_MS);

  return {
    worker,
    context,
    reconciler,
    close: async () => {
      await heartbeat.stop();
      await reconciler.stop();
      await worker.close();
      await handBackFetchedJobs(queues, worker, deps);
      await context.notifier.flush();
      await queues.close();
      await Promise.allSettled([closeRedis(queueConnection), closeRedis(workerConnection)]);
    },
  };
}

/**
 * BullMQ may fetch a job during close() and leave it active, unprocessed, until its lock lapses
 * (taskforcesh/bullmq#3349). A graceful stop gives such jobs back to the queue at once.
 */
async function handBackFetchedJobs(queues: PurchaseQueues, worker: Worker<BatchJob>, deps: Deps): Promise<void> {
  for (const job of await queues.purchases.getActive()) {
    const lock = await deps.redis.get(queues.purchases.toKey(`${job.id}:lock`));
    if (lock?.startsWith(`${worker.id}:`)) await job.moveToWait(lock).catch(() => undefined);
  }
}
