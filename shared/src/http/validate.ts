import { z } from 'zod';
import { AppError } from '../platform/app-error';

export interface FieldIssue {
  path: string;
  message: string;
}

/** Parses untrusted input at the edge; a failure is a 400 with one entry per bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, where: string): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details: FieldIssue[] = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  throw new AppError('VALIDATION_ERROR', `invalid ${where}`, { details });
}

/** Trimmed, non-empty text that PostgreSQL can store (its text type cannot hold NUL). */
export const storableText = (maxLength: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(maxLength)
    .refine((text) => !text.includes('\0'), 'must not contain NUL characters');
