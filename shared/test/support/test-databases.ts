import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresAdminUrl } from './test-services';

/**
 * Test databases are named per run (`flashfast_t<run>_<label>`), so two test runs on one machine
 * never share rows, and the global teardown drops every database of its run. The run id is made by
 * the global setup and reaches the Jest workers through the environment they inherit.
 */
const RUN_ENV = 'FLASHFAST_TEST_RUN';

export function testRunId(): string {
  // A file run outside Jest's global setup (a single file in an editor) still gets a run of its own.
  process.env[RUN_ENV] ??= randomBytes(4).toString('hex');
  return process.env[RUN_ENV]!;
}

const runPrefix = (): string => `flashfast_t${testRunId()}_`;

/** A database URL of this run; `label` tells the databases of one run apart (a Jest worker, a suite). */
export function testDatabaseUrl(label: string = `w${process.env.JEST_WORKER_ID ?? '0'}`): string {
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${runPrefix()}${label.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  return url.toString();
}

async function withAdmin<T>(use: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: postgresAdminUrl() });
  await admin.connect();
  try {
    return await use(admin);
  } finally {
    await admin.end();
  }
}

export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  await withAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
}

/** Drops every database this run made (the global teardown). */
export async function dropRunDatabases(): Promise<string[]> {
  return withAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
      [runPrefix()],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
    return rows.map((row) => row.datname);
  });
}
