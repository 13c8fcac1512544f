// `npm run bench:v1`: how many purchases per second v1 confirms in a spike, next to the ceiling of
// the same SQL under pgbench, a multi-statement transaction, node-postgres alone and bare Express.
// Run on demand (not a test): a fresh database, v1 compiled as a child process, about 80 seconds,
// everything on 127.0.0.1, nothing left running. Settings: bench/lib/settings.js.
const os = require('node:os');
const path = require('node:path');
const { createSecretKey, randomBytes, randomInt } = require('node:crypto');
const bcrypt = require('bcryptjs');
const jwt = require('jsonwebtoken');
const { Redis } = require('ioredis');
const { loadSettings } = require('./lib/settings');
const db = require('./lib/database');
const { freePort, startNode, waitReady, stop } = require('./lib/processes');
const { purchaseSpike } = require('./lib/http-load');
const { runPgbench } = require('./lib/pgbench');
const { singleStatementScript, multiStatementScript } = require('./lib/statements');
const { nodeVariants, runNodeVariant } = require('./lib/node-pg');
const { busyBeforeStart, cpuMeter } = require('./lib/machine');
const { judge, render, writeResults } = require('./lib/report');
const { runBench } = require('./lib/run-bench');

const ROOT = path.resolve(__dirname, '..');
const settings = loadSettings();
const startedAt = Date.now();
const log = (message) => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)}s] ${message}`);

const children = new Set();
const redisPrefix = `ffbench:${process.pid}:`;
let cleaning;

/** Stops what this run started and drops what it created; safe to call twice. */
function cleanUp() {
  cleaning ??= (async () => {
    for (const child of children) await stop(child).catch((error) => console.error(`stopping: ${error.message}`));
    await db.dropDatabase(settings.adminUrl, settings.database).catch((error) => console.error(`dropping: ${error.message}`));
    const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
    try {
      await redis.connect();
      for await (const keys of redis.scanStream({ match: `${redisPrefix}*`, count: 1000 })) {
        if (keys.length > 0) await redis.unlink(...keys);
      }
    } catch (error) {
      console.error(`cleaning Redis keys ${redisPrefix}*: ${error.message}`);
    } finally {
      redis.disconnect();
    }
  })();
  return cleaning;
}

async function startServer(name, script, env) {
  const port = await freePort();
  const child = startNode(name, script, { ...env, PORT: String(port) });
  children.add(child);
  await waitReady(child, `http://127.0.0.1:${port}/readyz`);
  return { name, child, url: `http://127.0.0.1:${port}` };
}

async function stopServer(server) {
  await stop(server.child);
  children.delete(server.child);
}

/** A phase's own sale afterwards: units sold, orders and quota units must all agree. */
async function tally(eventId) {
  const row = await db.saleTally(settings.databaseUrl, eventId);
  const consistent = row.balanced && row.sold === row.orders && row.sold === row.quota_units;
  if (!consistent) console.error(`sale ${eventId} is inconsistent: ${JSON.stringify(row)}`);
  return { ...row, consistent };
}

/** Runs `work` from a fresh checkpoint and adds where the machine's CPU went meanwhile. */
async function metered(work) {
  await db.checkpoint(settings.databaseUrl);
  const stopMeter = cpuMeter({ [process.pid]: 'node-pg' });
  const result = await work();
  return { ...result, cpu: stopMeter() };
}

/** Fresh database, v1 started on it, buyers and sales seeded, one token per buyer. */
async function prepare(phases) {
  const s = settings;
  const jwtSecret = randomBytes(48).toString('base64url');
  const env = { ...process.env };
  delete env.ADMIN_EMAIL;
  delete env.ADMIN_PASSWORD;
  Object.assign(env, {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: s.databaseUrl,
    DATABASE_POOL_SIZE: String(s.poolSize),
    REDIS_URL: s.redisUrl,
    REDIS_KEY_PREFIX: redisPrefix,
    JWT_SECRET: jwtSecret,
    RATE_LIMIT_PURCHASE_MAX: '1000000',
  });
  await db.recreateDatabase(s.adminUrl, s.database);
  // v1 creates its schema on start (createDeps migrates), so it starts before the seed.
  const v1 = await startServer('v1', path.join(ROOT, 'v1/dist/main.js'), env);
  log(`v1 ready at ${v1.url} on database ${s.database}`);

  const passwordHash = bcrypt.hashSync('bench-password', 10);
  const { events } = await db.seed(s.databaseUrl, { users: s.users, passwordHash, phases });
  // A KeyObject once, not the string: jsonwebtoken would otherwise rebuild the key per token.
  const key = createSecretKey(Buffer.from(jwtSecret));
  const sign = (n) => jwt.sign({ role: 'customer' }, key, { algorithm: 'HS256', subject: db.userId(n), expiresIn: '1h' });
  const tokens = Array.from({ length: s.users }, (_, i) => sign(i + 1));
  const buyers = { issued: 0, nextToken: () => tokens[buyers.issued++ % tokens.length] };
  log(`seeded ${s.users} buyers with tokens, one product, ${phases.length} live sales (one per measure)`);
  return { v1, events, buyers };
}

