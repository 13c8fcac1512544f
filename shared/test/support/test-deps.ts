import { randomUUID } from 'node:crypto';
import { closeDeps, createDeps, loadConfig, type Deps } from '@flashfast/shared';
import { testDatabaseUrl } from './test-databases';

// One database per Jest worker and run, so files running in parallel never share rows they count.
export { testDatabaseUrl };

/**
 * Real PostgreSQL and Redis with test-friendly settings: a fresh Redis key prefix per call
 * (rate-limit counters never leak between files), cheap bcrypt, quiet logs, generous limits
 * (also Socket.io connections per address: every test client is 127.0.0.1).
 */
export async function createTestDeps(overrides: Record<string, string> = {}, options: { redisOptional?: boolean } = {}): Promise<Deps> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    REDIS_KEY_PREFIX: `test:${randomUUID().slice(0, 8)}:`,
    JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_AUTH_MAX: '100000',
    RATE_LIMIT_PURCHASE_MAX: '100000',
    // Every test client comes from 127.0.0.1.
    SOCKET_MAX_CONNECTIONS_PER_ADDRESS: '100000',
    DATABASE_POOL_SIZE: '20',
    ...overrides,
  });
  return createDeps(config, 'test', {}, options);
}

export async function closeTestDeps(deps: Deps): Promise<void> {
  const keys = await deps.redis.keys(`${deps.config.REDIS_KEY_PREFIX}*`);
  if (keys.length > 0) await deps.redis.del(...keys);
  await closeDeps(deps);
}
