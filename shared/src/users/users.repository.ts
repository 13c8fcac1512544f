import type { Queryable } from '../platform/db';
import { CURSOR_COLUMN, pageWhere, toPage, type Cursor, type Page } from '../db/keyset-pages';
import type { Role } from '../auth/tokens';
import type { User } from '../auth/users.repository';

interface UserRow extends User {
  cursor_micros: string;
}

export interface UserFilter {
  limit: number;
  after?: Cursor;
  role?: Role;
  email?: string;
}

/** Accounts for admins, newest first; never a password hash. */
export async function listUsers(db: Queryable, filter: UserFilter): Promise<Page<User>> {
  const { where, params } = pageWhere('u', filter, { role: filter.role, email: filter.email });
  const { rows } = await db.query<UserRow>(
    `SELECT u.id, u.name, u.email, u.role, ${CURSOR_COLUMN('u')} FROM users u ${where}
     ORDER BY u.created_at DESC, u.id DESC LIMIT $1`,
    params,
  );
  return toPage(rows, filter.limit, ({ id, name, email, role }) => ({ id, name, email, role }));
}

export async function countAdmins(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ admins: number }>(`SELECT count(*)::int AS admins FROM users WHERE role = 'admin'`);
  return rows[0]!.admins;
}

export async function updateRole(db: Queryable, id: string, role: Role): Promise<User | undefined> {
  const { rows } = await db.query<User>(
    `UPDATE users SET role = $2, updated_at = now() WHERE id = $1 RETURNING id, name, email, role`,
    [id, role],
  );
  return rows[0];
}
