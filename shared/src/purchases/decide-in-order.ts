import type { PurchaseInput } from './place-purchase';
import type { PurchaseRefusal } from './purchase-refusals';

/** The sale as a batch's transaction sees it under the sale's row lock. */
export interface LockedSale {
  isActive: boolean;
  notStarted: boolean;
  ended: boolean;
  availableStock: number;
  maxPerUser: number;
}

/** An order an Idempotency-Key bought before this batch. */
export interface KeyedOrder {
  orderId: string;
  eventId: string;
  quantity: number;
}

export type Verdict =
  | { kind: 'place' }
  /** The key bought this order before (or earlier in this batch: `index`); this is a repeat. */
  | { kind: 'replay'; orderId: string }
  | { kind: 'replay-in-batch'; index: number }
  | { kind: 'key-reused' }
  | { kind: 'refuse'; code: PurchaseRefusal };

export interface BatchPlan {
  verdicts: Verdict[];
  /** Units placed in all, and per user. */
  units: number;
  unitsByUser: Map<string, number>;
}

export const keyOf = (userId: string, idempotencyKey: string): string => `${userId}\n${idempotencyKey}`;

function refusal(sale: LockedSale, quantity: number, stockLeft: number, userHolds: number): PurchaseRefusal | undefined {
  if (!sale.isActive) return 'SALE_INACTIVE';
  if (sale.notStarted) return 'SALE_NOT_STARTED';
  if (sale.ended) return 'SALE_ENDED';
  if (quantity > sale.maxPerUser) return 'LIMIT_EXCEEDED';
  if (stockLeft < quantity) return 'SOLD_OUT';
  if (userHolds + quantity > sale.maxPerUser) return 'LIMIT_EXCEEDED';
  return undefined;
}

/**
 * v1's rules, applied to the purchases of one sale in arrival order, each seeing the ones before
 * it: the same checks in the same order as purchase.sql and placePurchase. A key that bought
 * before is a repeat (or IDEMPOTENCY_KEY_REUSED for a different purchase) whatever the stock;
 * a refused purchase is not remembered, so a later one with its key is judged on its own.
 * `quotas` are the units each user already holds, `keyed` the orders keys already bought.
 */
export function decideInOrder(
  sale: LockedSale,
  purchases: readonly PurchaseInput[],
  quotas: ReadonlyMap<string, number>,
  keyed: ReadonlyMap<string, KeyedOrder>,
): BatchPlan {
  const plan: BatchPlan = { verdicts: [], units: 0, unitsByUser: new Map() };
  const placedByKey = new Map<string, number>();
  purchases.forEach((purchase, index) => {
    const { userId, quantity, idempotencyKey } = purchase;
    const key = idempotencyKey === undefined ? undefined : keyOf(userId, idempotencyKey);
    const before = key === undefined ? undefined : keyed.get(key);
    const earlier = key === undefined ? undefined : placedByKey.get(key);
    if (before) {
      const same = before.eventId === purchase.eventId && before.quantity === quantity;
      plan.verdicts.push(same ? { kind: 'replay', orderId: before.orderId } : { kind: 'key-reused' });
      return;
    }
    if (earlier !== undefined) {
      const same = purchases[earlier]!.quantity === quantity;
      plan.verdicts.push(same ? { kind: 'replay-in-batch', index: earlier } : { kind: 'key-reused' });
      return;
    }
    const holds = (quotas.get(userId) ?? 0) + (plan.unitsByUser.get(userId) ?? 0);
    const code = refusal(sale, quantity, sale.availableStock - plan.units, holds);
    if (code) {
      plan.verdicts.push({ kind: 'refuse', code });
      return;
    }
    plan.verdicts.push({ kind: 'place' });
    plan.units += quantity;
    plan.unitsByUser.set(userId, (plan.unitsByUser.get(userId) ?? 0) + quantity);
    if (key !== undefined) placedByKey.set(key, index);
  });
  return plan;
}
