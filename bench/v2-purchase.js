// `npm run bench:v2`: (1) how many purchases per second the v2 API accepts (202), next to bare
// Express run the same way; (2) how many orders per second one v2 worker decides from a full
// queue, next to BullMQ with a no-op processor; (3) the 10,000-buyer spike, v1 and v2 side by
// side, through the load-test tool's library. Run on demand (not a test): about two minutes,
// everything on 127.0.0.1, nothing left running. Settings: bench/lib/settings.js, plus
// BENCH_V2_USERS, BENCH_SPIKE_BUYERS/STOCK/CONNECTIONS, BENCH_CPU_PROFILE_DIR (profiles the servers),
// BENCH_TRACE_IO_DIR (times their queries), BENCH_WHAT_IF=jwt-keyobject,custom-plans (experiments,
// see bench/README.md), BENCH_V2_NO_ANALYZE=1, BENCH_V2_SKIP_SPIKE=1.
const os = require('node:os');
const { URL } = require('node:url');
const path = require('node:path');
const { createSecretKey, randomBytes } = require('node:crypto');
const bcrypt = require('bcryptjs');
const pg = require('pg');
const jwt = require('jsonwebtoken');
const { loadSettings } = require('./lib/settings');
const db = require('./lib/database');
const { freePort, startNode, waitReady, stop, instrumentationEnv } = require('./lib/processes');
const { purchaseSpike } = require('./lib/http-load');
const { busyBeforeStart, cpuMeter } = require('./lib/machine');
const { deleteKeys } = require('../loadtest/lib/local-stack');
const { runLoadtest } = require('../loadtest/lib/run');
const { timeWorkerDrain } = require('./lib/worker-drain');
const { noopThroughput } = require('./lib/bullmq-noop');
const { render, writeResults } = require('./lib/v2-report');
const { runBench } = require('./lib/run-bench');

const ROOT = path.resolve(__dirname, '..');
const settings = loadSettings();
const int = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const USERS = int('BENCH_V2_USERS', 150_000);
const SPIKE = { buyers: int('BENCH_SPIKE_BUYERS', 10_000), stock: int('BENCH_SPIKE_STOCK', 1_000), connections: int('BENCH_SPIKE_CONNECTIONS', 256) };
const database = `${settings.database}_v2`;
const databaseUrl = Object.assign(new URL(settings.adminUrl), { pathname: `/${database}` }).toString();
const redisPrefix = `ffbench2:${process.pid}:`;
const startedAt = Date.now();
const log = (message) => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)}s] ${message}`);

const children = new Set();
let cleaning;
function cleanUp() {
  cleaning ??= (async () => {
    for (const child of children) await stop(child).catch((error) => console.error(`stopping: ${error.message}`));
    await db.dropDatabase(settings.adminUrl, database).catch((error) => console.error(`dropping: ${error.message}`));
    await deleteKeys(settings.redisUrl, redisPrefix).catch((error) => console.error(`Redis keys: ${error.message}`));
  })();
  return cleaning;
}

async function startServer(name, script, env, { ready = true } = {}) {
  const port = await freePort();
  const child = startNode(name, script, { ...env, PORT: String(port) });
  children.add(child);
  child.exited.then(() => children.delete(child));
  if (ready) await waitReady(child, `http://127.0.0.1:${port}/readyz`, 60_000);
  return { child, name, url: `http://127.0.0.1:${port}` };
}

async function stopServer(server) {
  await stop(server.child);
  children.delete(server.child);
}

