import type { Queryable } from '../platform/db';
import { moneyToJson } from '../platform/money';
import { CURSOR_COLUMN, pageWhere, toPage, type Cursor, type Page } from '../db/keyset-pages';
import type { CreateSaleInput, UpdateSaleInput } from './sale.schema';

export type SaleStatus = 'scheduled' | 'live' | 'sold_out' | 'ended' | 'inactive';

export interface FlashSaleEvent {
  id: string;
  productId: string;
  product: { id: string; name: string; price: number; image: string | null };
  startTime: string;
  endTime: string;
  allocatedStock: number;
  availableStock: number;
  soldQuantity: number;
  salePrice: number;
  maxPerUser: number;
  isActive: boolean;
  status: SaleStatus;
  createdAt: string;
  updatedAt: string;
}

interface SaleRow {
  id: string;
  product_id: string;
  start_time: Date;
  end_time: Date;
  allocated_stock: number;
  available_stock: number;
  sold_quantity: number;
  sale_price: string;
  max_per_user: number;
  is_active: boolean;
  status: SaleStatus;
  created_at: Date;
  updated_at: Date;
  product_name: string;
  product_price: string;
  product_image: string | null;
  cursor_micros: string;
}

/** Status is derived, never stored, and judged by the database clock like the purchase itself. */
export const SALE_STATUS_SQL = `CASE
    WHEN NOT e.is_active THEN 'inactive'
    WHEN now() >= e.end_time THEN 'ended'
    WHEN e.available_stock = 0 THEN 'sold_out'
    WHEN now() < e.start_time THEN 'scheduled'
    ELSE 'live' END`;

const SELECT_SALES = `SELECT e.id, e.product_id, e.start_time, e.end_time, e.allocated_stock, e.available_stock,
    e.sold_quantity, e.sale_price, e.max_per_user, e.is_active, e.created_at, e.updated_at,
    ${SALE_STATUS_SQL} AS status, ${CURSOR_COLUMN('e')},
    p.name AS product_name, p.price AS product_price, p.image AS product_image
  FROM flash_sale_events e JOIN products p ON p.id = e.product_id`;

const toSale = (row: SaleRow): FlashSaleEvent => ({
  id: row.id,
  productId: row.product_id,
  product: { id: row.product_id, name: row.product_name, price: moneyToJson(row.product_price), image: row.product_image },
  startTime: row.start_time.toISOString(),
  endTime: row.end_time.toISOString(),
  allocatedStock: row.allocated_stock,
  availableStock: row.available_stock,
  soldQuantity: row.sold_quantity,
  salePrice: moneyToJson(row.sale_price),
  maxPerUser: row.max_per_user,
  isActive: row.is_active,
  status: row.status,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/**
 * Takes the units from the product and creates the sale in one statement, so the product's
 * stock and the sale's allocation always add up. Undefined when the product is missing or short.
 */
export async function insertSaleAllocatingStock(db: Queryable, input: CreateSaleInput): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `WITH product AS (
       UPDATE products SET stock = stock - $2, updated_at = now()
       WHERE id = $1 AND stock >= $2 RETURNING id, price)
     INSERT INTO flash_sale_events
       (product_id, start_time, end_time, allocated_stock, available_stock, sale_price, max_per_user)
     SELECT id, $3, $4, $2, $2, COALESCE($5::numeric, price), $6 FROM product
     RETURNING id`,
    [input.productId, input.availableStock, input.startTime, input.endTime, input.salePrice ?? null, input.maxPerUser],
  );
  return rows[0]?.id;
}

export async function findSale(db: Queryable, id: string): Promise<FlashSaleEvent | undefined> {
  const { rows } = await db.query<SaleRow>(`${SELECT_SALES} WHERE e.id = $1`, [id]);
  return rows[0] && toSale(rows[0]);
}

export interface SaleFilter {
  limit: number;
  after?: Cursor;
  /** Sales whose window contains now and that are switched on (live or sold out). */
  openNow?: boolean;
  productId?: string;
}

export async function listSales(db: Queryable, filter: SaleFilter): Promise<Page<FlashSaleEvent>> {
  const open = 'e.is_active AND now() >= e.start_time AND now() < e.end_time';
  const conditions = filter.openNow === undefined ? [] : [filter.openNow ? open : `NOT (${open})`];
  const { where, params } = pageWhere('e', filter, { product_id: filter.productId }, conditions);
  const { rows } = await db.query<SaleRow>(
    `${SELECT_SALES} ${where} ORDER BY e.created_at DESC, e.id DESC LIMIT $1`,
    params,
  );
  return toPage(rows, filter.limit, toSale);
}

/** True when the sale exists; the window CHECK constraint rejects an end before the start. */
export async function updateSale(db: Queryable, id: string, input: UpdateSaleInput): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE flash_sale_events SET
       start_time = COALESCE($2, start_time),
       end_time = COALESCE($3, end_time),
       is_active = COALESCE($4, is_active),
       updated_at = now()
     WHERE id = $1`,
    [id, input.startTime ?? null, input.endTime ?? null, input.isActive ?? null],
  );
  return rowCount === 1;
}
