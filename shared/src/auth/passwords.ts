import bcrypt from 'bcryptjs';

/** bcrypt reads at most 72 bytes; longer passwords are refused rather than silently truncated. */
export const MAX_PASSWORD_BYTES = 72;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Compares against a stored hash, or burns the same time against a dummy one when there is none. */
  verify(password: string, storedHash: string | undefined): Promise<boolean>;
}

export function createPasswordHasher(rounds: number): PasswordHasher {
  // A hash of the configured cost, so that an unknown email costs as much as a wrong password.
  const dummyHash = bcrypt.hashSync('not-a-real-password', rounds);
  return {
    hash: (password) => bcrypt.hash(password, rounds),
    verify: async (password, storedHash) => {
      const matches = await bcrypt.compare(password, storedHash ?? dummyHash);
      return matches && storedHash !== undefined;
    },
  };
}
