import { randomUUID } from 'node:crypto';
import type { Deps } from '@flashfast/shared';
import { releaseLock, withLock } from '../src/stock/redis-lock';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';

let deps: Deps;
beforeAll(async () => {
  deps = await createTestDeps();
});
afterAll(async () => {
  await closeTestDeps(deps);
});

const lockKey = () => `${deps.config.REDIS_KEY_PREFIX}lock-test:${randomUUID()}`;

async function untilGone(key: string): Promise<void> {
  for (let i = 0; i < 500; i += 1) {
    if ((await deps.redis.exists(key)) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${key} never expired`);
}

describe('Redis locks with an owner token', () => {
  it('a holder whose lock expired and was taken by another does not release the lock of the new owner', async () => {
    const key = lockKey();
    const outcome = await withLock(deps.redis, key, 100, async () => {
      // This holder is slow: its lock lapses and another process takes the key.
      await untilGone(key);
      expect(await deps.redis.set(key, 'the-new-owner', 'PX', 60_000, 'NX')).toBe('OK');
      return 'done late';
    });

    expect(outcome).toBe('done late');
    expect(await deps.redis.get(key)).toBe('the-new-owner');
  });

  it("a release by a token that does not own the lock deletes nothing; the owner's own release does", async () => {
    const key = lockKey();
    await deps.redis.set(key, 'owner', 'PX', 60_000);

    expect(await releaseLock(deps.redis, key, 'someone-else')).toBe(false);
    expect(await deps.redis.get(key)).toBe('owner');
    expect(await releaseLock(deps.redis, key, 'owner')).toBe(true);
    expect(await deps.redis.exists(key)).toBe(0);
  });

  it('while one owner holds the lock, another does not run its work; the lock is free again after a failed work', async () => {
    const key = lockKey();
    const inner = await withLock(deps.redis, key, 60_000, async () => withLock(deps.redis, key, 60_000, async () => 'ran twice'));
    expect(inner).toBeUndefined();
    await expect(withLock(deps.redis, key, 60_000, async () => Promise.reject(new Error('work failed')))).rejects.toThrow('work failed');
    expect(await deps.redis.exists(key)).toBe(0);
  });
});
