import { z } from 'zod';
import { AppError } from '../platform/app-error';
import { parseCursor, type Cursor } from '../db/keyset-pages';

/** The cursor of a list's `?cursor=`, or a 400 for anything no page gave out. */
export function decodeCursor(raw: string): Cursor {
  const cursor = parseCursor(raw);
  if (cursor) return cursor;
  throw new AppError('VALIDATION_ERROR', 'invalid cursor', {
    details: [{ path: 'query.cursor', message: 'not a cursor from this API' }],
  });
}

/** Query parameters shared by every list; the page size has a hard maximum from configuration. */
export const pageQuery = (maxPageSize: number) => ({
  limit: z.coerce.number().int().min(1).max(maxPageSize).default(Math.min(20, maxPageSize)),
  cursor: z.string().max(200).optional(),
});
