import { createHash, createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { AppError } from '../platform/app-error';
import type { Config } from '../platform/config';

export type Role = 'customer' | 'admin';

export interface Principal {
  userId: string;
  /** The account's role now (see RevocationList), not necessarily the one written in the token. */
  role: Role;
  /** Names this one token (a hash of its signature): what a logout revokes. */
  tokenId: string;
  /** Seconds since the epoch (`exp`). */
  expiresAt: number;
}

const claimsSchema = z.object({
  sub: z.uuid(),
  role: z.enum(['customer', 'admin']),
  exp: z.number(),
  iat: z.number(),
});

type TokenConfig = Pick<Config, 'JWT_SECRET' | 'JWT_EXPIRES_IN'>;

// Given a string, jsonwebtoken first tries to read it as a PEM public key on every call
// (~0.4 ms here, a fifth of a v1 purchase's CPU); a secret KeyObject skips that.
const keys = new Map<string, KeyObject>();
const keyFor = (secret: string): KeyObject => {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = createSecretKey(Buffer.from(secret))));
  return key;
};

const expiresIn = (value: string): number | jwt.SignOptions['expiresIn'] =>
  /^\d+$/.test(value) ? Number(value) : (value as jwt.SignOptions['expiresIn']);

/** JWT_EXPIRES_IN in seconds. */
export function tokenLifetimeSeconds(config: Pick<Config, 'JWT_EXPIRES_IN'>): number {
  const match = /^(\d+)([smhd]?)$/.exec(config.JWT_EXPIRES_IN);
  if (!match) throw new Error(`JWT_EXPIRES_IN is not a duration: ${config.JWT_EXPIRES_IN}`);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(match[1]) * unit;
}

/**
 * The signature is unique per token (signToken adds a random `jti`), so its hash names the token,
 * also one signed elsewhere without a `jti` (the load tester's); the stored hash cannot be replayed.
 */
const tokenIdOf = (token: string): string =>
  createHash('sha256').update(token.slice(token.lastIndexOf('.') + 1)).digest('base64url');

export function signToken(config: TokenConfig, subject: { userId: string; role: Role }): string {
  return jwt.sign({ role: subject.role }, keyFor(config.JWT_SECRET), {
    algorithm: 'HS256',
    subject: subject.userId,
    jwtid: randomUUID(),
    expiresIn: expiresIn(config.JWT_EXPIRES_IN),
  });
}

/**
 * Verifies with HS256 pinned (no `alg: none`, no algorithm confusion), an expiry required, and an
 * age of at most JWT_EXPIRES_IN whatever `exp` says: revocations are kept that long and no longer.
 * Only the signature and the clock: whether the account still grants the powers is RevocationList's.
 */
export function verifyToken(config: TokenConfig, token: string): Principal {
  let payload: unknown;
  try {
    payload = jwt.verify(token, keyFor(config.JWT_SECRET), { algorithms: ['HS256'], maxAge: tokenLifetimeSeconds(config) });
  } catch (error) {
    const expired = error instanceof jwt.TokenExpiredError;
    throw new AppError('UNAUTHENTICATED', expired ? 'token expired' : 'invalid token');
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new AppError('UNAUTHENTICATED', 'invalid token');
  return { userId: claims.data.sub, role: claims.data.role, tokenId: tokenIdOf(token), expiresAt: claims.data.exp };
}
