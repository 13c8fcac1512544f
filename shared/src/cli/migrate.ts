import { createDb, ensureDatabase } from '../platform/db';
import { loadConfig } from '../platform/config';
import { runMain } from '../platform/run-main';
import { migrate } from '../db/migrate';

/** `npm run migrate`: creates the database if needed and applies pending migrations. */
async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const db = createDb(config, 'migrate', { untimed: true });
  try {
    const { applied } = await migrate(db);
    console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await db.end();
  }
}

runMain(main);
