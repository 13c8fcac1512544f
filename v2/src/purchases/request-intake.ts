import { randomUUID } from 'node:crypto';
import { createBatcher, type Batcher, type Deps } from '@flashfast/shared';
import { BATCH_JOB_NAME, purchaseJobOptions, jobData, type PurchaseQueues } from '../queues/purchase-queue';
import type { SaleStock } from '../stock/sale-stock';
import { groupBySale } from './group-by-sale';
import { existingUsers, insertRequests, type NewRequest } from './purchase-requests.repository';

export type IntakeResult = 'queued' | 'key-conflict' | 'unknown-user';

/**
 * Makes accepted requests durable and queues them, many at a time: one multi-row INSERT into
 * PostgreSQL, then ONE BullMQ job per sale in the batch (a spike is one sale: one job), not one
 * per purchase. The rows come first, each naming its batch's job: if the add is lost (crash,
 * Redis down or flushed) the reconciler finds the rows and queues the batch again under that id.
 */
export function createRequestIntake(deps: Deps, queues: PurchaseQueues, stock: SaleStock): Batcher<NewRequest, IntakeResult> {
  return createBatcher<NewRequest, IntakeResult>({
    maxSize: deps.config.ACCEPT_BATCH_MAX,
    concurrency: 2,
    flush: async (requests) => {
      const batchOfSale = new Map([...groupBySale(requests).keys()].map((eventId) => [eventId, randomUUID()]));
      const inserted = await insertRequests(deps.db, requests, requests.map((request) => batchOfSale.get(request.eventId)!));
      const fresh = requests.filter((request) => inserted.has(request.requestId));
      const batches = groupBySale(fresh);
      await markWritten(stock, batches).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not clear written admissions'));
      try {
        await queues.purchases.addBulk(
          [...batches].map(([eventId, group]) => ({
            name: BATCH_JOB_NAME,
            data: { eventId, requests: group.map(jobData) },
            opts: purchaseJobOptions(deps.config, batchOfSale.get(eventId)!),
          })),
        );
      } catch (error) {
        deps.logger.warn({ err: error, count: fresh.length }, 'queueing failed; the reconciler will queue these requests');
      }
      const refused = requests.filter((request) => !inserted.has(request.requestId));
      const users = refused.length === 0 ? new Set<string>() : await existingUsers(deps.db, refused.map((r) => r.userId));
      return requests.map((request) => {
        if (inserted.has(request.requestId)) return 'queued';
        return users.has(request.userId) ? 'key-conflict' : 'unknown-user';
      });
    },
  });
}

/** Written rows are safe: their admissions need no sweeping (a failure here only delays that). */
async function markWritten(stock: SaleStock, batches: Map<string, NewRequest[]>): Promise<void> {
  await Promise.all([...batches].map(([eventId, group]) => stock.admissionsWritten(eventId, group.map((request) => request.requestId))));
}
