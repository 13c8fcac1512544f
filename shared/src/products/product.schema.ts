import { z } from 'zod';
import { storableText } from '../http/validate';
import { hasAtMostTwoDecimals } from '../platform/money';

export const MAX_UNITS = 1_000_000_000;

export const moneySchema = z
  .number()
  .min(0)
  .max(99_999_999.99)
  .refine(hasAtMostTwoDecimals, { message: 'at most 2 fractional digits' });

export const unitsSchema = z.number().int().min(0).max(MAX_UNITS);

const imageSchema = z
  .url({ protocol: /^https?$/ })
  .max(2048)
  .nullable();

export const createProductBody = z.strictObject({
  name: storableText(200),
  price: moneySchema,
  stock: unitsSchema,
  image: imageSchema.optional(),
});
export type CreateProductInput = z.infer<typeof createProductBody>;

export const updateProductBody = createProductBody
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'nothing to update' });
export type UpdateProductInput = z.infer<typeof updateProductBody>;

export const idParams = z.strictObject({ id: z.uuid() });
