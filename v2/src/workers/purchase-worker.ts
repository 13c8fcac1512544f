import { Worker } from 'bullmq';
import type { Deps } from '@flashfast/shared';
import { createPurchaseQueues, createQueueConnection, PURCHASE_QUEUE, queuePrefix, type PurchaseJob, type PurchaseQueues } from '../queues/purchase-queue';
import { createEmitterNotifier } from '../realtime/notifier';
import { SaleStock } from '../stock/sale-stock';
import { createOrderWriter } from './order-writer';
import { processPurchase, type WorkerContext } from './process-purchase';
import { startReconciler, type Reconciler } from './reconciler';

export interface PurchaseWorker {
  worker: Worker<PurchaseJob>;
  context: WorkerContext;
  reconciler: Reconciler;
  /** Graceful: finishes active jobs, writes pending batches and stock messages, then disconnects. */
  close(): Promise<void>;
}

/** Everything a worker process runs: the BullMQ worker, the batched writer, the reconciler. */
export function startPurchaseWorker(deps: Deps): PurchaseWorker {
  const queueConnection = createQueueConnection(deps.config, 'worker-queues');
  const workerConnection = createQueueConnection(deps.config, 'worker');
  const queues = createPurchaseQueues(deps.config, queueConnection);
  const context: WorkerContext = {
    deps,
    queues,
    stock: new SaleStock(deps.redis, deps.db, deps.config.REDIS_KEY_PREFIX),
    writer: createOrderWriter(deps),
    notifier: createEmitterNotifier(deps, deps.redis),
  };
  const worker = new Worker<PurchaseJob>(PURCHASE_QUEUE, (job) => processPurchase(context, job), {
    connection: workerConnection,
    prefix: queuePrefix(deps.config),
    concurrency: deps.config.WORKER_CONCURRENCY,
    // A killed worker's jobs go back to the queue once their lock lapses.
    lockDuration: deps.config.WORKER_LOCK_MS,
    stalledInterval: Math.max(1000, Math.floor(deps.config.WORKER_LOCK_MS / 2)),
    maxStalledCount: 5,
  });
  worker.on('error', (error) => deps.logger.warn({ err: error }, 'worker connection error'));
  const reconciler = startReconciler(deps, queues, context.stock);

  return {
    worker,
    context,
    reconciler,
    close: async () => {
      await reconciler.stop();
      await worker.close();
      await handBackFetchedJobs(queues, worker, deps);
      await context.writer.drain();
      await context.notifier.flush();
      await queues.close();
      await Promise.allSettled([queueConnection.quit(), workerConnection.quit()]);
    },
  };
}

/**
 * BullMQ may fetch a job during close() and leave it active, unprocessed, until its lock lapses
 * (taskforcesh/bullmq#3349). A graceful stop gives such jobs back to the queue at once.
 */
async function handBackFetchedJobs(queues: PurchaseQueues, worker: Worker<PurchaseJob>, deps: Deps): Promise<void> {
  for (const job of await queues.purchases.getActive()) {
    const lock = await deps.redis.get(queues.purchases.toKey(`${job.id}:lock`));
    if (lock?.startsWith(`${worker.id}:`)) await job.moveToWait(lock).catch(() => undefined);
  }
}
