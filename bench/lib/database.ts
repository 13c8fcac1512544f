// The bench database: recreated each run, seeded with plain SQL, dropped at the end.
import { withClient } from '../../scripts/lib/databases';

// User n (1-based) gets a fixed UUID whose last group is 100000000000 + n: twelve decimal
// digits are valid hex, so pgbench, which has no string functions, can build it with `||`.
export const USER_NUMBER_BASE = 100_000_000_000;
const USER_UUID_PREFIX = '00000000-0000-4000-8000-';
export const userId = (n: number): string => `${USER_UUID_PREFIX}${USER_NUMBER_BASE + n}`;
/** SQL that turns an integer expression (USER_NUMBER_BASE + n) into the same UUID. */
export const userUuidSql = (numberExpression: string): string => `('${USER_UUID_PREFIX}' || ${numberExpression})::uuid`;

// Enough units that no phase can sell out, and a per-user limit no reuse of a user can reach.
const UNITS_PER_SALE = 10_000_000;
const MAX_PER_USER = 1_000_000;

/**
 * Users (all with one bcrypt hash), a product and one live sale per phase, so that every phase
 * starts from a fresh sale row and can be checked on its own afterwards.
 */
export interface Seeded {
  productId: string;
  /** The sale of each phase, by phase name. */
  events: Record<string, string>;
}

export async function seed(databaseUrl: string, { users, passwordHash, phases }: { users: number; passwordHash: string; phases: string[] }): Promise<Seeded> {
  return withClient(databaseUrl, async (db) => {
    await db.query(
      `INSERT INTO users (id, name, email, password_hash)
       SELECT ${userUuidSql(`${USER_NUMBER_BASE} + n`)}, 'Bench buyer ' || n, 'bench-' || n || '@bench.test', $1
       FROM generate_series(1, $2::int) AS n`,
      [passwordHash, users],
    );
    const product = await db.query<{ id: string }>(
      `INSERT INTO products (name, price, stock) VALUES ('Bench widget', 19.99, 0) RETURNING id`,
    );
    const events: Record<string, string> = {};
    for (const phase of phases) {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO flash_sale_events
           (product_id, start_time, end_time, allocated_stock, available_stock, sale_price, max_per_user)
         VALUES ($1, now() - interval '1 minute', now() + interval '1 hour', $2, $2, 9.99, $3) RETURNING id`,
        [product.rows[0]!.id, UNITS_PER_SALE, MAX_PER_USER],
      );
      events[phase] = rows[0]!.id;
    }
    await db.query('VACUUM ANALYZE');
    return { productId: product.rows[0]!.id, events };
  });
}

/** Sells these sales out on paper (every unit sold, no orders): the late buyers' sales. */
export async function sellOut(databaseUrl: string, eventIds: string[]): Promise<void> {
  await withClient(databaseUrl, (db) =>
    db.query('UPDATE flash_sale_events SET available_stock = 0, sold_quantity = allocated_stock WHERE id = ANY($1::uuid[])', [eventIds]),
  );
}

/** What a phase did to its sale, as the database records it: units sold and orders placed. */
export interface SaleTally {
  sold: number;
  /** available + sold = allocated */
  balanced: boolean;
  orders: number;
  quota_units: number;
}

export async function saleTally(databaseUrl: string, eventId: string): Promise<SaleTally> {
  return withClient(databaseUrl, async (db) => {
    const { rows } = await db.query<SaleTally>(
      `SELECT e.sold_quantity AS sold, e.available_stock + e.sold_quantity = e.allocated_stock AS balanced,
              (SELECT count(*)::int FROM orders o WHERE o.event_id = e.id) AS orders,
              (SELECT coalesce(sum(quantity), 0)::int FROM event_user_quotas q WHERE q.event_id = e.id) AS quota_units
       FROM flash_sale_events e WHERE e.id = $1`,
      [eventId],
    );
    return rows[0]!;
  });
}

/** Starts every phase from the same place: no checkpoint pending from the previous phase's writes. */
export const checkpoint = (databaseUrl: string): Promise<unknown> => withClient(databaseUrl, (db) => db.query('CHECKPOINT'));

export async function serverFacts(databaseUrl: string): Promise<Record<string, string>> {
  return withClient(databaseUrl, async (db) => {
    const { rows } = await db.query<Record<string, string>>(
      `SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS synchronous_commit,
              current_setting('fsync') AS fsync, current_setting('shared_buffers') AS shared_buffers,
              current_setting('max_connections') AS max_connections, current_setting('wal_sync_method') AS wal_sync_method`,
    );
    return rows[0]!;
  });
}
