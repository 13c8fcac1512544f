import { closeRedis, type Batcher, type Deps } from '@flashfast/shared';
import { createPurchaseQueues, createQueueConnection, type PurchaseQueues } from './queues/purchase-queue';
import { QueueDepth } from './queues/queue-depth';
import type { AcceptDeps } from './purchases/accept-purchase';
import type { NewRequest } from './purchases/purchase-requests.repository';
import { createRequestIntake, type IntakeResult } from './purchases/request-intake';
import type { StockUpdate } from './realtime/rooms';
import { SaleStock } from './stock/sale-stock';

/** Pushes from the API process to Socket.io clients (all instances, through the adapter). */
export interface Broadcaster {
  stock(update: StockUpdate): void;
  purchase(userId: string, outcome: object): void;
  announcement(announcement: object): void;
}

export const silentBroadcaster: Broadcaster = { stock: () => undefined, purchase: () => undefined, announcement: () => undefined };

/** The v2 API's own parts beyond the shared Deps. */
export interface ApiServices extends AcceptDeps {
  queues: PurchaseQueues;
  stock: SaleStock;
  intake: Batcher<NewRequest, IntakeResult>;
  queueDepth: QueueDepth;
  close(): Promise<void>;
}

export function createApiServices(deps: Deps): ApiServices {
  const connection = createQueueConnection(deps.config, 'api-queues', { failFast: true });
  const queues = createPurchaseQueues(deps.config, connection);
  // The per-user purchase limit is counted by the admission script itself: no round trip of its own.
  const attempts = { max: deps.config.RATE_LIMIT_PURCHASE_MAX, windowMs: deps.config.RATE_LIMIT_WINDOW_MS };
  const stock = new SaleStock(deps.redis, deps.db, deps.config.REDIS_KEY_PREFIX, deps.soldOut, attempts);
  const intake = createRequestIntake(deps, queues, stock);
  // The backlog in units claimed by undecided requests, as the sales' Redis counters hold them: a
  // count in PostgreSQL would scan every queued row five times a second at the moment it is largest.
  const queueDepth = new QueueDepth(() => stock.claimedUnits(), deps.config.QUEUE_MAX_DEPTH);
  return {
    db: deps.db,
    orphanAfterMs: deps.config.ORPHAN_AFTER_MS,
    queues,
    stock,
    intake,
    queueDepth,
    close: async () => {
      queueDepth.stop();
      await intake.drain();
      await queues.close();
      await closeRedis(connection);
    },
  };
}
