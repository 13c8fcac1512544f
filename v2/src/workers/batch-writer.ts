import { toOrder, withTransaction, type DbClient, type Deps, type PurchaseRefusal } from '@flashfast/shared';
import type { PurchaseJob } from '../queues/purchase-queue';
import { findOutcomes, type StoredOutcome } from '../purchases/purchase-requests.repository';
import {
  addToQuotas,
  lockSales,
  lockUndecided,
  markRefused,
  placeOrders,
  readSales,
  takeFromSales,
  type PlacedOrder,
  type SaleStockRow,
} from './decisions.repository';
import { BrokenRecord } from './job-failures';

/** A decision to record: confirm the reservation named `reservation`, or refuse with a code. */
export type WriteItem = { job: PurchaseJob; reservation: string; refusal?: never } | { job: PurchaseJob; refusal: PurchaseRefusal };

type Confirm = PurchaseJob & { reservation: string };

/** The request as PostgreSQL now has it. */
export interface WriteResult extends StoredOutcome {
  /** False when the request had been decided before (a re-run); nothing was written for it. */
  decidedNow: boolean;
}

interface Written {
  placed: PlacedOrder[];
  refusals: { job: PurchaseJob; code: PurchaseRefusal }[];
  /** Confirmations the batch could not take whole: each is written again alone. */
  leftover: Confirm[];
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
 * How a transaction takes its sales' row locks. `last`: it plans with the sales as read, writes
 * the orders, and locks the sales only to move the units, checking that nothing it planned with
 * changed (else `SaleChanged`, and the batch is written again `first`): two batches of one sale
 * then write their orders side by side and queue only for the stock update and the commit.
 * `first`: locked before anything is planned, so what was read stands (as does `alone`, one
 * confirmation per transaction, where what does not fit is refused).
 */
type SaleLocking = 'last' | 'first' | 'alone';

/** A sale changed between a batch's plan and its lock: the batch is rolled back and written again. */
class SaleChanged extends Error {}

const sameSale = (planned: SaleStockRow, locked: SaleStockRow | undefined): boolean =>
  !!locked &&
  locked.is_active === planned.is_active &&
  locked.start_ms === planned.start_ms &&
  locked.end_ms === planned.end_ms &&
  locked.max_per_user === planned.max_per_user &&
  locked.sale_price === planned.sale_price;

/** Moves the batch's units out of its sales, the sales locked now: only if they are as planned and have the units. */
async function takeUnitsLast(client: DbClient, planned: Map<string, SaleStockRow>, totals: Map<string, number>): Promise<void> {
  const locked = await lockSales(client, [...totals.keys()]);
  for (const [eventId, total] of totals) {
    const sale = locked.get(eventId);
    if (!sameSale(planned.get(eventId)!, sale) || sale!.available_stock < total) throw new SaleChanged();
  }
  await takeFromSales(client, totals);
}

/**
 * Records a batch in one transaction: one stock update per sale, one multi-row insert of
 * orders. PostgreSQL is the last guard: a sale whose stock (or a user whose quota) cannot take
 * the whole batch sends its confirmations back (leftover) to be written `alone`, one per
 * transaction, where what does not fit is refused: SOLD_OUT or LIMIT_EXCEEDED.
 */
async function writeBatch(client: DbClient, items: WriteItem[], locking: SaleLocking): Promise<Written> {
  const alone = locking === 'alone';
  const open = await lockUndecided(client, items.map((item) => item.job.requestId));
  const written: Written = { placed: [], refusals: [], leftover: [] };
  const confirms: Confirm[] = [];
  for (const item of items.filter((i) => open.has(i.job.requestId))) {
    if (item.refusal) written.refusals.push({ job: item.job, code: item.refusal });
    else confirms.push({ ...item.job, reservation: item.reservation });
  }
  const refuse = (jobs: Confirm[], code: PurchaseRefusal) => written.refusals.push(...jobs.map((job) => ({ job, code })));

  if (confirms.length > 0) {
    const saleIds = [...new Set(confirms.map((job) => job.eventId))];
    const sales = locking === 'last' ? await readSales(client, saleIds) : await lockSales(client, saleIds);
    let batch: Confirm[] = [];
    for (const job of confirms) {
      const code = ruleRefusal(sales.get(job.eventId), job);
      if (code) written.refusals.push({ job, code });
      else batch.push(job);
    }
    const totals = sumByEvent(batch);
    const fits = (job: Confirm) => sales.get(job.eventId)!.available_stock >= totals.get(job.eventId)!;
    const unfit = batch.filter((job) => !fits(job));
    if (alone) refuse(unfit, 'SOLD_OUT');
    else written.leftover.push(...unfit);
    batch = batch.filter(fits);
    if (batch.length > 0) {
      await client.query('SAVEPOINT quotas');
      const quotas = await addToQuotas(client, batch);
      if (quotas.accepted !== quotas.expected) {
        await client.query('ROLLBACK TO SAVEPOINT quotas');
        if (alone) refuse(batch, 'LIMIT_EXCEEDED');
        else written.leftover.push(...batch);
        batch = [];
      }
    }
    if (batch.length > 0) {
      const prices = new Map([...sales].map(([id, sale]) => [id, sale.sale_price]));
      written.placed = await placeOrders(client, batch, prices);
      if (locking === 'last') await takeUnitsLast(client, sales, sumByEvent(batch));
      else await takeFromSales(client, sumByEvent(batch));
    }
  }
  await markRefused(client, written.refusals.map(({ job, code }) => ({ requestId: job.requestId, code })));
  return written;
}

/** A batch's transaction, its sales locked last; written again with them locked first if one changed under it. */
async function writeFirstTransaction(deps: Pick<Deps, 'db'>, items: WriteItem[]): Promise<Written> {
  try {
    return await withTransaction(deps.db, (client) => writeBatch(client, items, 'last'));
  } catch (error) {
    if (!(error instanceof SaleChanged)) throw error;
    return withTransaction(deps.db, (client) => writeBatch(client, items, 'first'));
  }
}

/**
 * Writes a batch's decisions: one transaction for the batch (and one per leftover confirmation).
 * Outcomes come from what the statements returned; only requests decided before (a re-run) are
 * read back. Returns one result per request id.
 */
export async function writeDecisions(deps: Pick<Deps, 'db'>, items: WriteItem[]): Promise<Map<string, WriteResult>> {
  const unique = [...new Map(items.map((item) => [item.job.requestId, item])).values()];
  const results = new Map<string, WriteResult>();
  const record = ({ placed, refusals }: Written) => {
    const reservations = new Map(unique.map((item) => [item.job.requestId, item.refusal ? null : item.reservation]));
    for (const order of placed) {
      results.set(order.request_id, {
        outcome: { requestId: order.request_id, status: 'confirmed', order: toOrder(order) },
        userId: order.user_id,
        reservation: reservations.get(order.request_id) ?? null,
        decidedNow: true,
      });
    }
    for (const { job, code } of refusals) {
      results.set(job.requestId, { outcome: { requestId: job.requestId, status: 'failed', error: { code } }, userId: job.userId, reservation: null, decidedNow: true });
    }
  };

  const first = await writeFirstTransaction(deps, unique);
  record(first);
  for (const job of first.leftover) {
    record(await withTransaction(deps.db, (client) => writeBatch(client, [{ job, reservation: job.reservation }], 'alone')));
  }
  const before = unique.map((item) => item.job.requestId).filter((id) => !results.has(id));
  if (before.length > 0) {
    const stored = await findOutcomes(deps.db, before);
    for (const id of before) {
      const known = stored.get(id);
      if (!known) throw new BrokenRecord(`purchase request ${id} has no row`);
      results.set(id, { ...known, decidedNow: false });
    }
  }
  return results;
}
