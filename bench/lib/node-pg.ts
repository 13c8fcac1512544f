// The purchase through node-postgres without HTTP: what the driver and round trips cost.
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { placePurchase, type PurchaseInput } from '@flashfast/shared/purchases/place-purchase';
import { placeTogether } from '@flashfast/shared/purchases/place-purchases';
import { multiStatementSql, purchaseSql, toPositional } from './statements';
import { percentile } from '../../scripts/lib/stats';

/** One way of placing a purchase; resolves whether it was placed. */
export type Purchase = (pool: pg.Pool, input: PurchaseInput) => Promise<boolean>;

export interface LoopRun {
  perSecond: number;
  latencyMs: { p50: number | null; p99: number | null };
  /** placed, refused, or the error codes. */
  outcomes: Record<string, number>;
}

/** `concurrency` callers in a closed loop for `seconds`, like 64 connections into a pool. */
async function closedLoop({ concurrency, seconds, work }: { concurrency: number; seconds: number; work: () => Promise<boolean> }): Promise<LoopRun> {
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const caller = async () => {
    while (performance.now() < deadline) {
      const begun = performance.now();
      let outcome;
      try {
        outcome = (await work()) ? 'placed' : 'refused';
      } catch (error) {
        outcome = (error as { code?: string }).code ?? 'error';
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
async function withPool<T>(databaseUrl: string, size: number, work: (pool: pg.Pool) => Promise<T>): Promise<T> {
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
function multiStatementPurchase(named: boolean): Purchase {
  const sql = Object.fromEntries(Object.entries(multiStatementSql()).map(([name, text]) => [name, toPositional(text)]));
  const run = (client: pg.PoolClient, name: string, values: Record<string, unknown>) => {
    const statement = sql[name]!;
    return client.query(named ? { name: `bench-${name}`, text: statement.text, values: statement.bind(values) } : { text: statement.text, values: statement.bind(values) });
  };
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
export function nodeVariants(): Record<string, Purchase> {
  const text = purchaseSql();
  return {
    'single statement, placePurchase (as v1)': async (pool: pg.Pool, input: PurchaseInput) => {
      await placePurchase(pool, input);
      return true;
    },
    'single statement, named (prepared)': async (pool: pg.Pool, input: PurchaseInput) => {
      const values = [input.eventId, input.userId, input.quantity, null];
      const { rows } = await pool.query({ name: 'bench-purchase', text, values });
      return Boolean(rows[0]?.id);
    },
    'multi-statement, unnamed': multiStatementPurchase(false),
    'multi-statement, named (prepared)': multiStatementPurchase(true),
  };
}

export interface VariantSpec {
  databaseUrl: string;
  poolSize: number;
  concurrency: number;
  seconds: number;
  variant: Purchase;
  eventId: string;
  randomUser: () => string;
}

export async function runNodeVariant({ databaseUrl, poolSize, concurrency, seconds, variant, eventId, randomUser }: VariantSpec): Promise<LoopRun> {
  return withPool(databaseUrl, poolSize, (pool) =>
    closedLoop({ concurrency, seconds, work: () => variant(pool, { eventId, userId: randomUser(), quantity: 1 }) }),
  );
}

/**
 * A lone purchase (one caller, one at a time, as when nobody else is buying): v1's single
 * statement against the batch's transaction with one purchase in it. v1 takes the faster.
 */
export const loneWays: Record<'single statement' | 'batch transaction of one', Purchase> = {
  'single statement': async (pool, input) => {
    await placePurchase(pool, input);
    return true;
  },
  'batch transaction of one': async (pool, input) => {
    const [result] = await placeTogether(pool, [input]);
    if (!result?.ok) throw result?.error;
    return true;
  },
};

export type LoneWay = keyof typeof loneWays;

export async function runLonePurchases({ databaseUrl, seconds, way, eventId, randomUser }: Omit<VariantSpec, 'poolSize' | 'concurrency' | 'variant'> & { way: LoneWay }): Promise<LoopRun> {
  return withPool(databaseUrl, 1, (pool) =>
    closedLoop({ concurrency: 1, seconds, work: () => loneWays[way](pool, { eventId, userId: randomUser(), quantity: 1 }) }),
  );
}

