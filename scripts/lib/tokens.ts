// Bearer tokens for the tools' buyers, signed as production signs them (shared/src/auth/tokens.ts),
// so a benchmark or load test pays for and proves the same verification a real buyer does.
import { signToken } from '@flashfast/shared/auth/tokens';

/** A customer's token for `userId`, valid for `expiresIn` (JWT_EXPIRES_IN's format: 3600, 1h). */
export const customerToken = (jwtSecret: string, userId: string, expiresIn = '1h'): string =>
  signToken({ JWT_SECRET: jwtSecret, JWT_EXPIRES_IN: expiresIn }, { userId, role: 'customer' });
