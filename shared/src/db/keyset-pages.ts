import { z } from 'zod';

// Keyset pagination as SQL sees it: the repositories' half of every list (the HTTP half, the
// query parameters and the refusal of a bad cursor, is http/pagination.ts).

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Position after the last row of a page: (created_at in epoch microseconds, id), newest first. */
export interface Cursor {
  createdMicros: string;
  id: string;
}

// At most 16 digits of microseconds (until the year 2286): more would overflow PostgreSQL's bigint
// or timestamp range and fail the query instead of being refused.
const cursorSchema = z.object({ t: z.string().regex(/^\d{1,16}$/), id: z.uuid() });

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.createdMicros, id: cursor.id })).toString('base64url');
}

/** The cursor a page gave out, or undefined for anything else. */
export function parseCursor(raw: string): Cursor | undefined {
  try {
    const parsed = cursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    return { createdMicros: parsed.t, id: parsed.id };
  } catch {
    return undefined;
  }
}

/** SQL fragments for keyset pagination over (created_at, id) DESC; `$n` placeholders start at `first`. */
export const keysetCondition = (alias: string, first: number): string =>
  `(${alias}.created_at, ${alias}.id) < ('epoch'::timestamptz + $${first}::bigint * interval '1 microsecond', $${first + 1}::uuid)`;

/**
 * The WHERE clause and parameters of one keyset page, newest first: `$1` is the limit + 1, then
 * `alias.column = value` for each filter given (undefined: not filtered), the SQL `conditions`
 * as they are, and the cursor.
 */
export function pageWhere(
  alias: string,
  page: { limit: number; after?: Cursor },
  equals: Record<string, unknown>,
  conditions: string[] = [],
): { where: string; params: unknown[] } {
  const params: unknown[] = [page.limit + 1];
  const all = [...conditions];
  for (const [column, value] of Object.entries(equals)) {
    if (value === undefined) continue;
    params.push(value);
    all.push(`${alias}.${column} = $${params.length}`);
  }
  if (page.after) {
    params.push(page.after.createdMicros, page.after.id);
    all.push(keysetCondition(alias, params.length - 1));
  }
  return { where: all.length > 0 ? `WHERE ${all.join(' AND ')}` : '', params };
}

export const CURSOR_COLUMN = (alias: string): string =>
  `(extract(epoch from ${alias}.created_at) * 1000000)::bigint::text AS cursor_micros`;

/** Builds a page from rows fetched with limit + 1, which tells whether another page exists. */
export function toPage<R extends { id: string; cursor_micros: string }, T>(rows: R[], limit: number, map: (row: R) => T): Page<T> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows[pageRows.length - 1];
  return {
    items: pageRows.map(map),
    nextCursor: rows.length > limit && last ? encodeCursor({ createdMicros: last.cursor_micros, id: last.id }) : null,
  };
}
