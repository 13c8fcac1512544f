import { readNamedStatements } from '../platform/assets';
import type { DbClient, Queryable } from '../platform/db';
import type { OrderRow } from '../orders/orders.repository';
import { keyOf, type KeyedOrder, type LockedSale } from './decide-in-order';
import type { PurchaseInput } from './place-purchase';

const SQL = readNamedStatements('purchases', 'purchase-batch.sql');
// Named: parsed and planned once per connection.
const statement = (name: string) => ({ name: `flashfast-batch-${name}`, text: SQL[name]! });
const LOCK_SALE = statement('lock-sale');
const READ_BUYERS = statement('read-buyers');
const WRITE_BATCH = statement('write-batch');

interface SaleRow {
  is_active: boolean;
  available_stock: number;
  max_per_user: number;
  not_started: boolean;
  ended: boolean;
}

/** Locks the sale's row until the transaction ends; undefined when there is no such sale. */
export async function lockSale(client: DbClient, eventId: string): Promise<LockedSale | undefined> {
  const { rows } = await client.query<SaleRow>({ ...LOCK_SALE, values: [eventId] });
  const row = rows[0];
  return (
    row && {
      isActive: row.is_active,
      notStarted: row.not_started,
      ended: row.ended,
      availableStock: row.available_stock,
      maxPerUser: row.max_per_user,
    }
  );
}

interface BuyerRow {
  kind: 'quota' | 'order';
  user_id: string;
  quantity: number;
  order_id: string | null;
  event_id: string | null;
  idempotency_key: string | null;
}

/** The units each of the batch's users holds in the sale, and the orders its keys bought before. */
export async function readBuyers(
  client: DbClient,
  eventId: string,
  purchases: readonly PurchaseInput[],
): Promise<{ quotas: Map<string, number>; keyed: Map<string, KeyedOrder> }> {
  const keyedPurchases = purchases.filter((purchase) => purchase.idempotencyKey !== undefined);
  const { rows } = await client.query<BuyerRow>({
    ...READ_BUYERS,
    values: [
      eventId,
      [...new Set(purchases.map((purchase) => purchase.userId))],
      keyedPurchases.map((purchase) => purchase.userId),
      keyedPurchases.map((purchase) => purchase.idempotencyKey),
    ],
  });
  const quotas = new Map<string, number>();
  const keyed = new Map<string, KeyedOrder>();
  for (const row of rows) {
    if (row.kind === 'quota') quotas.set(row.user_id, row.quantity);
    else keyed.set(keyOf(row.user_id, row.idempotency_key!), { orderId: row.order_id!, eventId: row.event_id!, quantity: row.quantity });
  }
  return { quotas, keyed };
}

export interface BatchWrite {
  eventId: string;
  units: number;
  maxPerUser: number;
  unitsByUser: Map<string, number>;
  /** In arrival order. */
  orders: readonly PurchaseInput[];
}

export type PlacedRow = OrderRow & { idempotency_key: string | null };

/** Takes the units, adds to the quotas and inserts the orders in one statement. */
export async function writeBatch(client: DbClient, write: BatchWrite): Promise<{ rows: PlacedRow[]; quotasTaken: number; xid: string }> {
  const { rows } = await client.query<PlacedRow & { quotas_taken: number; xid: string }>({
    ...WRITE_BATCH,
    values: [
      write.eventId,
      write.units,
      write.maxPerUser,
      [...write.unitsByUser.keys()],
      [...write.unitsByUser.values()],
      write.orders.map((order) => order.userId),
      write.orders.map((order) => order.quantity),
      write.orders.map((order) => order.idempotencyKey ?? null),
    ],
  });
  return { rows, quotasTaken: rows[0]?.quotas_taken ?? 0, xid: rows[0]?.xid ?? '' };
}

/** Whether a transaction committed: 'committed', 'aborted', 'in progress' (PostgreSQL 13+). */
export async function transactionStatus(db: Queryable, xid: string): Promise<string | null> {
  const { rows } = await db.query<{ status: string | null }>('SELECT pg_xact_status($1::xid8) AS status', [xid]);
  return rows[0]?.status ?? null;
}
