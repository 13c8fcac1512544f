// By path, not by package name: Jest's global setup loads this file without the test environment's module mapping.
import { loadConfig } from '../../src/platform/config';

// Where the tests reach the machine's PostgreSQL and Redis: the configuration's own defaults, so the
// address is written once in the repository (shared/src/platform/config.ts).
const defaults = loadConfig({});

const withPath = (url: string, pathname: string): string => {
  const parsed = new URL(url);
  parsed.pathname = pathname;
  return parsed.toString();
};

/** The maintenance database, to create and drop the run's databases; TEST_POSTGRES_ADMIN_URL points elsewhere. */
export const postgresAdminUrl = (): string => process.env.TEST_POSTGRES_ADMIN_URL ?? withPath(defaults.DATABASE_URL, '/postgres');

/** The machine's Redis; `database` picks one of its numbered databases (for a test that flushes it). */
export const testRedisUrl = (database?: number): string =>
  database === undefined ? defaults.REDIS_URL : withPath(defaults.REDIS_URL, `/${database}`);
