import type { Config } from './config';
import { createDb, ensureDatabase, type Db, type DbOptions } from './db';
import { createLogger, type Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { createRedis, type Redis } from './redis';
import { migrate } from '../db/migrate';
import { createPasswordHasher, type PasswordHasher } from '../auth/passwords';

/** Everything a use case or route may need, built once in a main*.ts and passed down explicitly. */
export interface Deps {
  config: Config;
  logger: Logger;
  db: Db;
  redis: Redis;
  metrics: Metrics;
  passwords: PasswordHasher;
}

/** Connects to PostgreSQL (creating and migrating the database) and Redis. */
export async function createDeps(config: Config, processName: string, dbOptions: DbOptions = {}): Promise<Deps> {
  const logger = createLogger(config, processName);
  if (config.jwtSecretGenerated) {
    logger.warn('JWT_SECRET is not set: using a random one, so tokens will not survive a restart');
  }
  await ensureDatabase(config.DATABASE_URL);
  const db = createDb(config, processName, dbOptions);
  const { applied } = await migrate(db);
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  return {
    config,
    logger,
    db,
    redis: createRedis(config, processName),
    metrics: createMetrics(processName),
    passwords: createPasswordHasher(config.BCRYPT_ROUNDS),
  };
}

export async function closeDeps(deps: Pick<Deps, 'db' | 'redis'>): Promise<void> {
  await Promise.allSettled([deps.db.end(), deps.redis.quit()]);
}
