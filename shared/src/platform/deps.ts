import type { Config } from './config';
import { createDb, ensureDatabase, type Db, type DbOptions } from './db';
import { createLogger, type Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { createRedis, logConnectionState, type Redis } from './redis';
import { untilReachable } from './startup';
import { migrate } from '../db/migrate';
import { createPasswordHasher, type PasswordHasher } from '../auth/passwords';
import { startAuthenticator, type Authenticator } from '../auth/authenticator';
import { SoldOutChannel } from '../purchases/sold-out-channel';

/** Everything a use case or route may need, built once in a main*.ts and passed down explicitly. */
export interface Deps {
  config: Config;
  logger: Logger;
  db: Db;
  redis: Redis;
  metrics: Metrics;
  passwords: PasswordHasher;
  auth: Authenticator;
  /** Sales this process knows refuse every buyer, kept honest through Redis pub/sub. */
  soldOut: SoldOutChannel;
}

/**
 * Connects to PostgreSQL (creating and migrating the database) and Redis, waiting for each up
 * to STARTUP_RETRY_FOR_MS (a StartupError names the key and address after that); Redis is not
 * waited for when `redisOptional`.
 */
export async function createDeps(
  config: Config,
  processName: string,
  dbOptions: DbOptions = {},
  { redisOptional = false }: { redisOptional?: boolean } = {},
): Promise<Deps> {
  const logger = createLogger(config, processName);
  if (config.jwtSecretGenerated) {
    logger.warn('JWT_SECRET is not set: using a random one, so tokens will not survive a restart');
  }
  const retryFor = config.STARTUP_RETRY_FOR_MS;
  await untilReachable(logger, { name: 'PostgreSQL', key: 'DATABASE_URL', url: config.DATABASE_URL }, retryFor, async () => {
    await ensureDatabase(config.DATABASE_URL);
    // Migrations run without statement timeouts, on a connection of their own.
    const migrator = createDb({ ...config, DATABASE_POOL_SIZE: 1 }, `${processName}-migrate`, { untimed: true });
    try {
      const { applied } = await migrate(migrator);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
    } finally {
      await migrator.end();
    }
  });
  const db = createDb(config, processName, dbOptions);
  const redis = createRedis(config, processName);
  try {
    // A process that works without Redis (v1) starts at once; its client keeps reconnecting.
    if (!redisOptional) await untilReachable(logger, { name: 'Redis', key: 'REDIS_URL', url: config.REDIS_URL }, retryFor, () => redis.ping());
  } catch (error) {
    await Promise.allSettled([db.end(), closeRedis(redis)]);
    throw error;
  }
  logConnectionState(redis, logger, config, processName);
  return {
    config,
    logger,
    db,
    redis,
    metrics: createMetrics(processName),
    passwords: createPasswordHasher(config.BCRYPT_ROUNDS),
    auth: await startAuthenticator({ config, logger, db, redis }, processName),
    soldOut: new SoldOutChannel(config, redis, logger, processName),
  };
}

/** Closes them all; a Redis that is unreachable is disconnected rather than waited for. */
export async function closeDeps(deps: Pick<Deps, 'db' | 'redis' | 'auth'> & Partial<Pick<Deps, 'soldOut'>>): Promise<void> {
  await deps.soldOut?.close();
  await deps.auth.close();
  await Promise.allSettled([deps.db.end(), closeRedis(deps.redis)]);
}

export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await redis.quit().catch(() => redis.disconnect());
}
