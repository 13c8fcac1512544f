// `npm run bench:v1`: v1's purchase spike (merged deduction) against the naive ceiling of one
// purchase per commit, and the late buyers of a sold-out sale (v1 and v2) against bare Express.
// Run on demand (not a test): a fresh database, the servers compiled as child processes, about
// 100 seconds, everything on 127.0.0.1, nothing left running. Settings: bench/lib/settings.js.
const os = require('node:os');
const path = require('node:path');
const { createSecretKey, randomBytes, randomInt } = require('node:crypto');
const bcrypt = require('bcryptjs');
const jwt = require('jsonwebtoken');
const { loadSettings } = require('./lib/settings');
const db = require('./lib/database');
const { freePort, startNode, waitReady, stop, instrumentationEnv } = require('./lib/processes');
const { purchaseSpike } = require('./lib/http-load');
const { runPgbench } = require('./lib/pgbench');
const { naiveScript, singleStatementScript, multiStatementScript } = require('./lib/statements');
const { loneWays, nodeVariants, runLonePurchases, runNodeVariant } = require('./lib/node-pg');
const { batchSizes } = require('./lib/server-metrics');
const { busyBeforeStart, cpuMeter } = require('./lib/machine');
const { deleteKeys } = require('../loadtest/lib/local-stack');
const { judge, render, writeResults } = require('./lib/report');
const { runBench } = require('./lib/run-bench');

const ROOT = path.resolve(__dirname, '..');
const settings = loadSettings();
const startedAt = Date.now();
const log = (message) => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)}s] ${message}`);
// The earlier comparison of statement shapes (pgbench and node-postgres), behind a flag: it chose v1's single statement.
const SHAPES = Boolean(process.env.BENCH_V1_SHAPES);

const children = new Set();
const redisPrefix = `ffbench:${process.pid}:`;
let cleaning;

/** Stops what this run started and drops what it created; safe to call twice. */
function cleanUp() {
  cleaning ??= (async () => {
    for (const child of children) await stop(child).catch((error) => console.error(`stopping: ${error.message}`));
    await db.dropDatabase(settings.adminUrl, settings.database).catch((error) => console.error(`dropping: ${error.message}`));
    await deleteKeys(settings.redisUrl, redisPrefix).catch((error) => console.error(`cleaning Redis keys ${redisPrefix}*: ${error.message}`));
  })();
  return cleaning;
}

async function startServer(name, script, env) {
  const port = await freePort();
  const child = startNode(name, script, { ...env, PORT: String(port) });
  children.add(child);
  await waitReady(child, `http://127.0.0.1:${port}/readyz`, 60_000);
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

