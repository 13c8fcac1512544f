// --local: v1, the v2 API and one v2 worker as child processes on free ports, with a database
// and a Redis key prefix of their own; all stopped and removed again by `stop()`.
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { URL } = require('node:url');
const { Redis } = require('ioredis');
const db = require('../../bench/lib/database');
const { freePort, startNode, waitReady, stop: stopChild } = require('../../bench/lib/processes');

const ROOT = path.resolve(__dirname, '../..');
const SCRIPTS = { v1: 'v1/dist/main.js', v2: 'v2/dist/main-api.js', worker: 'v2/dist/main-worker.js' };
// Settings of the caller's environment that a local stack passes on (tuning, not addresses).
const PASSED_ON = /^(PATH|HOME|NODE_OPTIONS|DATABASE_POOL_SIZE|WORKER_CONCURRENCY|WRITE_BATCH_MAX|ACCEPT_BATCH_MAX|PURCHASE_BATCH_MAX|SOLD_OUT_MEMORY_MS|QUEUE_MAX_DEPTH|PURCHASE_ATTEMPTS|BCRYPT_ROUNDS|RATE_LIMIT_.*|RECONCILE_.*|STOCK_EMIT_INTERVAL_MS|UV_THREADPOOL_SIZE)$/;

/** Starts the stack; resolves to its addresses, secrets and `stop()`. */
async function startLocalStack({ runId, pgAdminUrl, redisUrl, log = () => undefined }) {
  const database = `flashfast_loadtest_${runId}`;
  const databaseUrl = new URL(pgAdminUrl);
  databaseUrl.pathname = `/${database}`;
  const redisPrefix = `ffload:${runId}:`;
  const secrets = {
    jwtSecret: randomBytes(48).toString('base64url'),
    adminEmail: `admin-${runId}@loadtest.test`,
    adminPassword: randomBytes(18).toString('base64url'),
  };
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => PASSED_ON.test(key)));
  Object.assign(env, {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOADTEST_LOG_LEVEL || 'warn',
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: redisPrefix,
    JWT_SECRET: secrets.jwtSecret,
    ADMIN_EMAIL: secrets.adminEmail,
    ADMIN_PASSWORD: secrets.adminPassword,
  });
  const children = [];
  const stack = { databaseUrl: databaseUrl.toString(), database, redisPrefix, ...secrets, urls: {}, pids: {} };

  async function start(name) {
    const port = await freePort();
    const child = startNode(name, path.join(ROOT, SCRIPTS[name]), { ...env, PORT: String(port) });
    children.push(child);
    await waitReady(child, `http://127.0.0.1:${port}/readyz`, 60_000);
    stack.urls[name] = `http://127.0.0.1:${port}`;
    stack.pids[name] = child.pid;
  }

  stack.stop = async () => {
    await Promise.all(children.map((child) => stopChild(child).catch((error) => log(`stopping ${child.pid}: ${error.message}`))));
    await db.dropDatabase(pgAdminUrl, database).catch((error) => log(`dropping ${database}: ${error.message}`));
    await deleteKeys(redisUrl, redisPrefix).catch((error) => log(`deleting Redis keys ${redisPrefix}*: ${error.message}`));
  };

  try {
    await db.recreateDatabase(pgAdminUrl, database);
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

async function deleteKeys(redisUrl, prefix) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 })) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

module.exports = { startLocalStack, deleteKeys };
