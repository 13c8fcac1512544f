import { randomUUID } from 'node:crypto';
import type { Deps } from '@flashfast/shared';
import { createSale, createUser, type TestSale, type TestUser } from '../factories';
import type { ServedApp } from '../support/http';
import { closeTestDeps, createTestDeps } from '../support/test-deps';
import { dropTestDatabase, testDatabaseUrl } from '../support/test-databases';
import type { SecurityTarget } from './target';
import { serveTarget } from '../contract/target';

export type Caller = 'anonymous' | 'customer' | 'admin';
export const CALLERS: readonly Caller[] = ['anonymous', 'customer', 'admin'];

/** A running app with one of everything a route can point at, for one suite. */
export interface World {
  deps: Deps;
  url: string;
  prefix: string;
  customer: TestUser;
  admin: TestUser;
  /** A product with unallocated stock and no sale, so a sale could be created from it. */
  productId: string;
  /** A live sale (maxPerUser 1) and one order of `customer` in it. */
  sale: TestSale;
  orderId: string;
  close(): Promise<void>;
}

/**
 * A database of its own (dropped on close): the suites compare whole tables before and after,
 * which only means something when nobody else writes to them meanwhile.
 */
export async function openWorld(target: SecurityTarget, overrides: Record<string, string> = {}): Promise<World> {
  const databaseUrl = overrides.DATABASE_URL ?? testDatabaseUrl(`sec_${randomUUID().slice(0, 8)}`);
  const ownsDatabase = overrides.DATABASE_URL === undefined;
  const deps = await (target.createDeps ?? createTestDeps)({ ...overrides, DATABASE_URL: databaseUrl });
  const server: ServedApp = await serveTarget(target, deps);
  const [customer, admin] = await Promise.all([createUser(deps, 'customer'), createUser(deps, 'admin')]);
  const { rows } = await deps.db.query<{ id: string }>(
    `INSERT INTO products (name, price, stock) VALUES ('Security product', 10, 50) RETURNING id`,
  );
  const sale = await createSale(deps, { units: 20, maxPerUser: 1 });
  const orderId = await insertOrder(deps, customer.id, sale.id);
  return {
    deps,
    url: server.url,
    prefix: target.prefix,
    customer,
    admin,
    productId: rows[0]!.id,
    sale,
    orderId,
    close: async () => {
      await server.close();
      await (target.closeDeps ?? closeTestDeps)(deps);
      if (ownsDatabase) await dropTestDatabase(databaseUrl);
    },
  };
}


/** An order written straight to the database, keeping the sale's stock balance, so it works for v1 and v2 alike. */
export async function insertOrder(deps: Deps, userId: string, eventId: string, quantity = 1): Promise<string> {
  const { rows } = await deps.db.query<{ id: string }>(
    `WITH sold AS (
       UPDATE flash_sale_events SET available_stock = available_stock - $3, sold_quantity = sold_quantity + $3
       WHERE id = $2 RETURNING id, product_id, sale_price)
     INSERT INTO orders (user_id, product_id, event_id, quantity, unit_price, total_price)
     SELECT $1, product_id, id, $3, sale_price, sale_price * $3 FROM sold RETURNING id`,
    [userId, eventId, quantity],
  );
  return rows[0]!.id;
}

export function authHeader(world: World, caller: Caller): Record<string, string> {
  if (caller === 'anonymous') return {};
  return { authorization: `Bearer ${world[caller].token}` };
}

/**
 * A digest of every row the API can write. Equal before and after means a batch of refused
 * requests created, changed and deleted nothing (timestamps included).
 */
export async function dbFingerprint(deps: Deps): Promise<Record<string, string>> {
  const tables = ['users', 'products', 'flash_sale_events', 'orders', 'event_user_quotas'];
  const digests = await Promise.all(
    tables.map(async (table) => {
      const { rows } = await deps.db.query<{ digest: string }>(
        `SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') AS digest FROM ${table} t`,
      );
      return [table, rows[0]!.digest] as const;
    }),
  );
  return Object.fromEntries(digests);
}
