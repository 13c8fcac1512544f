// The bench database: recreated each run, seeded with plain SQL, dropped at the end.
const pg = require('pg');

// User n (1-based) gets a fixed UUID whose last group is 100000000000 + n: twelve decimal
// digits are valid hex, so pgbench, which has no string functions, can build it with `||`.
const USER_NUMBER_BASE = 100_000_000_000;
const USER_UUID_PREFIX = '00000000-0000-4000-8000-';
const userId = (n) => `${USER_UUID_PREFIX}${USER_NUMBER_BASE + n}`;
/** SQL that turns an integer expression (USER_NUMBER_BASE + n) into the same UUID. */
const userUuidSql = (numberExpression) => `('${USER_UUID_PREFIX}' || ${numberExpression})::uuid`;

// Enough units that no phase can sell out, and a per-user limit no reuse of a user can reach.
const UNITS_PER_SALE = 10_000_000;
const MAX_PER_USER = 1_000_000;

async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url, application_name: 'flashfast-bench' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function dropDatabase(adminUrl, name) {
  await withClient(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
}

async function recreateDatabase(adminUrl, name) {
  await dropDatabase(adminUrl, name);
  await withClient(adminUrl, (admin) => admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
}

/**
 * Users (all with one bcrypt hash), a product and one live sale per phase, so that every phase
 * starts from a fresh sale row and can be checked on its own afterwards.
 */
async function seed(databaseUrl, { users, passwordHash, phases }) {
  return withClient(databaseUrl, async (db) => {
    await db.query(
      `INSERT INTO users (id, name, email, password_hash)
       SELECT ${userUuidSql(`${USER_NUMBER_BASE} + n`)}, 'Bench buyer ' || n, 'bench-' || n || '@bench.test', $1
       FROM generate_series(1, $2::int) AS n`,
      [passwordHash, users],
    );
    const product = await db.query(
      `INSERT INTO products (name, price, stock) VALUES ('Bench widget', 19.99, 0) RETURNING id`,
    );
    const events = {};
    for (const phase of phases) {
      const { rows } = await db.query(
        `INSERT INTO flash_sale_events
           (product_id, start_time, end_time, allocated_stock, available_stock, sale_price, max_per_user)
         VALUES ($1, now() - interval '1 minute', now() + interval '1 hour', $2, $2, 9.99, $3) RETURNING id`,
        [product.rows[0].id, UNITS_PER_SALE, MAX_PER_USER],
      );
      events[phase] = rows[0].id;
    }
    await db.query('VACUUM ANALYZE');
    return { productId: product.rows[0].id, events };
  });
}

/** Sells these sales out on paper (every unit sold, no orders): the late buyers' sales. */
async function sellOut(databaseUrl, eventIds) {
  await withClient(databaseUrl, (db) =>
    db.query('UPDATE flash_sale_events SET available_stock = 0, sold_quantity = allocated_stock WHERE id = ANY($1::uuid[])', [eventIds]),
  );
}

/** What a phase did to its sale, as the database records it: units sold and orders placed. */
async function saleTally(databaseUrl, eventId) {
  return withClient(databaseUrl, async (db) => {
    const { rows } = await db.query(
      `SELECT e.sold_quantity AS sold, e.available_stock + e.sold_quantity = e.allocated_stock AS balanced,
              (SELECT count(*)::int FROM orders o WHERE o.event_id = e.id) AS orders,
              (SELECT coalesce(sum(quantity), 0)::int FROM event_user_quotas q WHERE q.event_id = e.id) AS quota_units
       FROM flash_sale_events e WHERE e.id = $1`,
      [eventId],
    );
    return rows[0];
  });
}

/** Starts every phase from the same place: no checkpoint pending from the previous phase's writes. */
const checkpoint = (databaseUrl) => withClient(databaseUrl, (db) => db.query('CHECKPOINT'));

async function serverFacts(databaseUrl) {
  return withClient(databaseUrl, async (db) => {
    const { rows } = await db.query(
      `SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS synchronous_commit,
              current_setting('fsync') AS fsync, current_setting('shared_buffers') AS shared_buffers,
              current_setting('max_connections') AS max_connections, current_setting('wal_sync_method') AS wal_sync_method`,
    );
    return rows[0];
  });
}

module.exports = {
  USER_NUMBER_BASE,
  userId,
  userUuidSql,
  recreateDatabase,
  dropDatabase,
  seed,
  sellOut,
  saleTally,
  checkpoint,
  serverFacts,
};
