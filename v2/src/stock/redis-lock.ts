import { randomUUID } from 'node:crypto';
import type { Redis } from '@flashfast/shared';
import { stockScripts } from './stock-scripts';

/**
 * Runs `work` while holding the Redis lock `key` (for at most `ttlMs`); undefined, without
 * running it, when another owner holds the lock. Each take has a random owner token, and the
 * release (release-lock-1.lua) deletes the key only if it still holds that token: a holder
 * that outlived its lock must not release the lock another owner took since.
 */
export async function withLock<T>(redis: Redis, key: string, ttlMs: number, work: () => Promise<T>): Promise<T | undefined> {
  const token = randomUUID();
  if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return undefined;
  try {
    return await work();
  } finally {
    await releaseLock(redis, key, token);
  }
}

/** Deletes the lock if `token` still owns it; true when it did. */
export async function releaseLock(redis: Redis, key: string, token: string): Promise<boolean> {
  return (await stockScripts(redis)('releaseLock', [key], [token])) === 1;
}
