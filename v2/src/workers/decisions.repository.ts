import { ORDER_COLUMNS, type DbClient, type OrderRow, type PurchaseRefusal } from '@flashfast/shared';
import type { PurchaseJob } from '../queues/purchase-queue';

/** Request ids, among these, that are still undecided; their rows stay locked until commit. */
export async function lockUndecided(client: DbClient, requestIds: string[]): Promise<Set<string>> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT id FROM purchase_requests WHERE id = ANY($1::uuid[]) AND status = 'queued' ORDER BY id FOR UPDATE`,
    [requestIds],
  );
  return new Set(rows.map((row) => row.id));
}

export interface SaleStockRow {
  id: string;
  available_stock: number;
  is_active: boolean;
  start_ms: string;
  end_ms: string;
  max_per_user: number;
  sale_price: string;
}

const SALE_STOCK = `SELECT id, available_stock, is_active, max_per_user, sale_price::text AS sale_price,
            (extract(epoch from start_time) * 1000)::bigint::text AS start_ms,
            (extract(epoch from end_time) * 1000)::bigint::text AS end_ms
     FROM flash_sale_events WHERE id = ANY($1::uuid[]) ORDER BY id`;

const bySaleId = (rows: SaleStockRow[]): Map<string, SaleStockRow> => new Map(rows.map((row) => [row.id, row]));

/**
 * Locks the sales in id order (no deadlock between two workers' batches) and reads their stock
 * and settings. An admin's change to a sale waits for this lock, or this waits for the change:
 * what is read here is the sale as it stands until the batch commits.
 */
export async function lockSales(client: DbClient, eventIds: string[]): Promise<Map<string, SaleStockRow>> {
  return bySaleId((await client.query<SaleStockRow>(`${SALE_STOCK} FOR NO KEY UPDATE`, [eventIds])).rows);
}

/** The sales as they stand, without a lock: what a batch plans with before it locks them last. */
export async function readSales(client: DbClient, eventIds: string[]): Promise<Map<string, SaleStockRow>> {
  return bySaleId((await client.query<SaleStockRow>(SALE_STOCK, [eventIds])).rows);
}

/**
 * Adds each user's units to their quota, refusing any that would pass maxPerUser.
 * Returns how many (event, user) pairs were accepted; fewer than given means a guard refused.
 */
export async function addToQuotas(client: DbClient, jobs: PurchaseJob[]): Promise<{ accepted: number; expected: number }> {
  const pairs = new Set(jobs.map((job) => `${job.eventId}/${job.userId}`));
  const { rowCount } = await client.query(
    `INSERT INTO event_user_quotas AS q (event_id, user_id, quantity)
     SELECT t.event_id, t.user_id, sum(t.quantity)
     FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS t(event_id, user_id, quantity)
     GROUP BY t.event_id, t.user_id
     HAVING sum(t.quantity) <= (SELECT max_per_user FROM flash_sale_events e WHERE e.id = t.event_id)
     -- in key order: two batches written at once that share a buyer wait for each other, never deadlock
     ORDER BY t.event_id, t.user_id
     ON CONFLICT (event_id, user_id) DO UPDATE SET quantity = q.quantity + EXCLUDED.quantity
     WHERE q.quantity + EXCLUDED.quantity <= (SELECT max_per_user FROM flash_sale_events e WHERE e.id = EXCLUDED.event_id)`,
    [jobs.map((job) => job.eventId), jobs.map((job) => job.userId), jobs.map((job) => job.quantity)],
  );
  return { accepted: rowCount ?? 0, expected: pairs.size };
}

/** Moves each sale's units from available to sold; the caller checked stock under the lock. */
export async function takeFromSales(client: DbClient, totals: Map<string, number>): Promise<void> {
  await client.query(
    `UPDATE flash_sale_events e
     SET available_stock = e.available_stock - t.total, sold_quantity = e.sold_quantity + t.total
     FROM unnest($1::uuid[], $2::int[]) AS t(id, total) WHERE e.id = t.id`,
    [[...totals.keys()], [...totals.values()]],
  );
}

export interface PlacedOrder extends OrderRow {
  request_id: string;
}

/**
 * One order per request, at the sale's price as the batch read it (`prices`, by sale: a batch
 * that locks its sales last checks then that the price still stands), and the requests marked
 * confirmed, in one statement that returns the orders it placed: nothing is read back after the commit.
 */
export async function placeOrders(client: DbClient, jobs: (PurchaseJob & { reservation: string })[], prices: Map<string, string>): Promise<PlacedOrder[]> {
  const { rows } = await client.query<PlacedOrder>(
    `WITH placed AS (
       INSERT INTO orders (user_id, product_id, event_id, quantity, unit_price, total_price, request_id)
       SELECT t.user_id, e.product_id, e.id, t.quantity, t.price, t.price * t.quantity, t.request_id
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $6::numeric[]) AS t(request_id, user_id, event_id, quantity, price)
       JOIN flash_sale_events e ON e.id = t.event_id
       RETURNING *),
     confirmed AS (
       UPDATE purchase_requests r
       SET status = 'confirmed', order_id = placed.id, decided_at = now(), reservation = t.reservation
       FROM placed JOIN unnest($1::uuid[], $5::text[]) AS t(request_id, reservation) ON t.request_id = placed.request_id
       WHERE r.id = placed.request_id)
     SELECT ${ORDER_COLUMNS}, o.request_id FROM placed o`,
    [
      jobs.map((j) => j.requestId),
      jobs.map((j) => j.userId),
      jobs.map((j) => j.eventId),
      jobs.map((j) => j.quantity),
      jobs.map((j) => j.reservation),
      jobs.map((j) => prices.get(j.eventId)!),
    ],
  );
  return rows;
}

export async function markRefused(client: DbClient, refusals: { requestId: string; code: PurchaseRefusal }[]): Promise<void> {
  if (refusals.length === 0) return;
  await client.query(
    `UPDATE purchase_requests r SET status = 'failed', error_code = t.code, decided_at = now()
     FROM unnest($1::uuid[], $2::text[]) AS t(id, code) WHERE r.id = t.id AND r.status = 'queued'`,
    [refusals.map((r) => r.requestId), refusals.map((r) => r.code)],
  );
}
