import { AppError, notFound } from '../platform/app-error';
import type { Config } from '../platform/config';
import { transactionOn, type Db, type DbClient } from '../platform/db';
import { isDependencyFailure } from '../platform/dependency-failures';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import { findOrder, toOrder } from '../orders/orders.repository';
import { decideInOrder, type BatchPlan } from './decide-in-order';
import { placePurchase, type PurchaseInput, type PurchaseResult } from './place-purchase';
import { lockSale, readBuyers, transactionStatus, writeBatch, type PlacedRow } from './purchase-batch.repository';
import { createCombiner, type Combiner, type Settled } from './purchase-combiner';
import { purchaseRefused } from './purchase-refusals';

export interface BatchDeps {
  db: Db;
  logger: Logger;
  metrics: Pick<Metrics, 'purchaseBatchSize' | 'purchaseBatchRecoveries'>;
}

const settle = <T>(promise: Promise<T>): Promise<Settled<T>> =>
  promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
const failed = (error: unknown): Settled<never> => ({ ok: false, error });

/** The pool gave no connection: nothing was tried, and trying again now would wait as long. */
class NoConnection extends Error {
  constructor(cause: unknown) {
    super('no database connection', { cause });
  }
}

/** COMMIT was sent, its answer was lost, and PostgreSQL could not say whether it happened. */
const commitUnknown = () =>
  new AppError('UNAVAILABLE', 'the database did not confirm whether this purchase was recorded; retry with the same Idempotency-Key', { retryAfterSeconds: 2 });

const sqlState = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

/**
 * The database cannot be reached, or is going away or paused (a dependency failure, but not the
 * deadlocks and lock timeouts that class counts too): deciding one purchase at a time would fail
 * the same way, only slower.
 */
const isUnreachable = (error: unknown): boolean =>
  isDependencyFailure(error) && !['40001', '40P01', '55P03'].includes(sqlState(error) ?? '');

