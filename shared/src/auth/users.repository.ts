import type { Queryable } from '../platform/db';
import type { Role } from './tokens';

export interface User {
  id: string;
  name: string;
  email: string;
  role: Role;
}

interface UserRow extends User {
  password_hash: string;
}

const USER_COLUMNS = 'id, name, email, role';

export async function insertUser(
  db: Queryable,
  user: { name: string; email: string; passwordHash: string; role: Role },
): Promise<User> {
  const { rows } = await db.query<User>(
    `INSERT INTO users (name, email, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLUMNS}`,
    [user.name, user.email, user.passwordHash, user.role],
  );
  return rows[0]!;
}

/** Creates the user, or makes the existing one an admin with the given password. */
export async function upsertAdmin(
  db: Queryable,
  admin: { name: string; email: string; passwordHash: string },
): Promise<User> {
  const { rows } = await db.query<User>(
    `INSERT INTO users (name, email, password_hash, role) VALUES ($1, $2, $3, 'admin')
     ON CONFLICT (email) DO UPDATE SET role = 'admin', password_hash = EXCLUDED.password_hash, updated_at = now()
     RETURNING ${USER_COLUMNS}`,
    [admin.name, admin.email, admin.passwordHash],
  );
  return rows[0]!;
}

export async function findUserWithHashByEmail(
  db: Queryable,
  email: string,
): Promise<(User & { passwordHash: string }) | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT ${USER_COLUMNS}, password_hash FROM users WHERE email = $1`, [
    email,
  ]);
  const row = rows[0];
  if (!row) return undefined;
  const { password_hash: passwordHash, ...user } = row;
  return { ...user, passwordHash };
}

export async function findUserById(db: Queryable, id: string): Promise<User | undefined> {
  const { rows } = await db.query<User>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
  return rows[0];
}