function serverEnv(jwtSecret) {
  const env = { PATH: process.env.PATH, NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
  for (const key of ['PURCHASE_BATCH_MAX', 'SOLD_OUT_MEMORY_MS']) if (process.env[key]) env[key] = process.env[key];
  Object.assign(env, instrumentationEnv());
  return {
    ...env,
    DATABASE_URL: settings.databaseUrl,
    DATABASE_POOL_SIZE: String(settings.poolSize),
    REDIS_URL: settings.redisUrl,
    REDIS_KEY_PREFIX: redisPrefix,
    JWT_SECRET: jwtSecret,
    // This measures the purchase path, not the guards in front of it.
    RATE_LIMIT_PURCHASE_MAX: '100000000',
    QUEUE_MAX_DEPTH: '100000000',
  };
}

/** Fresh database, v1 started on it, buyers and sales seeded (the late buyers' sales sold out), one token per buyer. */
async function prepare(phases, soldOutPhases) {
  const s = settings;
  const jwtSecret = randomBytes(48).toString('base64url');
  const env = serverEnv(jwtSecret);
  await db.recreateDatabase(s.adminUrl, s.database);
  // v1 creates its schema on start (createDeps migrates), so it starts before the seed.
  const v1 = await startServer('v1', path.join(ROOT, 'v1/dist/main.js'), env);
  log(`v1 ready at ${v1.url} on database ${s.database}`);

  const passwordHash = bcrypt.hashSync('bench-password', 10);
  const { events } = await db.seed(s.databaseUrl, { users: s.users, passwordHash, phases: [...phases, ...soldOutPhases] });
  await db.sellOut(s.databaseUrl, soldOutPhases.map((phase) => events[phase]));
  // A KeyObject once, not the string: jsonwebtoken would otherwise rebuild the key per token.
  const key = createSecretKey(Buffer.from(jwtSecret));
  const sign = (n) => jwt.sign({ role: 'customer' }, key, { algorithm: 'HS256', subject: db.userId(n), expiresIn: '1h' });
  const tokens = Array.from({ length: s.users }, (_, i) => sign(i + 1));
  const buyers = { issued: 0, nextToken: () => tokens[buyers.issued++ % tokens.length] };
  log(`seeded ${s.users} buyers with tokens, one product, ${phases.length} live sales and ${soldOutPhases.length} sold out`);
  return { v1, env, events, buyers };
}

const load = (buyers, extra) => ({
  connections: settings.connections,
  warmupSeconds: settings.warmupSeconds,
  seconds: settings.seconds,
  nextToken: buyers.nextToken,
  idempotencyKeys: true,
  ...extra,
});

async function measureSpike({ v1, events, buyers }) {
  await db.checkpoint(settings.databaseUrl);
  let before;
  const run = await purchaseSpike(
    load(buyers, { url: v1.url, path: `/flashsale/${events.v1}/purchase`, server: { pid: v1.child.pid, name: 'v1' }, onStart: () => (before = batchSizes(v1.url)) }),
  );
  run.batches = await batchSizes(v1.url, await before);
  run.everyRequestADifferentBuyer = buyers.issued <= settings.users;
  // Sold counts the warm-up and the requests in flight when autocannon stopped, too.
  run.tally = await tally(events.v1);
  log(`v1: ${run.perSecond.toFixed(0)} purchases/s, p50 ${run.latencyMs.p50?.toFixed(1)} ms, p99 ${run.latencyMs.p99?.toFixed(1)} ms, average batch ${run.batches.average?.toFixed(1)}`);
  return run;
}

/** Late buyers of a sold-out sale: every answer must be 409 SOLD_OUT, and nothing may change. */
async function measureLateBuyers(server, prefix, eventId, buyers) {
  const run = await purchaseSpike(load(buyers, { url: server.url, path: `${prefix}/flashsale/${eventId}/purchase`, server: { pid: server.child.pid, name: server.name }, expect: 409 }));
  const row = await db.saleTally(settings.databaseUrl, eventId);
  run.tally = { ...row, consistent: row.balanced && row.orders === 0 && row.quota_units === 0 };
  log(`${server.name} late buyers: ${run.perSecond.toFixed(0)} refusals/s, p99 ${run.latencyMs.p99?.toFixed(1)} ms`);
  return run;
}

async function measureHttp(prepared) {
  const { v1, env, events, buyers } = prepared;
  const spike = await measureSpike(prepared);
  const late = { v1: await measureLateBuyers(v1, '', events['sold-out-v1'], buyers) };
  await stopServer(v1);
  const v2 = await startServer('v2', path.join(ROOT, 'v2/dist/main-api.js'), env);
  late.v2 = await measureLateBuyers(v2, '/api', events['sold-out-v2'], buyers);
  await stopServer(v2);
  const express = await startServer('express', path.join(__dirname, 'lib/express-baseline.js'), { PATH: process.env.PATH, NODE_ENV: 'production' });
  const baseline = await purchaseSpike(load(buyers, { url: express.url, warmupSeconds: 1, seconds: settings.baselineSeconds, path: `/flashsale/${events.v1}/purchase`, server: { pid: express.child.pid, name: 'express' } }));
  await stopServer(express);
  log(`bare Express: ${baseline.perSecond.toFixed(0)} responses/s`);
  return { v1: spike, late, baseline };
}

async function measurePgbench(events) {
  const s = settings;
  const runs = [];
  const plan = [['naive', s.naiveClients, 'naive-few'], ['naive', s.connections, 'naive-64']];
  if (SHAPES) {
    plan.push(['single statement', s.poolSize, 'pgbench-single-pool'], ['single statement', s.connections, 'pgbench-single-64']);
    plan.push(['multi-statement', s.poolSize, 'pgbench-multi-pool'], ['multi-statement', s.connections, 'pgbench-multi-64']);
  }
  const scripts = { naive: naiveScript(s.users), 'single statement': singleStatementScript(s.users), 'multi-statement': multiStatementScript(s.users) };
  for (const [shape, clients, phase] of plan) {
    const variables = { event_id: events[phase], quantity: 1 };
    const run = await metered(() => runPgbench({ pgbench: s.pgbench, databaseUrl: s.databaseUrl, script: scripts[shape], clients, seconds: s.pgbenchSeconds, variables }));
    const row = await db.saleTally(s.databaseUrl, events[phase]);
    // The naive script keeps no quotas: units sold and orders must agree.
    const consistent = row.balanced && row.sold === row.orders && (shape === 'naive' || row.sold === row.quota_units);
    runs.push({ shape, ...run, tally: { ...row, consistent } });
    log(`pgbench ${shape} @${clients}: ${run.tps?.toFixed(0)} TPS`);
  }
  return runs;
}

async function measureNode(events) {
  const s = settings;
  const randomUser = () => db.userId(randomInt(1, s.users + 1));
  const lone = [];
  for (const way of Object.keys(loneWays)) {
    const eventId = events[`lone-${way}`];
    const run = await metered(() => runLonePurchases({ databaseUrl: s.databaseUrl, seconds: s.nodeSeconds, way, eventId, randomUser }));
    lone.push({ way, ...run, tally: await tally(eventId) });
    log(`lone purchase, ${way}: ${run.perSecond.toFixed(0)}/s, p50 ${run.latencyMs.p50?.toFixed(2)} ms`);
  }
  const shapes = [];
  for (const [i, [name, variant]] of (SHAPES ? Object.entries(nodeVariants()) : []).entries()) {
    const eventId = events[`node-${i}`];
    const options = { databaseUrl: s.databaseUrl, poolSize: s.poolSize, concurrency: s.connections, seconds: s.nodeSeconds };
    const run = await metered(() => runNodeVariant({ ...options, variant, eventId, randomUser }));
    shapes.push({ variant: `${name}, ${s.connections} callers, pool ${s.poolSize}`, ...run, tally: await tally(eventId) });
  }
  return { lone, shapes };
}

async function main() {
  const busy = await busyBeforeStart();
  const phases = ['v1', 'naive-few', 'naive-64', ...Object.keys(loneWays).map((way) => `lone-${way}`)];
  if (SHAPES) phases.push('pgbench-single-pool', 'pgbench-single-64', 'pgbench-multi-pool', 'pgbench-multi-64', ...Object.keys(nodeVariants()).map((_, i) => `node-${i}`));
  const prepared = await prepare(phases, ['sold-out-v1', 'sold-out-v2']);
  const machine = { cpus: os.availableParallelism(), node: process.version, busyBeforeStartPct: busy, postgres: await db.serverFacts(settings.databaseUrl) };
  const http = await measureHttp(prepared);
  const pgbench = await measurePgbench(prepared.events);
  const { lone, shapes } = await measureNode(prepared.events);
  const results = { startedAt: new Date(startedAt).toISOString(), settings, machine, ...http, pgbench, lone, node: shapes };
  return { ...results, ...judge(results) };
}

runBench({ startedAt, main, cleanUp, render, writeResults, ok: (results) => results.consistent });