async function measureHttp({ v1, events, buyers }) {
  const s = settings;
  const spike = { connections: s.connections, path: `/flashsale/${events.v1}/purchase`, nextToken: buyers.nextToken };
  await db.checkpoint(s.databaseUrl);
  const v1Run = await purchaseSpike({ ...spike, url: v1.url, warmupSeconds: s.warmupSeconds, seconds: s.seconds, server: { pid: v1.child.pid, name: 'v1' } });
  v1Run.buyersUsed = Math.min(buyers.issued, s.users);
  v1Run.everyRequestADifferentBuyer = buyers.issued <= s.users;
  await stopServer(v1);
  // Sold counts the warm-up and the requests in flight when autocannon stopped, too.
  v1Run.tally = await tally(events.v1);
  log(`v1: ${v1Run.perSecond.toFixed(0)} purchases/s, p50 ${v1Run.latencyMs.p50?.toFixed(1)} ms, p99 ${v1Run.latencyMs.p99?.toFixed(1)} ms`);

  const express = await startServer('express', path.join(__dirname, 'lib/express-baseline.js'), { PATH: process.env.PATH, NODE_ENV: 'production' });
  const baseline = await purchaseSpike({ ...spike, url: express.url, warmupSeconds: 1, seconds: s.baselineSeconds, server: { pid: express.child.pid, name: 'express' } });
  await stopServer(express);
  log(`bare Express: ${baseline.perSecond.toFixed(0)} responses/s`);
  return { v1: v1Run, baseline };
}

async function measurePgbench(events) {
  const s = settings;
  const scripts = { 'single statement': singleStatementScript(s.users), 'multi-statement': multiStatementScript(s.users) };
  const runs = [];
  for (const [shape, clients, phase] of [
    ['single statement', s.poolSize, 'pgbench-single-pool'],
    ['single statement', s.connections, 'pgbench-single-64'],
    ['multi-statement', s.poolSize, 'pgbench-multi-pool'],
    ['multi-statement', s.connections, 'pgbench-multi-64'],
  ]) {
    const variables = { event_id: events[phase], quantity: 1 };
    const run = await metered(() =>
      runPgbench({ pgbench: s.pgbench, databaseUrl: s.databaseUrl, script: scripts[shape], clients, seconds: s.pgbenchSeconds, variables }),
    );
    runs.push({ shape, ...run, tally: await tally(events[phase]) });
    log(`pgbench ${shape} @${clients}: ${run.tps?.toFixed(0)} TPS`);
  }
  return runs;
}

async function measureNode(events, variants) {
  const s = settings;
  const randomUser = () => db.userId(randomInt(1, s.users + 1));
  const runs = [];
  for (const [i, [name, variant]] of Object.entries(variants).entries()) {
    const eventId = events[`node-${i}`];
    const options = { databaseUrl: s.databaseUrl, poolSize: s.poolSize, concurrency: s.connections, seconds: s.nodeSeconds };
    const run = await metered(() => runNodeVariant({ ...options, variant, eventId, randomUser }));
    runs.push({ variant: `${name}, ${s.connections} callers, pool ${s.poolSize}`, ...run, tally: await tally(eventId) });
    log(`node-pg ${name}: ${run.perSecond.toFixed(0)}/s`);
  }
  return runs;
}

async function main() {
  const busy = await busyBeforeStart();
  const variants = nodeVariants();
  const phases = ['v1', 'pgbench-single-pool', 'pgbench-single-64', 'pgbench-multi-pool', 'pgbench-multi-64'];
  phases.push(...Object.keys(variants).map((_, i) => `node-${i}`));
  const prepared = await prepare(phases);
  const machine = { cpus: os.availableParallelism(), node: process.version, busyBeforeStartPct: busy, postgres: await db.serverFacts(settings.databaseUrl) };
  const http = await measureHttp(prepared);
  const pgbench = await measurePgbench(prepared.events);
  const node = await measureNode(prepared.events, variants);
  const results = { startedAt: new Date(startedAt).toISOString(), settings, machine, ...http, pgbench, node };
  return { ...results, ...judge(results) };
}

runBench({ startedAt, main, cleanUp, render, writeResults });
