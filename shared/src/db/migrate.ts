import { readdirSync } from 'node:fs';
import type { Db } from '../platform/db';
import { assetPath, readAsset } from '../platform/assets';

// Any constant works; it only has to be the same for every process running migrations.
const MIGRATION_LOCK_ID = 727_001;

export interface MigrationResult {
  applied: string[];
}

/**
 * Applies pending `migrations/NNN_name.sql` files in order, each in its own transaction.
 * An advisory lock lets several instances start at once: one migrates, the others wait.
 */
export async function migrate(db: Db): Promise<MigrationResult> {
  const files = readdirSync(assetPath('db', 'migrations'))
    .filter((file) => /^\d{3}_[\w-]+\.sql$/.test(file))
    .sort();
  const client = await db.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set(
      (await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((row) => row.name),
    );
    for (const file of files.filter((name) => !done.has(name))) {
      await client.query('BEGIN');
      try {
        await client.query(readAsset('db', 'migrations', file));
        await client.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
        await client.query('COMMIT');
        applied.push(file);
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    client.release();
  }
  return { applied };
}
