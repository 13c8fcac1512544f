import type { Queryable } from '../platform/db';
import type { AuthChange } from './revocation-list';
import type { Role } from './tokens';

interface ChangeRow {
  horizon: string;
  user_id: string | null;
  role: Role | null;
  token_id: string | null;
  token_expires_at: Date | null;
  changed_at: Date | null;
}

export interface ChangesSince {
  changes: AuthChange[];
  /** Every transaction below this one had finished when the changes were read: pass it to the next read. */
  horizon: string;
}

// One statement, so one snapshot: its xmin (the horizon) and the rows read agree. Each changed
// account is joined with its row as it stands now (none: removed), so applying the rows is idempotent.
const selectChanges = (where: string) => `
  SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon,
         c.user_id, u.role, c.token_id, c.token_expires_at, c.changed_at
    FROM (SELECT 1) AS always
    LEFT JOIN auth_changes c ON ${where}
    LEFT JOIN users u ON u.id = c.user_id AND c.token_id IS NULL`;

const toChanges = (rows: ChangeRow[]): ChangesSince => ({
  horizon: rows[0]!.horizon,
  changes: rows
    .filter((row) => row.user_id !== null)
    .map((row) => ({
      userId: row.user_id!,
      role: row.role,
      tokenId: row.token_id,
      tokenExpiresAtMs: row.token_expires_at?.getTime() ?? null,
      changedAtMs: row.changed_at!.getTime(),
    })),
});

/** Start-up: every change younger than `maxAgeSeconds` (a token's lifetime). */
export async function readRecentChanges(db: Queryable, maxAgeSeconds: number): Promise<ChangesSince> {
  const { rows } = await db.query<ChangeRow>(selectChanges(`c.changed_at > now() - make_interval(secs => $1)`), [maxAgeSeconds]);
  return toChanges(rows);
}

/**
 * Every change whose transaction is at or above the last horizon: those committed since the last
 * read, and some read before (harmless). A transaction still open at the last read is above it.
 */
export async function readChangesSince(db: Queryable, horizon: string): Promise<ChangesSince> {
  const { rows } = await db.query<ChangeRow>(selectChanges(`c.xid >= $1::xid8`), [horizon]);
  return toChanges(rows);
}

/** A logout. Twice with the same token records it once. */
export async function insertTokenRevocation(
  db: Queryable,
  revocation: { userId: string; tokenId: string; expiresAtSeconds: number },
): Promise<void> {
  await db.query(
    `INSERT INTO auth_changes (user_id, token_id, token_expires_at) VALUES ($1, $2, to_timestamp($3))
     ON CONFLICT (token_id) WHERE token_id IS NOT NULL DO NOTHING`,
    [revocation.userId, revocation.tokenId, revocation.expiresAtSeconds],
  );
}

/** Rows no live token can be concerned by. */
export async function deleteChangesOlderThan(db: Queryable, maxAgeSeconds: number): Promise<number> {
  const { rowCount } = await db.query(`DELETE FROM auth_changes WHERE changed_at < now() - make_interval(secs => $1)`, [maxAgeSeconds]);
  return rowCount ?? 0;
}