/** After a COMMIT whose answer was lost: did it happen? Asks on another connection, for up to ~2 s. */
async function committed(db: Db, xid: string): Promise<boolean | undefined> {
  for (let tries = 0; tries < 40; tries += 1) {
    const status = await transactionStatus(db, xid).catch(() => undefined);
    if (status === 'committed') return true;
    if (status === 'aborted') return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

/** The answers, once the batch is committed: placed rows go to the purchases placed, in order. */
async function answers(db: Db, purchases: readonly PurchaseInput[], plan: BatchPlan, placed: PlacedRow[]): Promise<Settled<PurchaseResult>[]> {
  const rowsByPurchase = new Map<string, PlacedRow[]>();
  const shape = (userId: string, quantity: number, key: string | null | undefined) => `${userId}/${quantity}/${key ?? ''}`;
  for (const row of placed) {
    const rows = rowsByPurchase.get(shape(row.user_id, row.quantity, row.idempotency_key)) ?? [];
    rows.push(row);
    rowsByPurchase.set(shape(row.user_id, row.quantity, row.idempotency_key), rows);
  }
  const results: Settled<PurchaseResult>[] = [];
  for (const [index, verdict] of plan.verdicts.entries()) {
    const purchase = purchases[index]!;
    switch (verdict.kind) {
      case 'place': {
        const row = rowsByPurchase.get(shape(purchase.userId, purchase.quantity, purchase.idempotencyKey))!.shift()!;
        results.push({ ok: true, value: { order: toOrder(row), replayed: false } });
        break;
      }
      case 'replay-in-batch': {
        const first = results[verdict.index]!;
        results.push(first.ok ? { ok: true, value: { order: first.value.order, replayed: true } } : first);
        break;
      }
      case 'replay': {
        // Rare (a retry): the order is read after the commit; orders never change.
        const order = await findOrder(db, verdict.orderId, undefined);
        results.push(order ? { ok: true, value: { order, replayed: true } } : failed(notFound('order')));
        break;
      }
      case 'key-reused':
        results.push(failed(new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different purchase')));
        break;
      case 'refuse':
        results.push(failed(purchaseRefused(verdict.code)));
    }
  }
  return results;
}

/** Locks the sale, applies the rules in arrival order, writes what they placed; the caller commits. */
async function decideLocked(client: DbClient, purchases: readonly PurchaseInput[]): Promise<{ plan?: BatchPlan; placed: PlacedRow[]; xid?: string }> {
  const eventId = purchases[0]!.eventId;
  const sale = await lockSale(client, eventId);
  if (!sale) return { placed: [] };
  const { quotas, keyed } = await readBuyers(client, eventId, purchases);
  const plan = decideInOrder(sale, purchases, quotas, keyed);
  const orders = purchases.filter((_, index) => plan.verdicts[index]!.kind === 'place');
  if (orders.length === 0) return { plan, placed: [] };
  const written = await writeBatch(client, { eventId, units: plan.units, maxPerUser: sale.maxPerUser, unitsByUser: plan.unitsByUser, orders });
  if (written.quotasTaken !== plan.unitsByUser.size || written.rows.length !== orders.length) {
    throw new Error(`batch write disagrees with its plan (${written.quotasTaken} quotas, ${written.rows.length} orders)`);
  }
  return { plan, placed: written.rows, xid: written.xid };
}

/**
 * The batch's transaction, whatever its size (placePurchases uses it from two purchases up):
 * one commit for all. Throws when the batch as a whole failed and nothing was committed, or
 * UNAVAILABLE when a commit's answer was lost and PostgreSQL could not say whether it happened.
 */
export async function placeTogether(db: Db, purchases: readonly PurchaseInput[]): Promise<Settled<PurchaseResult>[]> {
  const client = await db.connect().catch((error: unknown) => {
    throw new NoConnection(error);
  });
  const decided = await transactionOn(
    client,
    (locked) => decideLocked(locked, purchases),
    async (locked, { xid }) => {
      try {
        await locked.query('COMMIT');
      } catch (error) {
        // Nothing written, or PostgreSQL answered (so it rolled back): the usual rules apply.
        if (!xid || sqlState(error)) throw error;
        const outcome = await committed(db, xid);
        if (outcome === undefined) throw Object.assign(commitUnknown(), { cause: error });
        if (!outcome) throw error;
      }
    },
  );
  if (!decided.plan) return purchases.map(() => failed(notFound('flash-sale event')));
  return answers(db, purchases, decided.plan, decided.placed);
}

/**
 * v1's merged deduction: decides purchases of one sale that arrived together, in arrival order,
 * in one transaction and one commit. A lone purchase takes the single statement (one round trip).
 * If the batch's transaction fails (a key raced by another instance, a deadlock, a lost
 * connection), it is decided again; if that fails too while the database is reachable, one
 * purchase at a time, so that a purchase whose own write fails never fails the others.
 */
export async function placePurchases(deps: BatchDeps, purchases: readonly PurchaseInput[]): Promise<Settled<PurchaseResult>[]> {
  deps.metrics.purchaseBatchSize.observe(purchases.length);
  if (purchases.length === 1) return [await settle(placePurchase(deps.db, purchases[0]!))];
  let failure: unknown;
  for (let attempt = 1; attempt <= 2; attempt += 1) {
    try {
      const results = await placeTogether(deps.db, purchases);
      if (attempt > 1) deps.metrics.purchaseBatchRecoveries.inc({ recovery: 'decided-again' });
      return results;
    } catch (error) {
      failure = error instanceof NoConnection ? error.cause : error;
      deps.logger.warn({ err: failure, batch: purchases.length, attempt }, 'purchase batch failed');
      if (error instanceof NoConnection || (error instanceof AppError && error.code === 'UNAVAILABLE')) break;
    }
  }
  if (isUnreachable(failure)) {
    deps.metrics.purchaseBatchRecoveries.inc({ recovery: 'failed' });
    return purchases.map(() => failed(failure));
  }
  // Anything else (a constraint one purchase trips, a bug of the batch path) is isolated: each
  // purchase is decided by the single statement, on its own.
  deps.metrics.purchaseBatchRecoveries.inc({ recovery: 'one-by-one' });
  const results: Settled<PurchaseResult>[] = [];
  for (const purchase of purchases) results.push(await settle(placePurchase(deps.db, purchase)));
  return results;
}

/** v1's purchases of one process: one combiner lane per sale, each batch decided by placePurchases. */
export function createPurchaseCombiner(deps: BatchDeps & { config: Pick<Config, 'PURCHASE_BATCH_MAX'> }): Combiner<PurchaseInput, PurchaseResult> {
  return createCombiner({
    maxBatch: deps.config.PURCHASE_BATCH_MAX,
    keyOf: (purchase) => purchase.eventId,
    decide: (batch) => placePurchases(deps, batch),
  });
}
