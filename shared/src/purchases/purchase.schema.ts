import { z } from 'zod';
import { MAX_PER_USER_LIMIT } from '../sales/sale.schema';

// Quantities above the sale's maxPerUser are valid input and refused with LIMIT_EXCEEDED.
export const purchaseBody = z.strictObject({
  quantity: z.number().int().min(1).max(MAX_PER_USER_LIMIT),
});

export const purchaseParams = z.strictObject({ eventId: z.uuid() });

/** Idempotency-Key: printable ASCII, at most 255 characters (it is stored with the order). */
export const idempotencyKeyHeader = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, 'printable ASCII, 1 to 255 characters, no spaces')
  .optional();