function serverEnv(jwtSecret) {
  const env = { PATH: process.env.PATH, NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  for (const key of ['DATABASE_POOL_SIZE', 'WORKER_CONCURRENCY', 'WRITE_BATCH_MAX', 'ACCEPT_BATCH_MAX']) if (process.env[key]) env[key] = process.env[key];
  // Experiments behind the findings in bench/README.md; the servers' code is not changed.
  const whatIf = new Set((process.env.BENCH_WHAT_IF ?? '').split(',').filter(Boolean));
  Object.assign(env, instrumentationEnv(whatIf.has('jwt-keyobject') ? ['what-if-jwt-keyobject.js'] : []));
  // node-postgres passes PGOPTIONS on: plans of the servers' sessions (foreign-key checks
  // included) are made for the values at hand instead of cached generic ones.
  if (whatIf.has('custom-plans')) env.PGOPTIONS = '-c plan_cache_mode=force_custom_plan';
  // No back-pressure or per-user limit in the way: this measures the path, not the guards.
  return { ...env, DATABASE_URL: databaseUrl, REDIS_URL: settings.redisUrl, REDIS_KEY_PREFIX: redisPrefix, JWT_SECRET: jwtSecret, QUEUE_MAX_DEPTH: '100000000', RATE_LIMIT_PURCHASE_MAX: '100000000' };
}

async function analyze(url) {
  const client = new pg.Client({ connectionString: url, application_name: 'flashfast-bench' });
  await client.connect();
  await client.query('ANALYZE').finally(() => client.end());
}

async function main() {
  const s = settings;
  const results = { startedAt: new Date(startedAt).toISOString(), settings: { ...s, users: USERS, spike: SPIKE } };
  results.busyBeforeStartPct = await busyBeforeStart();
  results.machine = { cpus: os.availableParallelism(), node: process.version };
  const jwtSecret = randomBytes(48).toString('base64url');
  const env = serverEnv(jwtSecret);

  await db.recreateDatabase(s.adminUrl, database);
  const api = await startServer('v2 API', path.join(ROOT, 'v2/dist/main-api.js'), env); // migrates the database
  const { events } = await db.seed(databaseUrl, { users: USERS, passwordHash: bcrypt.hashSync('bench-password', 10), phases: ['accept'] });
  const key = createSecretKey(Buffer.from(jwtSecret));
  const tokens = Array.from({ length: USERS }, (_, i) => jwt.sign({ role: 'customer' }, key, { algorithm: 'HS256', subject: db.userId(i + 1), expiresIn: '1h' }));
  let issued = 0;
  const nextToken = () => tokens[issued++ % tokens.length];
  log(`v2 API ready at ${api.url} (no worker); ${USERS} users and their tokens, one sale of 10,000,000 units`);

  // (1) acceptance, then bare Express the same way.
  await db.checkpoint(databaseUrl);
  const spike = { connections: s.connections, warmupSeconds: s.warmupSeconds, seconds: s.seconds, nextToken };
  const acceptance = await purchaseSpike({ ...spike, url: api.url, path: `/api/flashsale/${events.accept}/purchase`, server: { pid: api.child.pid, name: 'v2 API' } });
  results.acceptance = { ...acceptance, accepted: acceptance.non201?.[202] ?? 0, perSecond: (acceptance.non201?.[202] ?? 0) / acceptance.durationSeconds, everyRequestADifferentUser: issued <= USERS };
  await stopServer(api);
  log(`v2 acceptance: ${results.acceptance.perSecond.toFixed(0)} 202/s`);
  const bare = await startServer('express', path.join(__dirname, 'lib/express-baseline.js'), { PATH: process.env.PATH, NODE_ENV: 'production' });
  results.baseline = await purchaseSpike({ ...spike, url: bare.url, path: `/flashsale/${events.accept}/purchase`, server: { pid: bare.child.pid, name: 'express' } });
  await stopServer(bare);
  results.acceptanceRatio = results.acceptance.perSecond / results.baseline.perSecond;
  log(`bare Express: ${results.baseline.perSecond.toFixed(0)}/s; v2 acceptance is ${(100 * results.acceptanceRatio).toFixed(0)}% of it`);

  // (2) the queue (warm-up and measured acceptance) is full and no worker ran: start one. The
  // seed analysed purchase_requests while it was empty; autovacuum would have analysed it by
  // now in real life (BENCH_V2_NO_ANALYZE=1 skips this). `orders` is still empty, as in a fresh
  // deployment: see "stale plans" in bench/README.md and BENCH_WHAT_IF=custom-plans.
  if (!process.env.BENCH_V2_NO_ANALYZE) await analyze(databaseUrl);
  await db.checkpoint(databaseUrl);
  let worker;
  const labels = { [process.pid]: 'bench' }; // the worker's pid joins once it is spawned
  const stopMeter = cpuMeter(labels);
  results.worker = await timeWorkerDrain({
    databaseUrl,
    eventId: events.accept,
    meter: () => cpuMeter(labels),
    startWorker: async () => {
      worker = await startServer('v2 worker', path.join(ROOT, 'v2/dist/main-worker.js'), env, { ready: false });
      labels[worker.child.pid] = 'v2 worker';
    },
  });
  results.worker.cpu = stopMeter();
  await stopServer(worker);
  results.worker.tally = await db.saleTally(databaseUrl, events.accept);
  log(`v2 worker: ${results.worker.decided} decided in ${results.worker.wallSeconds.toFixed(1)} s from spawn, ${results.worker.perSecond?.toFixed(0)} orders/s from first to last decision`);
  results.noop = await noopThroughput({ redisUrl: s.redisUrl, prefix: `${redisPrefix}noop`, jobs: results.worker.decided, concurrency: Number(env.WORKER_CONCURRENCY ?? 256), eventId: events.accept, meter: () => cpuMeter({ [process.pid]: 'no-op worker' }) });
  results.workerRatio = results.worker.perSecond / results.noop.perSecond;
  log(`BullMQ no-op: ${results.noop.completed} jobs at ${results.noop.perSecond.toFixed(0)}/s; the v2 worker is ${(100 * results.workerRatio).toFixed(0)}% of it`);
  await cleanUp();

  // (3) the spike, both versions, on a fresh local stack of the load-test tool.
  if (process.env.BENCH_V2_SKIP_SPIKE) return { ...results, consistent: results.worker.tally.balanced && results.worker.tally.sold === results.worker.tally.orders };
  const spikeOptions = { target: 'both', targets: ['v1', 'v2'], ...SPIKE, maxPerUser: 1, local: true, timeoutSeconds: 180, quiet: true };
  const spikeRun = await runLoadtest(spikeOptions, { log });
  results.spike = Object.fromEntries(Object.entries(spikeRun.targets).map(([v, run]) => [v, { summary: { ...run.summary, latencyMs: run.summary.latencyMs }, audit: run.audit, cpu: run.cpu }]));
  results.spike.options = SPIKE;
  results.consistent = results.worker.tally.balanced && results.worker.tally.sold === results.worker.tally.orders && spikeRun.ok;
  return results;
}

runBench({ startedAt, main, cleanUp, render, writeResults, ok: (results) => results.consistent });
