import type { Batcher, Deps } from '@flashfast/shared';
import type { PurchaseJob, PurchaseQueues } from '../queues/purchase-queue';
import type { Notifier } from '../realtime/notifier';
import type { SaleStock } from '../stock/sale-stock';
import type { RetryPolicy } from './retry-policy';

/** What a worker process decides purchases with. */
export interface WorkerContext {
  deps: Deps;
  stock: SaleStock;
  notifier: Notifier;
  queues: PurchaseQueues;
  retry: RetryPolicy;
  /** Decides the requests of the batch jobs that arrive together as one batch (decision-batches.ts). */
  together: Batcher<PurchaseJob[], number>;
}
