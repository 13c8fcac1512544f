import type { Queryable } from '../platform/db';
import { moneyToJson } from '../platform/money';
import { CURSOR_COLUMN, pageWhere, toPage, type Cursor, type Page } from '../db/keyset-pages';

export interface Order {
  id: string;
  userId: string;
  productId: string;
  eventId: string;
  quantity: number;
  unitPrice: number;
  totalPrice: number;
  status: 'confirmed' | 'failed';
  createdAt: string;
}

export interface OrderRow {
  id: string;
  user_id: string;
  product_id: string;
  event_id: string;
  quantity: number;
  unit_price: string;
  total_price: string;
  status: 'confirmed' | 'failed';
  created_at: Date;
}

export const ORDER_COLUMNS = 'o.id, o.user_id, o.product_id, o.event_id, o.quantity, o.unit_price, o.total_price, o.status, o.created_at';

export const toOrder = (row: OrderRow): Order => ({
  id: row.id,
  userId: row.user_id,
  productId: row.product_id,
  eventId: row.event_id,
  quantity: row.quantity,
  unitPrice: moneyToJson(row.unit_price),
  totalPrice: moneyToJson(row.total_price),
  status: row.status,
  createdAt: row.created_at.toISOString(),
});

/** One order, visible to its owner; `ownerId` undefined means an admin, who sees every order. */
export async function findOrder(db: Queryable, id: string, ownerId: string | undefined): Promise<Order | undefined> {
  const { rows } = await db.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.id = $1 AND ($2::uuid IS NULL OR o.user_id = $2)`,
    [id, ownerId ?? null],
  );
  return rows[0] && toOrder(rows[0]);
}

export async function findOrderByIdempotencyKey(db: Queryable, userId: string, key: string): Promise<Order | undefined> {
  const { rows } = await db.query<OrderRow>(
    `SELECT ${ORDER_COLUMNS} FROM orders o WHERE o.user_id = $1 AND o.idempotency_key = $2`,
    [userId, key],
  );
  return rows[0] && toOrder(rows[0]);
}

export interface OrderFilter {
  limit: number;
  after?: Cursor;
  userId?: string;
  eventId?: string;
}

export async function listOrders(db: Queryable, filter: OrderFilter): Promise<Page<Order>> {
  const { where, params } = pageWhere('o', filter, { user_id: filter.userId, event_id: filter.eventId });
  const { rows } = await db.query<OrderRow & { cursor_micros: string }>(
    `SELECT ${ORDER_COLUMNS}, ${CURSOR_COLUMN('o')} FROM orders o ${where}
     ORDER BY o.created_at DESC, o.id DESC LIMIT $1`,
    params,
  );
  return toPage(rows, filter.limit, toOrder);
}

/** The (user, Idempotency-Key) pairs of a sale's orders, at most `limit`; undefined when there are more. */
export async function idempotencyKeysOfSale(
  db: Queryable,
  eventId: string,
  limit: number,
): Promise<{ userId: string; key: string }[] | undefined> {
  const { rows } = await db.query<{ user_id: string; idempotency_key: string }>(
    'SELECT user_id, idempotency_key FROM orders WHERE event_id = $1 AND idempotency_key IS NOT NULL LIMIT $2',
    [eventId, limit + 1],
  );
  return rows.length > limit ? undefined : rows.map((row) => ({ userId: row.user_id, key: row.idempotency_key }));
}
