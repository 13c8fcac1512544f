import { createBatcher, type Batcher, type Deps } from '@flashfast/shared';
import { purchaseJobOptions, type PurchaseQueues } from '../queues/purchase-queue';
import type { SaleStock } from '../stock/sale-stock';
import { existingUsers, insertRequests, type NewRequest } from './purchase-requests.repository';

export type IntakeResult = 'queued' | 'key-conflict' | 'unknown-user';

/**
 * Makes accepted requests durable and queues them, many at a time: one multi-row INSERT into
 * PostgreSQL, then one bulk add to BullMQ. The row comes first: if the add is lost (crash,
 * Redis down or flushed) the reconciler finds the row and queues it again.
 */
export function createRequestIntake(deps: Deps, queues: PurchaseQueues, stock: SaleStock): Batcher<NewRequest, IntakeResult> {
  return createBatcher<NewRequest, IntakeResult>({
    maxSize: deps.config.ACCEPT_BATCH_MAX,
    concurrency: 2,
    flush: async (requests) => {
      const inserted = await insertRequests(deps.db, requests);
      const fresh = requests.filter((request) => inserted.has(request.requestId));
      await markWritten(stock, fresh).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not clear written admissions'));
      try {
        await queues.purchases.addBulk(
          fresh.map((request) => ({
            name: 'purchase',
            data: {
              requestId: request.requestId,
              userId: request.userId,
              eventId: request.eventId,
              quantity: request.quantity,
              acceptedAt: request.acceptedAt,
              ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
            },
            opts: purchaseJobOptions(deps.config, request.requestId),
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
async function markWritten(stock: SaleStock, requests: NewRequest[]): Promise<void> {
  const bySale = new Map<string, string[]>();
  for (const request of requests) bySale.set(request.eventId, [...(bySale.get(request.eventId) ?? []), request.requestId]);
  await Promise.all([...bySale].map(([eventId, ids]) => stock.admissionsWritten(eventId, ids)));
}
