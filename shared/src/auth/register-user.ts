import { AppError } from '../platform/app-error';
import { isUniqueViolation } from '../platform/db';
import type { Deps } from '../platform/deps';
import type { RegisterInput } from './auth.schema';
import { signToken } from './tokens';
import { insertUser, type User } from './users.repository';

export interface Session {
  user: User;
  token: string;
}

export async function registerUser(deps: Pick<Deps, 'db' | 'config' | 'passwords'>, input: RegisterInput): Promise<Session> {
  const passwordHash = await deps.passwords.hash(input.password);
  try {
    const user = await insertUser(deps.db, { name: input.name, email: input.email, passwordHash, role: 'customer' });
    return { user, token: signToken(deps.config, { userId: user.id, role: user.role }) };
  } catch (error) {
    if (isUniqueViolation(error, 'users_email_key')) {
      throw new AppError('EMAIL_TAKEN', 'an account with this email already exists');
    }
    throw error;
  }
}
