import {
  AppError,
  createBatcher,
  isPurchaseRefusal,
  placePurchase,
  withTransaction,
  type Batcher,
  type DbClient,
  type Deps,
  type PurchaseRefusal,
} from '@flashfast/shared';
import type { PurchaseJob } from '../queues/purchase-queue';
import { findOutcomes, type StoredOutcome } from '../purchases/purchase-requests.repository';
import { addToQuotas, lockSales, lockUndecided, markRefused, placeOrders, takeFromSales } from './decisions.repository';

/** A decision to record: confirm the reservation named `reservation`, or refuse with a code. */
export type WriteItem = { job: PurchaseJob; reservation: string; refusal?: never } | { job: PurchaseJob; refusal: PurchaseRefusal };

type Confirm = PurchaseJob & { reservation: string };

/** The request as PostgreSQL now has it. */
export interface WriteResult extends StoredOutcome {
  /** False when the request had been decided before (a re-run); nothing was written for it. */
  decidedNow: boolean;
}

const sumByEvent = (jobs: PurchaseJob[]): Map<string, number> => {
  const totals = new Map<string, number>();
  for (const job of jobs) totals.set(job.eventId, (totals.get(job.eventId) ?? 0) + job.quantity);
  return totals;
};

/**
 * Confirms a batch in one transaction: one stock update per sale, one multi-row insert of
 * orders. PostgreSQL is the last guard: a sale whose stock (or a user whose quota) cannot
 * take the batch goes to the one-by-one path, v1's own guarded statement.
 */
async function writeBatch(client: DbClient, items: WriteItem[], decidedNow: Set<string>, oneByOne: Confirm[]): Promise<void> {
  const open = await lockUndecided(client, items.map((item) => item.job.requestId));
  const confirms: Confirm[] = [];
  const refusals: { requestId: string; code: PurchaseRefusal }[] = [];
  for (const item of items.filter((i) => open.has(i.job.requestId))) {
    if (item.refusal) refusals.push({ requestId: item.job.requestId, code: item.refusal });
    else confirms.push({ ...item.job, reservation: item.reservation });
  }

  if (confirms.length > 0) {
    const totals = sumByEvent(confirms);
    const sales = await lockSales(client, [...totals.keys()]);
    const fits = (job: Confirm) => {
      const sale = sales.get(job.eventId);
      return sale !== undefined && sale.is_active && sale.available_stock >= totals.get(job.eventId)!;
    };
    let batch = confirms.filter(fits);
    oneByOne.push(...confirms.filter((job) => !fits(job)));
    if (batch.length > 0) {
      await client.query('SAVEPOINT quotas');
      const quotas = await addToQuotas(client, batch);
      if (quotas.accepted !== quotas.expected) {
        await client.query('ROLLBACK TO SAVEPOINT quotas');
        oneByOne.push(...batch);
        batch = [];
      }
    }
    if (batch.length > 0) {
      await takeFromSales(client, sumByEvent(batch));
      await placeOrders(client, batch);
      for (const job of batch) decidedNow.add(job.requestId);
    }
  }
  await markRefused(client, refusals);
  for (const refusal of refusals) decidedNow.add(refusal.requestId);
}

/** The slow, exact path for what the batch could not take: v1's statement, one request at a time. */
async function decideAlone(deps: Pick<Deps, 'db'>, job: Confirm): Promise<boolean> {
  return withTransaction(deps.db, async (client) => {
    if ((await lockUndecided(client, [job.requestId])).size === 0) return false;
    try {
      const { order } = await placePurchase(client, { eventId: job.eventId, userId: job.userId, quantity: job.quantity });
      await client.query('UPDATE orders SET request_id = $1 WHERE id = $2', [job.requestId, order.id]);
      await client.query(
        `UPDATE purchase_requests SET status = 'confirmed', order_id = $2, decided_at = now(), reservation = $3 WHERE id = $1`,
        [job.requestId, order.id, job.reservation],
      );
    } catch (error) {
      if (!(error instanceof AppError) || !isPurchaseRefusal(error.code)) throw error;
      await markRefused(client, [{ requestId: job.requestId, code: error.code }]);
    }
    return true;
  });
}

export function createOrderWriter(deps: Pick<Deps, 'db' | 'config'>): Batcher<WriteItem, WriteResult> {
  return createBatcher<WriteItem, WriteResult>({
    maxSize: deps.config.WRITE_BATCH_MAX,
    concurrency: 1,
    flush: async (items) => {
      const unique = [...new Map(items.map((item) => [item.job.requestId, item])).values()];
      const decidedNow = new Set<string>();
      const oneByOne: Confirm[] = [];
      await withTransaction(deps.db, (client) => writeBatch(client, unique, decidedNow, oneByOne));
      for (const job of oneByOne) {
        if (await decideAlone(deps, job)) decidedNow.add(job.requestId);
      }
      const outcomes = await findOutcomes(deps.db, unique.map((item) => item.job.requestId));
      // A request twice in one batch (a duplicate job) is decided once: the first copy reports it.
      const reported = new Set<string>();
      return items.map((item) => {
        const id = item.job.requestId;
        const stored = outcomes.get(id);
        if (!stored) throw new Error(`purchase request ${id} has no row`);
        const first = !reported.has(id);
        reported.add(id);
        return { ...stored, decidedNow: first && decidedNow.has(id) };
      });
    },
  });
}
