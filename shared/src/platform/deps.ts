import type { Config } from './config';
import { createDb, ensureDatabase, type Db, type DbOptions } from './db';
import { createLogger, type Logger } from './logger';
import { createMetrics, type Metrics } from './metrics';
import { createRedis, type Redis } from './redis';
import { migrate } from '../db/migrate';
import { createPasswordHasher, type PasswordHasher } from '../auth/passwords';
import { startAuthenticator, type Authenticator } from '../auth/authenticator';

/** Everything a use case or route may need, built once in a main*.ts and passed down explicitly. */
export interface Deps {
  config: Config;
  logger: Logger;
  db: Db;
  redis: Redis;
  metrics: Metrics;
  passwords: PasswordHasher;
  auth: Authenticator;
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
  const redis = createRedis(config, processName);
  return {
    config,
    logger,
    db,
    redis,
    metrics: createMetrics(processName),
    passwords: createPasswordHasher(config.BCRYPT_ROUNDS),
    auth: await startAuthenticator({ config, logger, db, redis }, processName),
  };
}

export async function closeDeps(deps: Pick<Deps, 'db' | 'redis' | 'auth'>): Promise<void> {
  await deps.auth.close();
  await Promise.allSettled([deps.db.end(), deps.redis.quit()]);
}
