import { z } from 'zod';
import { storableText } from '../http/validate';
import { MAX_PASSWORD_BYTES } from './passwords';

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email())
  .transform((email) => email.toLowerCase());

const passwordSchema = z
  .string()
  .min(8, 'at least 8 characters')
  .refine((password) => Buffer.byteLength(password) <= MAX_PASSWORD_BYTES, {
    message: `at most ${MAX_PASSWORD_BYTES} bytes`,
  });

// Strict: a `role` (or any other unknown key) is refused, so nobody registers as admin.
export const registerBody = z.strictObject({
  name: storableText(100),
  email: emailSchema,
  password: passwordSchema,
});
export type RegisterInput = z.infer<typeof registerBody>;

export const loginBody = z.strictObject({
  email: emailSchema,
  // No length rule on login beyond the bcrypt cap: old passwords must keep working.
  password: z.string().min(1).max(1024),
});
export type LoginInput = z.infer<typeof loginBody>;
