// The purchase through node-postgres without HTTP: what the driver and round trips cost.
const pg = require('pg');
const { performance } = require('node:perf_hooks');
const { placePurchase } = require('../../shared/dist/purchases/place-purchase');
const { placeTogether } = require('../../shared/dist/purchases/place-purchases');
const { multiStatementSql, purchaseSql, toPositional } = require('./statements');
const { percentile } = require('./stats');

/** `concurrency` callers in a closed loop for `seconds`, like 64 connections into a pool. */
async function closedLoop({ concurrency, seconds, work }) {
  const latencies = [];
  const outcomes = {};
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const caller = async () => {
    while (performance.now() < deadline) {
      const begun = performance.now();
      let outcome;
      try {
        outcome = (await work()) ? 'placed' : 'refused';
      } catch (error) {
        outcome = error.code ?? 'error';
      }
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if (outcome === 'placed') latencies.push(performance.now() - begun);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: (outcomes.placed ?? 0) / elapsed,
    latencyMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) },
    outcomes,
  };
}

/** Each variant gets a fresh pool of v1's size, its connections opened before the clock starts. */
async function withPool(databaseUrl, size, work) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: size, application_name: 'flashfast-bench' });
  pool.on('error', () => undefined);
  try {
    await Promise.all(Array.from({ length: size }, () => pool.query('SELECT 1')));
    return await work(pool);
  } finally {
    await pool.end();
  }
}

/** BEGIN, lock sale, quota, stock, order, COMMIT: the statements of bench/sql/purchase-multi.sql. */
function multiStatementPurchase(named) {
  const statements = Object.entries(multiStatementSql()).map(([name, sql]) => [name, toPositional(sql)]);
  const sql = Object.fromEntries(statements);
  const run = (client, name, values) =>
    client.query(named ? { name: `bench-${name}`, text: sql[name].text, values: sql[name].bind(values) } : sql[name].text, named ? undefined : sql[name].bind(values));
  return async (pool, input) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const values = { event_id: input.eventId, user_id: input.userId, quantity: input.quantity };
      const sale = (await run(client, 'lockSale', values)).rows[0];
      const quota = sale?.sale_ok ? (await run(client, 'takeQuota', { ...values, ...sale })).rows[0] : undefined;
      if (!quota?.quota_ok) {
        await client.query('ROLLBACK');
        return false;
      }
      const stock = (await run(client, 'takeStock', values)).rows[0];
      await run(client, 'placeOrder', { ...values, ...stock });
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
}

/** The variants, each `(pool, input) => Promise<boolean placed>`. */
function nodeVariants() {
  const text = purchaseSql();
  return {
    'single statement, placePurchase (as v1)': async (pool, input) => {
      await placePurchase(pool, input);
      return true;
    },
    'single statement, named (prepared)': async (pool, input) => {
      const values = [input.eventId, input.userId, input.quantity, null];
      const { rows } = await pool.query({ name: 'bench-purchase', text, values });
      return Boolean(rows[0]?.id);
    },
    'multi-statement, unnamed': multiStatementPurchase(false),
    'multi-statement, named (prepared)': multiStatementPurchase(true),
  };
}

async function runNodeVariant({ databaseUrl, poolSize, concurrency, seconds, variant, eventId, randomUser }) {
  return withPool(databaseUrl, poolSize, (pool) =>
    closedLoop({ concurrency, seconds, work: () => variant(pool, { eventId, userId: randomUser(), quantity: 1 }) }),
  );
}

/**
 * A lone purchase (one caller, one at a time, as when nobody else is buying): v1's single
 * statement against the batch's transaction with one purchase in it. v1 takes the faster.
 */
const loneWays = {
  'single statement': async (pool, input) => {
    await placePurchase(pool, input);
    return true;
  },
  'batch transaction of one': async (pool, input) => {
    const [result] = await placeTogether(pool, [input]);
    if (!result.ok) throw result.error;
    return true;
  },
};

async function runLonePurchases({ databaseUrl, seconds, way, eventId, randomUser }) {
  return withPool(databaseUrl, 1, (pool) =>
    closedLoop({ concurrency: 1, seconds, work: () => loneWays[way](pool, { eventId, userId: randomUser(), quantity: 1 }) }),
  );
}

module.exports = { nodeVariants, runNodeVariant, loneWays, runLonePurchases };
