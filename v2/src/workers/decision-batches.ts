import { createBatcher, type Batcher } from '@flashfast/shared';
import type { PurchaseJob } from '../queues/purchase-queue';

/**
 * Merges the batch jobs a worker holds into decision batches. An intake batch is as large as
 * the requests one API process accepted while its previous INSERT ran (tens under a spike), and
 * PostgreSQL pays per transaction: measured on the 2-core machine, recording 20 orders at a time
 * cost ~4x the CPU per order of 500 at a time (bench/README.md). The worker holds many jobs
 * (WORKER_CONCURRENCY); those that arrive while a decision runs wait and are decided together
 * next, up to `maxPurchases` requests; `atOnce` decisions overlap (one's Lua call and
 * bookkeeping with the other's transaction). No timer: a lone job is decided at once.
 * Resolves each job's part with how many of its requests were decided.
 */
export function createDecisionBatches(
  decide: (requests: PurchaseJob[]) => Promise<Set<string>>,
  { maxPurchases, atOnce }: { maxPurchases: number; atOnce: number },
): Batcher<PurchaseJob[], number> {
  return createBatcher<PurchaseJob[], number>({
    maxSize: maxPurchases,
    concurrency: atOnce,
    weigh: (requests) => requests.length,
    flush: async (jobs) => {
      const decided = await decide(jobs.flat());
      return jobs.map((requests) => requests.filter((request) => decided.has(request.requestId)).length);
    },
  });
}
