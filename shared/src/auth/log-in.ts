import { AppError } from '../platform/app-error';
import type { Deps } from '../platform/deps';
import type { LoginInput } from './auth.schema';
import { MAX_PASSWORD_BYTES } from './passwords';
import type { Session } from './register-user';
import { signToken } from './tokens';
import { findUserWithHashByEmail } from './users.repository';

export async function logIn(deps: Pick<Deps, 'db' | 'config' | 'passwords'>, input: LoginInput): Promise<Session> {
  const found = await findUserWithHashByEmail(deps.db, input.email);
  // Always run bcrypt, even for an unknown email, so response time does not reveal which emails exist.
  const tooLong = Buffer.byteLength(input.password) > MAX_PASSWORD_BYTES;
  const matches = await deps.passwords.verify(tooLong ? '' : input.password, found?.passwordHash);
  if (!found || !matches || tooLong) throw new AppError('UNAUTHENTICATED', 'wrong email or password');
  const { passwordHash: _hash, ...user } = found;
  return { user, token: signToken(deps.config, { userId: user.id, role: user.role }) };
}
