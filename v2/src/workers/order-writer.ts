import {
  createBatcher,
  withTransaction,
  type Batcher,
  type DbClient,
  type Deps,
  type PurchaseRefusal,
} from '@flashfast/shared';
import type { PurchaseJob } from '../queues/purchase-queue';
import { findOutcomes, type StoredOutcome } from '../purchases/purchase-requests.repository';
import { addToQuotas, lockSales, lockUndecided, markRefused, placeOrders, takeFromSales, type SaleStockRow } from './decisions.repository';

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
 * v2's one rule for the sale window: a request is decided against the sale as it stands now
 * (read under its row lock), by the instant it was accepted. Whatever an admin changes, and in
 * whatever order Redis hears of it, no order exists for a request accepted outside the window,
 * or while the sale was switched off, as stored when it is decided.
 */
function ruleRefusal(sale: SaleStockRow | undefined, job: PurchaseJob): PurchaseRefusal | undefined {
  if (!sale?.is_active) return 'SALE_INACTIVE';
  if (job.acceptedAt < Number(sale.start_ms)) return 'SALE_NOT_STARTED';
  if (job.acceptedAt >= Number(sale.end_ms)) return 'SALE_ENDED';
  if (job.quantity > sale.max_per_user) return 'LIMIT_EXCEEDED';
  return undefined;
}

/**
 * Records a batch in one transaction: one stock update per sale, one multi-row insert of
 * orders. PostgreSQL is the last guard: a sale whose stock (or a user whose quota) cannot take
 * the whole batch sends its confirmations back (returned) to be written `alone`, one per
 * transaction, where what does not fit is refused: SOLD_OUT or LIMIT_EXCEEDED.
 */
async function writeBatch(client: DbClient, items: WriteItem[], decidedNow: Set<string>, alone: boolean): Promise<Confirm[]> {
  const open = await lockUndecided(client, items.map((item) => item.job.requestId));
  const confirms: Confirm[] = [];
  const refusals: { requestId: string; code: PurchaseRefusal }[] = [];
  for (const item of items.filter((i) => open.has(i.job.requestId))) {
    if (item.refusal) refusals.push({ requestId: item.job.requestId, code: item.refusal });
    else confirms.push({ ...item.job, reservation: item.reservation });
  }
  const refuse = (jobs: Confirm[], code: PurchaseRefusal) => refusals.push(...jobs.map((job) => ({ requestId: job.requestId, code })));
  const leftover: Confirm[] = [];

  if (confirms.length > 0) {
    const sales = await lockSales(client, [...new Set(confirms.map((job) => job.eventId))]);
    let batch: Confirm[] = [];
    for (const job of confirms) {
      const code = ruleRefusal(sales.get(job.eventId), job);
      if (code) refusals.push({ requestId: job.requestId, code });
      else batch.push(job);
    }
    const totals = sumByEvent(batch);
    const fits = (job: Confirm) => sales.get(job.eventId)!.available_stock >= totals.get(job.eventId)!;
    const unfit = batch.filter((job) => !fits(job));
    if (alone) refuse(unfit, 'SOLD_OUT');
    else leftover.push(...unfit);
    batch = batch.filter(fits);
    if (batch.length > 0) {
      await client.query('SAVEPOINT quotas');
      const quotas = await addToQuotas(client, batch);
      if (quotas.accepted !== quotas.expected) {
        await client.query('ROLLBACK TO SAVEPOINT quotas');
        if (alone) refuse(batch, 'LIMIT_EXCEEDED');
        else leftover.push(...batch);
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
  return leftover;
}

export function createOrderWriter(deps: Pick<Deps, 'db' | 'config'>): Batcher<WriteItem, WriteResult> {
  return createBatcher<WriteItem, WriteResult>({
    maxSize: deps.config.WRITE_BATCH_MAX,
    concurrency: 1,
    flush: async (items) => {
      const unique = [...new Map(items.map((item) => [item.job.requestId, item])).values()];
      const decidedNow = new Set<string>();
      const leftover = await withTransaction(deps.db, (client) => writeBatch(client, unique, decidedNow, false));
      for (const job of leftover) {
        await withTransaction(deps.db, (client) => writeBatch(client, [{ job, reservation: job.reservation }], decidedNow, true));
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
