import { AppError, notFound } from '../platform/app-error';
import { readAsset } from '../platform/assets';
import { isUniqueViolation, type Queryable } from '../platform/db';
import { purchaseRefused, type PurchaseRefusal } from './purchase-refusals';
import { findOrderByIdempotencyKey, toOrder, type Order, type OrderRow } from '../orders/orders.repository';

export const PURCHASE_SQL = readAsset('purchases', 'purchase.sql');

export interface PurchaseInput {
  eventId: string;
  userId: string;
  quantity: number;
  idempotencyKey?: string;
}

export interface PurchaseResult {
  order: Order;
  /** True when the Idempotency-Key was seen before and this is the first answer again. */
  replayed: boolean;
}

interface PurchaseRow extends Partial<OrderRow> {
  is_active: boolean;
  not_started: boolean;
  ended: boolean;
  max_per_user: number;
  locked: boolean;
}

/** Why a purchase that placed no order was refused, from the sale as the statement saw it. */
function refusal(row: PurchaseRow, quantity: number): PurchaseRefusal {
  if (!row.is_active) return 'SALE_INACTIVE';
  if (row.not_started) return 'SALE_NOT_STARTED';
  if (row.ended) return 'SALE_ENDED';
  if (quantity > row.max_per_user) return 'LIMIT_EXCEEDED';
  // Stock was there under the lock, so the user's quota is what refused it.
  if (row.locked) return 'LIMIT_EXCEEDED';
  return 'SOLD_OUT';
}

async function replay(db: Queryable, input: PurchaseInput): Promise<PurchaseResult | undefined> {
  if (!input.idempotencyKey) return undefined;
  const order = await findOrderByIdempotencyKey(db, input.userId, input.idempotencyKey);
  if (!order) return undefined;
  if (order.eventId !== input.eventId || order.quantity !== input.quantity) {
    throw new AppError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for a different purchase');
  }
  return { order, replayed: true };
}

/** v1: decides a purchase in a single PostgreSQL statement; the answer is final. */
export async function placePurchase(db: Queryable, input: PurchaseInput): Promise<PurchaseResult> {
  let row: PurchaseRow | undefined;
  try {
    // Named: PostgreSQL parses and plans the hot statement once per connection, not per purchase.
    const result = await db.query<PurchaseRow>({
      name: 'flashfast-purchase',
      text: PURCHASE_SQL,
      values: [input.eventId, input.userId, input.quantity, input.idempotencyKey ?? null],
    });
    row = result.rows[0];
  } catch (error) {
    // The same key sent twice at once: the loser's statement rolled back entirely.
    if (isUniqueViolation(error, 'orders_user_idempotency_key')) {
      const first = await replay(db, input);
      if (first) return first;
    }
    throw error;
  }
  if (!row) throw notFound('flash-sale event');
  if (row.id) return { order: toOrder(row as OrderRow), replayed: false };
  // Also after a refusal: a twin with the same key may have committed after our snapshot.
  const first = await replay(db, input);
  if (first) return first;
  throw purchaseRefused(refusal(row, input.quantity));
}
