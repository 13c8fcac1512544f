import type { Config } from '../platform/config';
import type { Deps } from '../platform/deps';
import { upsertAdmin, type User } from './users.repository';

/** Idempotent: run at every start-up with ADMIN_EMAIL/ADMIN_PASSWORD, and by the create-admin CLI. */
export async function ensureAdmin(
  deps: Pick<Deps, 'db' | 'passwords'>,
  admin: { email: string; password: string; name?: string },
): Promise<User> {
  return upsertAdmin(deps.db, {
    name: admin.name ?? 'Administrator',
    email: admin.email.trim().toLowerCase(),
    passwordHash: await deps.passwords.hash(admin.password),
  });
}

/**
 * Makes sure the admin named by ADMIN_EMAIL/ADMIN_PASSWORD exists (created, or promoted and its
 * password reset), and says so in the log, so an operator sees it took effect.
 */
export async function ensureConfiguredAdmin(deps: Pick<Deps, 'db' | 'passwords' | 'logger'>, config: Config): Promise<void> {
  if (!config.ADMIN_EMAIL || !config.ADMIN_PASSWORD) return;
  const admin = await ensureAdmin(deps, { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD });
  deps.logger.info({ adminId: admin.id, email: admin.email }, 'admin from ADMIN_EMAIL is ready');
}
