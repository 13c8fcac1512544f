import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '@flashfast/shared';
import type { NewRequest } from '../purchases/purchase-requests.repository';

export const PURCHASE_QUEUE = 'purchases';
export const DEAD_LETTER_QUEUE = 'purchases-dead-letter';

/** One queued purchase request, as recorded; the job id is the request id, so a request is never queued twice. */
export type PurchaseJob = NewRequest;

export interface DeadLetterJob extends PurchaseJob {
  reason: string;
  attempts: number;
  deadLetteredAt: string;
}

/** BullMQ needs connections that retry forever (a worker's blocking calls must not give up). */
export function createQueueConnection(config: Pick<Config, 'REDIS_URL'>, name: string): Redis {
  const connection = new Redis(config.REDIS_URL, { connectionName: name, maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  return connection;
}

export const queuePrefix = (config: Pick<Config, 'REDIS_KEY_PREFIX'>): string => `${config.REDIS_KEY_PREFIX}bull`;

export function purchaseJobOptions(config: Pick<Config, 'PURCHASE_ATTEMPTS' | 'PURCHASE_BACKOFF_MS'>, requestId: string): JobsOptions {
  return {
    jobId: requestId,
    attempts: config.PURCHASE_ATTEMPTS,
    backoff: { type: 'exponential', delay: config.PURCHASE_BACKOFF_MS },
    // Kept a while so that a late duplicate add (the reconciler) is recognised and ignored.
    removeOnComplete: { age: 3600, count: 100_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export interface PurchaseQueues {
  purchases: Queue<PurchaseJob>;
  deadLetters: Queue<DeadLetterJob>;
  close(): Promise<void>;
}

export function createPurchaseQueues(config: Config, connection: Redis): PurchaseQueues {
  const prefix = queuePrefix(config);
  const purchases = new Queue<PurchaseJob>(PURCHASE_QUEUE, { connection, prefix });
  const deadLetters = new Queue<DeadLetterJob>(DEAD_LETTER_QUEUE, { connection, prefix });
  purchases.on('error', () => undefined);
  deadLetters.on('error', () => undefined);
  return {
    purchases,
    deadLetters,
    close: async () => {
      await Promise.allSettled([purchases.close(), deadLetters.close()]);
    },
  };
}
