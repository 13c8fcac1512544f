// The ceiling under the v2 worker: the same BullMQ, Redis, job shape and options and the same
// concurrency, with a processor that returns at once. What is left is BullMQ's own cost per job.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { purchaseJobOptions } from '@flashfast/v2/queues/purchase-queue';

import type { CpuUse } from '../../scripts/lib/machine';

const connect = (redisUrl: string): Redis => new Redis(redisUrl, { maxRetriesPerRequest: null });

/** Queues `jobs` purchase-shaped jobs, then times one Worker (no-op processor) until all are completed. */
export interface NoopSpec {
  redisUrl: string;
  prefix: string;
  jobs: number;
  concurrency: number;
  eventId: string;
  /** Starts a CPU meter; the function it returns reads it. */
  meter?: () => () => CpuUse;
  timeoutMs?: number;
}

export interface NoopThroughput {
  jobs: number;
  completed: number;
  concurrency: number;
  seconds: number;
  perSecond: number;
  cpu: CpuUse | undefined;
  perSecondAfterFirst: number | null;
}

export async function noopThroughput({ redisUrl, prefix, jobs, concurrency, eventId, meter, timeoutMs = 120_000 }: NoopSpec): Promise<NoopThroughput> {
  const name = 'noop-purchases';
  const queueConnection = connect(redisUrl);
  const queue = new Queue(name, { connection: queueConnection, prefix });
  const options = { PURCHASE_ATTEMPTS: 5, PURCHASE_BACKOFF_MS: 200, PURCHASE_BACKOFF_MAX_MS: 5000, PURCHASE_RETRY_FOR_MS: 120000 };
  for (let done = 0; done < jobs; done += 1000) {
    const batch = Array.from({ length: Math.min(1000, jobs - done) }, () => {
      const requestId = randomUUID();
      const data = { requestId, userId: randomUUID(), eventId, quantity: 1, acceptedAt: Date.now() };
      return { name: 'purchase', data, opts: purchaseJobOptions(options, requestId) };
    });
    await queue.addBulk(batch);
  }
  const waiting = await queue.getWaitingCount();

  const workerConnection = connect(redisUrl);
  let completed = 0;
  let firstAt: number | undefined;
  let resolveAll!: () => void;
  const all = new Promise<void>((resolve) => (resolveAll = resolve));
  const stopMeter = meter?.();
  const startedAt = performance.now();
  const worker = new Worker(name, async () => undefined, { connection: workerConnection, prefix, concurrency });
  worker.on('completed', () => {
    firstAt ??= performance.now();
    completed += 1;
    if (completed === waiting) resolveAll();
  });
  const timer = setTimeout(resolveAll, timeoutMs);
  await all;
  const endedAt = performance.now();
  const cpu = stopMeter?.();
  clearTimeout(timer);
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await Promise.allSettled([queueConnection.quit(), workerConnection.quit()]);
  return {
    jobs: waiting,
    completed,
    concurrency,
    seconds: (endedAt - startedAt) / 1000,
    perSecond: (completed * 1000) / (endedAt - startedAt),
    cpu,
    perSecondAfterFirst: firstAt === undefined ? null : ((completed - 1) * 1000) / Math.max(1, endedAt - firstAt),
  };
}

