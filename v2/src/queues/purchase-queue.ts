import { Queue, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '@flashfast/shared';
import type { NewRequest } from '../purchases/purchase-requests.repository';
import { BACKOFF_TYPE, retryPolicy, type FailureCause } from '../workers/retry-policy';

export const PURCHASE_QUEUE = 'purchases';
export const DEAD_LETTER_QUEUE = 'purchases-dead-letter';

/** One queued purchase request, as recorded. */
export type PurchaseJob = NewRequest;

/**
 * A BullMQ job: the requests of one sale that one intake batch made durable (a job is the unit
 * BullMQ charges for, so a job carries many purchases). The job id is the batch id that each
 * request's row records (`batch_id`), so a batch is never queued twice and the reconciler finds
 * the job of any request. A purchase split off its batch, or replayed, becomes a batch of one
 * under its own request id.
 */
export interface BatchJob {
  eventId: string;
  requests: PurchaseJob[];
}

export const BATCH_JOB_NAME = 'batch';

export interface DeadLetterJob extends PurchaseJob {
  reason: string;
  cause: FailureCause;
  attempts: number;
  deadLetteredAt: string;
}

/**
 * A worker's connections retry forever (its blocking calls must not give up: BullMQ requires
 * it); a producer's (`failFast`, the API) give up after two reconnection attempts, so that a
 * request never waits on a Redis that is down: the request row is durable and the reconciler
 * queues it later.
 */
export function createQueueConnection(config: Pick<Config, 'REDIS_URL'>, name: string, { failFast = false } = {}): Redis {
  const connection = new Redis(config.REDIS_URL, { connectionName: name, maxRetriesPerRequest: failFast ? 2 : null });
  connection.on('error', () => undefined);
  return connection;
}

export const queuePrefix = (config: Pick<Config, 'REDIS_KEY_PREFIX'>): string => `${config.REDIS_KEY_PREFIX}bull`;

type JobConfig = Parameters<typeof retryPolicy>[0];
const attemptsByConfig = new WeakMap<JobConfig, number>();

/** The retry policy's attempts; its delays come from the worker's `backoffStrategy` (BACKOFF_TYPE). */
export function purchaseJobOptions(config: JobConfig, batchId: string): JobsOptions {
  let attempts = attemptsByConfig.get(config);
  if (attempts === undefined) attemptsByConfig.set(config, (attempts = retryPolicy(config).attempts));
  return {
    jobId: batchId,
    attempts,
    backoff: { type: BACKOFF_TYPE },
    // Kept a while so that a late duplicate add (the reconciler) is recognised and ignored.
    removeOnComplete: { age: 3600, count: 100_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/** Queues one batch of one sale's requests (after their rows, with this batch id, are written). */
export async function queueBatch(queues: PurchaseQueues, config: JobConfig, batchId: string, requests: PurchaseJob[]): Promise<void> {
  await queues.purchases.add(BATCH_JOB_NAME, { eventId: requests[0]!.eventId, requests: requests.map(jobData) }, purchaseJobOptions(config, batchId));
}

/** Only what deciding needs (a stored request carries more). */
export const jobData = (request: PurchaseJob): PurchaseJob => ({
  requestId: request.requestId,
  userId: request.userId,
  eventId: request.eventId,
  quantity: request.quantity,
  acceptedAt: request.acceptedAt,
  ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
});

export interface PurchaseQueues {
  purchases: Queue<BatchJob>;
  deadLetters: Queue<DeadLetterJob>;
  close(): Promise<void>;
}

export function createPurchaseQueues(config: Config, connection: Redis): PurchaseQueues {
  const prefix = queuePrefix(config);
  const purchases = new Queue<BatchJob>(PURCHASE_QUEUE, { connection, prefix });
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
