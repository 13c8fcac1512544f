import pg from 'pg';
import type { Config } from './config';
import { isDependencyFailure } from './dependency-failures';

export type Db = pg.Pool;
export type DbClient = pg.PoolClient;
/** Anything that can run a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

export interface DbOptions {
  /**
   * Plan every execution for its parameters. A long-lived connection otherwise keeps the plans of
   * foreign-key checks made while a table was small (a sequential scan of `orders`, say) long
   * after it has grown: the worker's batch writes slowed from ~17 ms to ~150 ms that way.
   */
  customPlans?: boolean;
  /** No statement or query timeout (migrations: a long index build is not a hung server). */
  untimed?: boolean;
}

/** Client-side grace beyond the server's statement_timeout, for a server that does not answer at all (paused). */
const QUERY_TIMEOUT_GRACE_MS = 1_000;

export function createDb(
  config: Pick<Config, 'DATABASE_URL' | 'DATABASE_POOL_SIZE' | 'DATABASE_STATEMENT_TIMEOUT_MS'>,
  applicationName: string,
  options: DbOptions = {},
): Db {
  const pool = new pg.Pool({
    connectionString: config.DATABASE_URL,
    max: config.DATABASE_POOL_SIZE,
    application_name: applicationName,
    ...(options.customPlans ? { options: '-c plan_cache_mode=force_custom_plan' } : {}),
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    ...timeouts(options.untimed ? 0 : config.DATABASE_STATEMENT_TIMEOUT_MS),
  });
  // An idle client losing its server connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor may a checked-out one: the pool drops its own listener while a client is lent out, and
  // an 'error' event without a listener would throw. The failed query rejects on its own.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * The server stops a statement after `ms` (a lock wait, a slow plan); the client gives up a
 * moment later if the server does not answer at all (paused, partitioned), so that a request
 * path answers 503 instead of hanging. 0 turns both off.
 */
function timeouts(ms: number): Pick<pg.PoolConfig, 'statement_timeout' | 'query_timeout'> {
  return ms === 0 ? {} : { statement_timeout: ms, query_timeout: ms + QUERY_TIMEOUT_GRACE_MS };
}

/** Creates the database named in the URL if it does not exist yet (local and CI convenience). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  // A connection lost mid-way fails the query below; without a listener its 'error' event would throw.
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).catch((error: { code?: string }) => {
        // Another process created it between our check and our CREATE.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
    }
  } finally {
    await admin.end();
  }
}

export async function withTransaction<T>(db: Db, work: (client: DbClient) => Promise<T>): Promise<T> {
  return transactionOn(await db.connect(), work);
}

/**
 * BEGIN, `work`, then `commit` (a plain COMMIT unless the caller must learn what a lost COMMIT
 * did) on a client just taken from the pool, which it gives back. Any failure rolls back.
 */
export async function transactionOn<T>(
  client: DbClient,
  work: (client: DbClient) => Promise<T>,
  commit: (client: DbClient, result: T) => Promise<unknown> = (c) => c.query('COMMIT'),
): Promise<T> {
  // A connection that failed (or whose ROLLBACK failed) goes, never back to the pool.
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await commit(client, result);
    return result;
  } catch (error) {
    if (isDependencyFailure(error)) broken = error as Error;
    await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}

export const isUniqueViolation = (error: unknown, constraint?: string): boolean => {
  const pgError = error as { code?: string; constraint?: string };
  return pgError.code === '23505' && (constraint === undefined || pgError.constraint === constraint);
};
