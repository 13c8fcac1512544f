import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ensureAdmin } from '../auth/ensure-admin';
import { emailSchema } from '../auth/auth.schema';
import { createPasswordHasher, MAX_PASSWORD_BYTES } from '../auth/passwords';
import { loadConfig } from '../platform/config';
import { runMain } from '../platform/run-main';
import { createDb, ensureDatabase } from '../platform/db';
import { migrate } from '../db/migrate';

const argsSchema = z.object({
  email: emailSchema,
  password: z.string().min(8).refine((p) => Buffer.byteLength(p) <= MAX_PASSWORD_BYTES, 'at most 72 bytes'),
  name: z.string().trim().min(1).max(100).optional(),
});

/** `npm run create-admin -- --email a@b.c --password ...`: creates an admin or promotes a user. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, password: { type: 'string' }, name: { type: 'string' } },
  });
  const args = argsSchema.safeParse(values);
  if (!args.success) {
    console.error('usage: npm run create-admin -- --email <email> --password <8-72 bytes> [--name <name>]');
    for (const issue of args.error.issues) console.error(`  ${issue.path.join('.')}: ${issue.message}`);
    process.exit(2);
  }
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const db = createDb(config, 'create-admin', { untimed: true });
  try {
    await migrate(db);
    const admin = await ensureAdmin({ db, passwords: createPasswordHasher(config.BCRYPT_ROUNDS) }, args.data);
    console.log(`admin ready: ${admin.email} (${admin.id})`);
  } finally {
    await db.end();
  }
}

runMain(main);
