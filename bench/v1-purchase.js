// `npm run bench:v1`: v1's purchase spike (merged deduction) against the naive ceiling of one
// purchase per commit, and the late buyers of a sold-out sale (v1 and v2) against bare Express.
// Run on demand (not a test): a fresh database, the servers compiled as child processes, measures
// in rounds (about 4 minutes), everything on 127.0.0.1, nothing left running. Settings:
// bench/lib/settings.js; method and figures: bench/README.md.
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
const { naiveScript } = require('./lib/statements');
const { loneWays, runLonePurchases } = require('./lib/node-pg');
const { measureShapes, shapePhases } = require('./lib/statement-shapes');
const { batchSizes, refusedInProcess } = require('./lib/server-metrics');
const { announcementDelay } = require('./lib/announcement-delay');
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

async function measureSpike(v1, eventId, buyers) {
  await db.checkpoint(settings.databaseUrl);
  let before;
  const run = await purchaseSpike(
    load(buyers, { url: v1.url, path: `/flashsale/${eventId}/purchase`, server: { pid: v1.child.pid, name: 'v1' }, onStart: () => (before = batchSizes(v1.url)) }),
  );
  run.batches = await batchSizes(v1.url, await before);
  log(`v1: ${run.perSecond.toFixed(0)} purchases/s, p50 ${run.latencyMs.p50?.toFixed(1)} ms, p99 ${run.latencyMs.p99?.toFixed(1)} ms, average batch ${run.batches.average?.toFixed(1)}`);
  return run;
}

/** Late buyers of a sold-out sale: every answer must be 409 SOLD_OUT. */
async function measureLateBuyers(server, prefix, eventId, buyers) {
  let before;
  const run = await purchaseSpike(
    load(buyers, { url: server.url, path: `${prefix}/flashsale/${eventId}/purchase`, server: { pid: server.child.pid, name: server.name }, expect: 409, onStart: () => (before = refusedInProcess(server.url)) }),
  );
  // Answers counted by autocannon may include a few that the server answered after it stopped counting.
  run.fromMemory = Math.min(1, (await refusedInProcess(server.url, await before)) / run.responses);
  log(`${server.name} late buyers: ${run.perSecond.toFixed(0)} refusals/s, p99 ${run.latencyMs.p99?.toFixed(1)} ms, ${(100 * run.fromMemory).toFixed(1)}% from memory`);
  return run;
}

async function measureNaive(clients, eventId) {
  const s = settings;
  const variables = { event_id: eventId, quantity: 1 };
  const run = await metered(() => runPgbench({ pgbench: s.pgbench, databaseUrl: s.databaseUrl, script: naiveScript(s.users), clients, seconds: s.pgbenchSeconds, variables }));
  log(`pgbench naive @${clients}: ${run.tps?.toFixed(0)} TPS`);
  return { ...run, perSecond: run.tps, durationSeconds: s.pgbenchSeconds };
}

/**
 * One round: the v1 spike next to the naive ceiling, then the late buyers of v1 and v2 next to
 * bare Express, every server already running, so that each ratio compares measures seconds apart.
 */
async function measureRound(servers, events, buyers) {
  const round = {};
  round.v1 = await measureSpike(servers.v1, events.v1, buyers);
  round['naive-few'] = await measureNaive(settings.naiveClients, events['naive-few']);
  round['naive-64'] = await measureNaive(settings.connections, events['naive-64']);
  const express = { pid: servers.express.child.pid, name: 'express' };
  round.express = await purchaseSpike(load(buyers, { url: servers.express.url, path: `/flashsale/${events.v1}/purchase`, server: express }));
  log(`bare Express: ${round.express.perSecond.toFixed(0)} responses/s`);
  round['late-v1'] = await measureLateBuyers(servers.v1, '', events['sold-out-v1'], buyers);
  round['late-v2'] = await measureLateBuyers(servers.v2, '/api', events['sold-out-v2'], buyers);
  return round;
}

/** The naive script keeps no quotas: units sold and orders must agree. */
async function naiveTally(eventId) {
  const row = await db.saleTally(settings.databaseUrl, eventId);
  return { ...row, consistent: row.balanced && row.sold === row.orders };
}

/** A sold-out sale's late buyers bought nothing. */
async function lateTally(eventId) {
  const row = await db.saleTally(settings.databaseUrl, eventId);
  return { ...row, consistent: row.balanced && row.orders === 0 && row.quota_units === 0 };
}

async function measureRounds({ v1, env, events, buyers }) {
  const servers = {
    v1,
    v2: await startServer('v2', path.join(ROOT, 'v2/dist/main-api.js'), env),
    express: await startServer('express', path.join(__dirname, 'lib/express-baseline.js'), { PATH: process.env.PATH, NODE_ENV: 'production' }),
  };
  const rounds = [];
  for (let i = 1; i <= settings.rounds; i += 1) {
    log(`round ${i} of ${settings.rounds}`);
    rounds.push(await measureRound(servers, events, buyers));
  }
  for (const server of Object.values(servers)) await stopServer(server);
  // Sold counts the warm-ups and the requests in flight when autocannon stopped, too.
  const tallies = {
    v1: await tally(events.v1),
    'naive-few': await naiveTally(events['naive-few']),
    'naive-64': await naiveTally(events['naive-64']),
    'late-v1': await lateTally(events['sold-out-v1']),
    'late-v2': await lateTally(events['sold-out-v2']),
  };
  return { rounds, tallies, everyPurchaseADifferentBuyer: buyers.issued <= settings.users };
}

/** A lone purchase, one caller: v1's single statement against the batch's transaction of one. */
async function measureLone(events) {
  const s = settings;
  const randomUser = () => db.userId(randomInt(1, s.users + 1));
  const lone = [];
  for (const way of Object.keys(loneWays)) {
    const eventId = events[`lone-${way}`];
    const run = await metered(() => runLonePurchases({ databaseUrl: s.databaseUrl, seconds: s.nodeSeconds, way, eventId, randomUser }));
    lone.push({ way, ...run, tally: await tally(eventId) });
    log(`lone purchase, ${way}: ${run.perSecond.toFixed(0)}/s, p50 ${run.latencyMs.p50?.toFixed(2)} ms`);
  }
  return lone;
}

async function main() {
  const busy = await busyBeforeStart();
  const phases = ['v1', 'naive-few', 'naive-64', ...Object.keys(loneWays).map((way) => `lone-${way}`)];
  if (SHAPES) phases.push(...shapePhases());
  const prepared = await prepare(phases, ['sold-out-v1', 'sold-out-v2']);
  const machine = { cpus: os.availableParallelism(), node: process.version, busyBeforeStartPct: busy, postgres: await db.serverFacts(settings.databaseUrl) };
  const measured = await measureRounds(prepared);
  const lone = await measureLone(prepared.events);
  const announcements = await announcementDelay({ redisUrl: settings.redisUrl, prefix: redisPrefix });
  log(`sold-out announcements: p50 ${announcements.p50.toFixed(2)} ms, p99 ${announcements.p99.toFixed(2)} ms, max ${announcements.max.toFixed(2)} ms`);
  const shapes = SHAPES ? await measureShapes({ settings, events: prepared.events, metered, tally }) : undefined;
  const results = { startedAt: new Date(startedAt).toISOString(), settings, machine, ...measured, lone, announcements, shapes };
  return { ...results, ...judge(results) };
}

runBench({ startedAt, main, cleanUp, render, writeResults, ok: (results) => results.consistent });
