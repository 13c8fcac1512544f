// What a run needs before the spike: buyers with tokens, an admin, a product and a live sale.
const { createSecretKey, randomBytes } = require('node:crypto');
const bcrypt = require('bcryptjs');
const jwt = require('jsonwebtoken');
const pg = require('pg');
const { expectStatus, mapLimit } = require('./http');

const BUYER_PASSWORD = 'loadtest-buyer-password';

/** A short id that keeps this run's buyers, products and sales apart from every other run's. */
const newRunId = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

/**
 * Fast path: every buyer in one INSERT (one precomputed bcrypt hash), tokens signed here with
 * the servers' secret. Needs direct database access and JWT_SECRET.
 */
async function seedBuyersInDatabase({ databaseUrl, jwtSecret, count, runId }) {
  const passwordHash = bcrypt.hashSync(BUYER_PASSWORD, 10);
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'flashfast-loadtest' });
  await client.connect();
  let rows;
  try {
    ({ rows } = await client.query(
      `INSERT INTO users (name, email, password_hash)
       SELECT 'Load buyer ' || n, 'load-' || $1::text || '-' || n || '@loadtest.test', $2
       FROM generate_series(1, $3::int) AS n
       RETURNING id`,
      [runId, passwordHash, count],
    ));
    await client.query('ANALYZE users');
  } finally {
    await client.end();
  }
  // A KeyObject once: jsonwebtoken would otherwise rebuild the key for every token.
  const key = createSecretKey(Buffer.from(jwtSecret));
  return rows.map(({ id }) => ({
    userId: id,
    token: jwt.sign({ role: 'customer' }, key, { algorithm: 'HS256', subject: id, expiresIn: '2h' }),
  }));
}

/**
 * Slow path, for a stack whose secret and database the tool does not have: POST /auth/register
 * for each buyer, `concurrency` at a time. The servers hash every password (bcrypt), and their
 * auth rate limit (RATE_LIMIT_AUTH_MAX per window per address) must allow `count` registrations.
 */
async function registerBuyers({ http, prefix, count, runId, concurrency = 32, onProgress }) {
  let done = 0;
  return mapLimit(Array.from({ length: count }, (_, i) => i + 1), concurrency, async (n) => {
    const response = await http.json('POST', `${prefix}/auth/register`, {
      body: { name: `Load buyer ${n}`, email: `load-${runId}-${n}@loadtest.test`, password: BUYER_PASSWORD },
    });
    if (response.status === 429) {
      throw new Error('registration was rate limited (429): raise the servers\' RATE_LIMIT_AUTH_MAX, or give --jwt-secret and --database-url to seed directly');
    }
    const body = expectStatus(response, 201, `registering buyer ${n}`);
    onProgress?.(++done);
    return { userId: body.user.id, token: body.token };
  });
}

/** Logs the admin in; its token creates products and sales and reads every order. */
async function adminToken({ http, prefix, email, password }) {
  const body = expectStatus(await http.json('POST', `${prefix}/auth/login`, { body: { email, password } }), 200, 'admin login');
  if (body.user.role !== 'admin') throw new Error(`${email} is not an admin`);
  return body.token;
}

/** A product with exactly `stock` units and a sale of all of them, live now for an hour. */
async function createLiveSale({ http, prefix, token, stock, maxPerUser, name }) {
  const { product } = expectStatus(
    await http.json('POST', `${prefix}/products`, { token, body: { name, price: 19.99, stock } }),
    201,
    'creating the product',
  );
  const now = Date.now();
  const { event } = expectStatus(
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

module.exports = { newRunId, seedBuyersInDatabase, registerBuyers, adminToken, createLiveSale };
