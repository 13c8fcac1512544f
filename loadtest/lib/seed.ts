// What a run needs before the spike: buyers with tokens, an admin, a product and a live sale.
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { withClient } from '../../scripts/lib/databases';
import { customerToken } from '../../scripts/lib/tokens';
import { expectStatus, mapLimit, type Http } from './http';
import type { Buyer } from './records';

const BUYER_PASSWORD = 'loadtest-buyer-password';

/** What POST /auth/register and /auth/login answer. */
interface Session {
  token: string;
  user: { id: string; role: string };
}

/** A short id that keeps this run's buyers, products and sales apart from every other run's. */
export const newRunId = (): string => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/**
 * Fast path: every buyer in one INSERT (one precomputed bcrypt hash), tokens signed here with
 * the servers' secret. Needs direct database access and JWT_SECRET.
 */
export async function seedBuyersInDatabase({ databaseUrl, jwtSecret, count, runId }: { databaseUrl: string; jwtSecret: string; count: number; runId: string }): Promise<Buyer[]> {
  const passwordHash = bcrypt.hashSync(BUYER_PASSWORD, 10);
  const rows = await withClient(databaseUrl, async (client) => {
    const { rows: inserted } = await client.query<{ id: string }>(
      `INSERT INTO users (name, email, password_hash)
       SELECT 'Load buyer ' || n, 'load-' || $1::text || '-' || n || '@loadtest.test', $2
       FROM generate_series(1, $3::int) AS n
       RETURNING id`,
      [runId, passwordHash, count],
    );
    await client.query('ANALYZE users');
    return inserted;
  });
  return rows.map(({ id }) => ({ userId: id, token: customerToken(jwtSecret, id, '2h') }));
}

/**
 * Slow path, for a stack whose secret and database the tool does not have: POST /auth/register
 * for each buyer, `concurrency` at a time. The servers hash every password (bcrypt), and their
 * auth rate limit (RATE_LIMIT_AUTH_MAX per window per address) must allow `count` registrations.
 */
export interface RegisterSpec {
  http: Http;
  prefix: string;
  count: number;
  runId: string;
  concurrency?: number;
  onProgress?: (registered: number) => void;
}

export async function registerBuyers({ http, prefix, count, runId, concurrency = 32, onProgress }: RegisterSpec): Promise<Buyer[]> {
  let done = 0;
  return mapLimit(Array.from({ length: count }, (_, i) => i + 1), concurrency, async (n) => {
    const response = await http.json('POST', `${prefix}/auth/register`, {
      body: { name: `Load buyer ${n}`, email: `load-${runId}-${n}@loadtest.test`, password: BUYER_PASSWORD },
    });
    if (response.status === 429) {
      throw new Error('registration was rate limited (429): raise the servers\' RATE_LIMIT_AUTH_MAX, or give --jwt-secret and --database-url to seed directly');
    }
    const body = expectStatus<Session>(response, 201, `registering buyer ${n}`);
    onProgress?.(++done);
    return { userId: body.user.id, token: body.token };
  });
}

/** Logs the admin in; its token creates products and sales and reads every order. */
export async function adminToken({ http, prefix, email, password }: { http: Http; prefix: string; email?: string; password?: string }): Promise<string> {
  const body = expectStatus<Session>(await http.json('POST', `${prefix}/auth/login`, { body: { email, password } }), 200, 'admin login');
  if (body.user.role !== 'admin') throw new Error(`${email} is not an admin`);
  return body.token;
}

/** A product with exactly `stock` units and a sale of all of them, live now for an hour. */
export async function createLiveSale({ http, prefix, token, stock, maxPerUser, name }: { http: Http; prefix: string; token: string; stock: number; maxPerUser: number; name: string }): Promise<{ id: string }> {
  const { product } = expectStatus<{ product: { id: string } }>(
    await http.json('POST', `${prefix}/products`, { token, body: { name, price: 19.99, stock } }),
    201,
    'creating the product',
  );
  const now = Date.now();
  const { event } = expectStatus<{ event: { id: string } }>(
    await http.json('POST', `${prefix}/flashsale-events`, {
      token,
      body: {
        productId: product.id,
        startTime: new Date(now - 1_000).toISOString(),
        endTime: new Date(now + 3_600_000).toISOString(),
        availableStock: stock,
        salePrice: 9.99,
        maxPerUser,
      },
    }),
    201,
    'creating the sale',
  );
  return event;
}

