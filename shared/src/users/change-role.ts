import { AppError, notFound } from '../platform/app-error';
import { withTransaction } from '../platform/db';
import type { Deps } from '../platform/deps';
import type { Role } from '../auth/tokens';
import { findUserById, type User } from '../auth/users.repository';
import { countAdmins, updateRole } from './users.repository';

// Any constant works; it only has to be the same in every process (migrate.ts uses 727_001).
const ROLE_CHANGE_LOCK_ID = 727_005;

/**
 * An admin sets an account's role. Role changes run one at a time, so two admins demoting each
 * other at once cannot leave nobody in charge: the last admin cannot be demoted (409 LAST_ADMIN),
 * not even by themselves. The tokens of the account act with the new role everywhere within
 * AUTH_MAX_STALENESS_MS; on this instance, as soon as this resolves.
 */
export async function changeRole(deps: Pick<Deps, 'db' | 'auth'>, userId: string, role: Role): Promise<User> {
  const { user, changed } = await withTransaction(deps.db, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [ROLE_CHANGE_LOCK_ID]);
    const found = await findUserById(client, userId);
    if (!found) throw notFound('user');
    if (found.role === role) return { user: found, changed: false };
    if (found.role === 'admin' && (await countAdmins(client)) <= 1) {
      throw new AppError('LAST_ADMIN', 'this is the last admin: make another admin first');
    }
    return { user: (await updateRole(client, userId, role))!, changed: true };
  });
  if (changed) await deps.auth.accountsChanged();
  return user;
}
