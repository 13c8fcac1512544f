import { randomUUID } from 'node:crypto';
import { insertUser, signToken, type Deps, type Role, type User } from '@flashfast/shared';

export interface TestUser extends User {
  token: string;
  password: string;
}

const PASSWORD = 'correct-horse-battery';
let cachedHash: string | undefined;

/** A user straight in the database (one shared bcrypt hash keeps factories fast) with a valid token. */
export async function createUser(deps: Deps, role: Role = 'customer', name = 'Test User'): Promise<TestUser> {
  cachedHash ??= await deps.passwords.hash(PASSWORD);
  const user = await insertUser(deps.db, {
    name,
    email: `${role}-${randomUUID()}@example.test`,
    passwordHash: cachedHash,
    role,
  });
  return { ...user, password: PASSWORD, token: signToken(deps.config, { userId: user.id, role }) };
}

/** Many customers in one INSERT, for races and spikes. */
export async function createUsers(deps: Deps, count: number): Promise<TestUser[]> {
  cachedHash ??= await deps.passwords.hash(PASSWORD);
  const batch = randomUUID().slice(0, 8);
  const { rows } = await deps.db.query<User>(
    `INSERT INTO users (name, email, password_hash)
     SELECT 'Buyer ' || g, 'buyer-' || $1 || '-' || g || '@example.test', $2 FROM generate_series(1, $3) g
     RETURNING id, name, email, role`,
    [batch, cachedHash, count],
  );
  return rows.map((user) => ({ ...user, password: PASSWORD, token: signToken(deps.config, { userId: user.id, role: user.role }) }));
}

export interface SaleOptions {
  units?: number;
  price?: number;
  salePrice?: number;
  maxPerUser?: number;
  startsInSeconds?: number;
  endsInSeconds?: number;
  isActive?: boolean;
}

export interface TestSale {
  id: string;
  productId: string;
}

/** A product and a flash sale allocating all of its units, live now unless told otherwise. */
export async function createSale(deps: Deps, options: SaleOptions = {}): Promise<TestSale> {
  const units = options.units ?? 10;
  const { rows } = await deps.db.query<{ id: string; product_id: string }>(
    `WITH product AS (
       INSERT INTO products (name, price, stock) VALUES ('Test product', $1, 0) RETURNING id, price)
     INSERT INTO flash_sale_events
       (product_id, start_time, end_time, allocated_stock, available_stock, sale_price, max_per_user, is_active)
     SELECT id, now() + make_interval(secs => $2), now() + make_interval(secs => $3), $4, $4, $5, $6, $7 FROM product
     RETURNING id, product_id`,
    [
      options.price ?? 25,
      options.startsInSeconds ?? -3600,
      options.endsInSeconds ?? 3600,
      units,
      options.salePrice ?? options.price ?? 25,
      options.maxPerUser ?? 1,
      options.isActive ?? true,
    ],
  );
  return { id: rows[0]!.id, productId: rows[0]!.product_id };
}
