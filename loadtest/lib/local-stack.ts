// --local: v1, the v2 API and one v2 worker as child processes on free ports, with a database
// and a Redis key prefix of their own; all stopped and removed again by `stop()`.
import { randomBytes } from 'node:crypto';
import { databaseUrl as urlOf, dropDatabase, recreateDatabase } from '../../scripts/lib/databases';
import { programPath } from '../../scripts/lib/entry-points';
import { deleteKeys } from '../../scripts/lib/redis-keys';
import { startServer, stopServer, type Server } from '../../scripts/lib/servers';
import type { LocalStackSettings } from './args';

type Role = 'v1' | 'v2' | 'worker';

export interface LocalStack {
  databaseUrl: string;
  database: string;
  redisPrefix: string;
  jwtSecret: string;
  adminEmail: string;
  adminPassword: string;
  urls: Partial<Record<Role, string>>;
  pids: Partial<Record<Role, number>>;
  stop(): Promise<void>;
}

/** Starts the stack; resolves to its addresses, secrets and `stop()`. */
export async function startLocalStack({
  runId,
  settings: { pgAdminUrl, redisUrl, logLevel, passedOn },
  log = () => undefined,
}: {
  runId: string;
  settings: LocalStackSettings;
  log?: (line: string) => void;
}): Promise<LocalStack> {
  const database = `flashfast_loadtest_${runId}`;
  const databaseUrl = urlOf(pgAdminUrl, database);
  const redisPrefix = `ffload:${runId}:`;
  const secrets = {
    jwtSecret: randomBytes(48).toString('base64url'),
    adminEmail: `admin-${runId}@loadtest.test`,
    adminPassword: randomBytes(18).toString('base64url'),
  };
  const env: NodeJS.ProcessEnv = { ...passedOn };
  Object.assign(env, {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: logLevel,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: redisPrefix,
    JWT_SECRET: secrets.jwtSecret,
    ADMIN_EMAIL: secrets.adminEmail,
    ADMIN_PASSWORD: secrets.adminPassword,
  });
  const servers: Server[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => stopServer(server).catch((error: Error) => log(`stopping ${server.pid}: ${error.message}`))));
    await dropDatabase(pgAdminUrl, database).catch((error: Error) => log(`dropping ${database}: ${error.message}`));
    await deleteKeys(redisUrl, redisPrefix).catch((error: Error) => log(`deleting Redis keys ${redisPrefix}*: ${error.message}`));
  };
  const stack: LocalStack = { databaseUrl, database, redisPrefix, ...secrets, urls: {}, pids: {}, stop };

  async function start(role: Role): Promise<void> {
    const server = await startServer({ name: role, script: programPath(role), env });
    servers.push(server);
    stack.urls[role] = server.url;
    stack.pids[role] = server.pid;
  }

  try {
    await recreateDatabase(pgAdminUrl, database);
    // v1 migrates the new database on start; the others start once the schema is there.
    await start('v1');
    await Promise.all([start('v2'), start('worker')]);
  } catch (error) {
    await stack.stop();
    throw error;
  }
  log(`local stack up: v1 ${stack.urls.v1}, v2 ${stack.urls.v2}, worker ${stack.urls.worker}, database ${database}`);
  return stack;
}
