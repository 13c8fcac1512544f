import type { Queryable } from '../platform/db';
import { moneyToJson } from '../platform/money';
import { CURSOR_COLUMN, keysetCondition, toPage, type Cursor, type Page } from '../db/keyset-pages';
import type { CreateProductInput, UpdateProductInput } from './product.schema';

export interface Product {
  id: string;
  name: string;
  price: number;
  stock: number;
  image: string | null;
  createdAt: string;
  updatedAt: string;
}

interface ProductRow {
  id: string;
  name: string;
  price: string;
  stock: number;
  image: string | null;
  created_at: Date;
  updated_at: Date;
  cursor_micros: string;
}

const COLUMNS = `p.id, p.name, p.price, p.stock, p.image, p.created_at, p.updated_at, ${CURSOR_COLUMN('p')}`;

const toProduct = (row: ProductRow): Product => ({
  id: row.id,
  name: row.name,
  price: moneyToJson(row.price),
  stock: row.stock,
  image: row.image,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export async function insertProduct(db: Queryable, input: CreateProductInput): Promise<Product> {
  const { rows } = await db.query<ProductRow>(
    `INSERT INTO products AS p (name, price, stock, image) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [input.name, input.price, input.stock, input.image ?? null],
  );
  return toProduct(rows[0]!);
}

export async function findProduct(db: Queryable, id: string): Promise<Product | undefined> {
  const { rows } = await db.query<ProductRow>(`SELECT ${COLUMNS} FROM products p WHERE p.id = $1`, [id]);
  return rows[0] && toProduct(rows[0]);
}

export async function listProducts(db: Queryable, page: { limit: number; after?: Cursor }): Promise<Page<Product>> {
  const params: unknown[] = [page.limit + 1];
  let where = '';
  if (page.after) {
    params.push(page.after.createdMicros, page.after.id);
    where = `WHERE ${keysetCondition('p', 2)}`;
  }
  const { rows } = await db.query<ProductRow>(
    `SELECT ${COLUMNS} FROM products p ${where} ORDER BY p.created_at DESC, p.id DESC LIMIT $1`,
    params,
  );
  return toPage(rows, page.limit, toProduct);
}

export async function updateProduct(db: Queryable, id: string, input: UpdateProductInput): Promise<Product | undefined> {
  // COALESCE keeps a column when its field is absent; `image` may be set to null explicitly.
  const { rows } = await db.query<ProductRow>(
    `UPDATE products AS p SET
       name = COALESCE($2, p.name),
       price = COALESCE($3, p.price),
       stock = COALESCE($4, p.stock),
       image = CASE WHEN $5::boolean THEN $6 ELSE p.image END,
       updated_at = now()
     WHERE p.id = $1 RETURNING ${COLUMNS}`,
    [id, input.name ?? null, input.price ?? null, input.stock ?? null, input.image !== undefined, input.image ?? null],
  );
  return rows[0] && toProduct(rows[0]);
}

export async function deleteProduct(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM products WHERE id = $1', [id]);
  return rowCount === 1;
}
