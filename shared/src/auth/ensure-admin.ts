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
