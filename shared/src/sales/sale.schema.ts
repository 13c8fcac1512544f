import { z } from 'zod';
import { MAX_UNITS, moneySchema } from '../products/product.schema';

export const MAX_PER_USER_LIMIT = 10_000;

// abort: a malformed time ends parsing, so the refinements below never get a string for a Date.
const instant = z.iso.datetime({ offset: true, abort: true }).transform((value) => new Date(value));

export const createSaleBody = z
  .strictObject({
    productId: z.uuid(),
    startTime: instant,
    endTime: instant,
    availableStock: z.number().int().min(1).max(MAX_UNITS),
    salePrice: moneySchema.optional(),
    maxPerUser: z.number().int().min(1).max(MAX_PER_USER_LIMIT).default(1),
  })
  .refine((sale) => sale.endTime > sale.startTime, { message: 'endTime must be after startTime', path: ['endTime'] })
  .refine((sale) => sale.endTime.getTime() > Date.now(), { message: 'endTime must be in the future', path: ['endTime'] });
export type CreateSaleInput = z.infer<typeof createSaleBody>;

export const updateSaleBody = z
  .strictObject({ startTime: instant, endTime: instant, isActive: z.boolean() })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to update' });
export type UpdateSaleInput = z.infer<typeof updateSaleBody>;

export const saleListFilters = {
  active: z.enum(['true', 'false']).optional(),
  productId: z.uuid().optional(),
};
