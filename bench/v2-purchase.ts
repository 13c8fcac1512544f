// `npm run bench:v2`: (1) how many purchases per second the v2 API accepts (202), next to bare
// Express run the same way; (2) how many orders per second one v2 worker, then two, decide from a
// backlog of at least BENCH_V2_BACKLOG (100,000) accepted requests, next to BullMQ with a no-op
// processor; (3) the 10,000-buyer spike, v1 and v2 side by side, through the load-test tool's
// library. Run on demand (not a test): about four minutes, everything on 127.0.0.1, nothing left
// running. Settings: bench/lib/settings.ts (loadSettings and loadV2Settings: BENCH_V2_USERS,
// BENCH_V2_BACKLOG, BENCH_SPIKE_BUYERS/STOCK/CONNECTIONS, BENCH_CPU_PROFILE_DIR (profiles the
// servers), BENCH_TRACE_IO_DIR (times their queries), BENCH_WHAT_IF=custom-plans
// (an experiment, see bench/README.md), BENCH_V2_NO_ANALYZE=1, BENCH_V2_SKIP_SPIKE=1).
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { childBaseEnv, loadSettings, loadV2Settings } from './lib/settings';
import * as db from './lib/database';
import { instrumentationEnv } from './lib/instrumentation';
import { benchServers } from './lib/bench-servers';
import { purchaseSpike } from './lib/http-load';
import { busyBeforeStart, cpuMeter } from '../scripts/lib/machine';
import { databaseUrl as urlOf, recreateDatabase, withClient } from '../scripts/lib/databases';
import { programPath } from '../scripts/lib/entry-points';
import { customerToken } from '../scripts/lib/tokens';
import type { Server } from '../scripts/lib/servers';
import { runLoadtest } from '../loadtest/lib/run';
import type { Options } from '../loadtest/lib/args';
import { timeWorkerDrain } from './lib/worker-drain';
import { noopThroughput } from './lib/bullmq-noop';
import { render, writeResults, type V2Results } from './lib/v2-report';
import { runBench } from './lib/run-bench';

const settings = loadSettings();
const v2Settings = loadV2Settings();
const USERS = v2Settings.users;
const BACKLOG = v2Settings.backlog;
const SPIKE = v2Settings.spike;
const database = `${settings.database}_v2`;
const databaseUrl = urlOf(settings.adminUrl, database);
const redisPrefix = `ffbench2:${process.pid}:`;
const startedAt = Date.now();
const log = (message: string): void => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)}s] ${message}`);

const servers = benchServers({ adminUrl: settings.adminUrl, database, redisUrl: settings.redisUrl, redisPrefix });
const startServer = (name: string, script: string, env: NodeJS.ProcessEnv, { ready = true } = {}): Promise<Server> => servers.start({ name, script, env, ready });

function serverEnv(jwtSecret: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...childBaseEnv(), NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...v2Settings.serverEnv };
  // Experiments behind the findings in bench/README.md; the servers' code is not changed.
  const { whatIf } = v2Settings;
  Object.assign(env, instrumentationEnv());
  // node-postgres passes PGOPTIONS on: plans of the servers' sessions (foreign-key checks
  // included) are made for the values at hand instead of cached generic ones.
  if (whatIf.has('custom-plans')) env.PGOPTIONS = '-c plan_cache_mode=force_custom_plan';
  // No back-pressure or per-user limit in the way: this measures the path, not the guards.
  return { ...env, DATABASE_URL: databaseUrl, REDIS_URL: settings.redisUrl, REDIS_KEY_PREFIX: redisPrefix, JWT_SECRET: jwtSecret, QUEUE_MAX_DEPTH: '100000000', RATE_LIMIT_PURCHASE_MAX: '100000000' };
}

const analyze = (url: string): Promise<unknown> => withClient(url, (client) => client.query('ANALYZE'));

// The no-op baseline: BullMQ's rate for one job per purchase, at the concurrency v2's worker used
// when it queued one job per purchase (256): what a job-per-purchase worker could at best reach.
const NOOP_CONCURRENCY = 256;

/** Requests of a sale accepted and not yet decided, as PostgreSQL has them. */
const undecided = (eventId: string): Promise<number> =>
  withClient(databaseUrl, async (client) => (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM purchase_requests WHERE event_id = $1 AND status = 'queued'`, [eventId])).rows[0]!.n);

/**
 * Accepts purchases of `eventId` (each its own Idempotency-Key: a reused user is still a new
 * purchase) until BACKLOG of them wait undecided. Not measured: this only builds the backlog.
 */
async function fillBacklog({ url, eventId, server, nextToken, perSecond }: { url: string; eventId: string; server: Server; nextToken: () => string; perSecond: number }): Promise<void> {
  for (let round = 0; round < 20; round += 1) {
    const missing = BACKLOG - (await undecided(eventId));
    if (missing <= 0) return;
    const seconds = Math.max(2, Math.ceil((missing / Math.max(perSecond, 500)) * 1.1));
    await purchaseSpike({ url, path: `/api/flashsale/${eventId}/purchase`, connections: settings.connections, warmupSeconds: 0, seconds, nextToken, server, expect: 202, idempotencyKeys: true });
  }
  throw new Error(`could not build a backlog of ${BACKLOG} requests`);
}

/** Starts `workers` worker processes on a full queue and times them until the sale has nothing queued. */
async function drainWith({ eventId, workers, env }: { eventId: string; workers: number; env: NodeJS.ProcessEnv }) {
  if (v2Settings.analyze) await analyze(databaseUrl);
  await db.checkpoint(databaseUrl);
  const started: Server[] = [];
  const labels: Record<number, string> = { [process.pid]: 'bench' }; // the workers' pids join once spawned
  const stopMeter = cpuMeter(labels);
  const drain = await timeWorkerDrain({
    databaseUrl,
    eventId,
    meter: () => cpuMeter(labels),
    startWorker: async () => {
      for (let i = 0; i < workers; i += 1) {
        const worker = await startServer('v2 worker', programPath('worker'), env, { ready: false });
        started.push(worker);
        labels[worker.pid] = 'v2 worker';
      }
    },
  });
  const cpu = stopMeter();
  for (const worker of started) await servers.stop(worker);
  return { ...drain, workers, cpu, tally: await db.saleTally(databaseUrl, eventId) };
}

async function main(): Promise<V2Results> {
  const s = settings;
  const results: Partial<V2Results> = { startedAt: new Date(startedAt).toISOString(), settings: { ...s, users: USERS, spike: SPIKE } };
  results.busyBeforeStartPct = await busyBeforeStart();
  results.machine = { cpus: os.availableParallelism(), node: process.version };
  const jwtSecret = randomBytes(48).toString('base64url');
  const env = serverEnv(jwtSecret);

  await recreateDatabase(s.adminUrl, database);
  const api = await startServer('v2 API', programPath('v2'), env); // migrates the database
  const { events } = await db.seed(databaseUrl, { users: USERS, passwordHash: bcrypt.hashSync('bench-password', 10), phases: ['accept', 'twoWorkers'] });
  const tokens = Array.from({ length: USERS }, (_, i) => customerToken(jwtSecret, db.userId(i + 1)));
  let issued = 0;
  const nextToken = () => tokens[issued++ % tokens.length]!;
  log(`v2 API ready at ${api.url} (no worker); ${USERS} users and their tokens, one sale of 10,000,000 units`);

  // (1) acceptance, then bare Express the same way.
  await db.checkpoint(databaseUrl);
  const spike = { connections: s.connections, warmupSeconds: s.warmupSeconds, seconds: s.seconds, nextToken };
  const acceptance = await purchaseSpike({ ...spike, url: api.url, path: `/api/flashsale/${events.accept}/purchase`, server: api });
  results.acceptance = { ...acceptance, accepted: acceptance.non201?.[202] ?? 0, perSecond: (acceptance.non201?.[202] ?? 0) / acceptance.durationSeconds, everyRequestADifferentUser: issued <= USERS };
  log(`v2 acceptance: ${results.acceptance.perSecond.toFixed(0)} 202/s; filling the backlog to ${BACKLOG.toLocaleString('en-US')}`);
  const fill = (server: Server, eventId: string) => fillBacklog({ url: server.url, eventId, server, nextToken, perSecond: results.acceptance!.perSecond });
  await fill(api, events.accept!);
  await servers.stop(api);
  const bare = await startServer('express', path.join(__dirname, 'lib/express-baseline.js'), { ...childBaseEnv(), NODE_ENV: 'production' });
  const baseline = await purchaseSpike({ ...spike, url: bare.url, path: `/flashsale/${events.accept}/purchase`, server: bare });
  results.baseline = baseline;
  results.baselineSpike = await purchaseSpike({ ...spike, connections: SPIKE.connections, url: bare.url, path: `/flashsale/${events.accept}/purchase`, server: bare });
  await servers.stop(bare);
  results.acceptanceRatio = results.acceptance.perSecond / baseline.perSecond;
  log(`bare Express: ${results.baseline.perSecond.toFixed(0)}/s; v2 acceptance is ${(100 * results.acceptanceRatio).toFixed(0)}% of it`);

  // (2) the queue (warm-up and measured acceptance) is full and no worker ran: start one. The
  // seed analysed purchase_requests while it was empty; autovacuum would have analysed it by
  // now in real life (BENCH_V2_NO_ANALYZE=1 skips this). `orders` is still empty, as in a fresh
  // deployment: see "stale plans" in bench/README.md and BENCH_WHAT_IF=custom-plans.
  const drain = (eventId: string, workers: number) => drainWith({ eventId, workers, env });
  const workerRun = await drain(events.accept!, 1);
  results.worker = workerRun;
  log(`one v2 worker: ${workerRun.decided} decided in ${workerRun.wallSeconds.toFixed(1)} s from spawn, ${workerRun.perSecond?.toFixed(0)} orders/s from first to last decision`);

  // (2b) the same with two workers, on a backlog of the second sale built the same way.
  const api2 = await startServer('v2 API', programPath('v2'), env);
  await fill(api2, events.twoWorkers!);
  await servers.stop(api2);
  await db.checkpoint(databaseUrl);
  const twoRun = await drain(events.twoWorkers!, 2);
  results.twoWorkers = twoRun;
  log(`two v2 workers: ${twoRun.decided} decided, ${twoRun.perSecond?.toFixed(0)} orders/s from first to last decision`);

  // One BullMQ job per purchase, as v2 queued them before batches: the ceiling a worker had then.
  const noop = await noopThroughput({ redisUrl: s.redisUrl, prefix: `${redisPrefix}noop`, jobs: workerRun.decided, concurrency: NOOP_CONCURRENCY, eventId: events.accept!, meter: () => cpuMeter({ [process.pid]: 'no-op worker' }) });
  results.noop = noop;
  results.workerRatio = (workerRun.perSecond ?? 0) / noop.perSecond;
  log(`BullMQ no-op: ${noop.completed} jobs at ${noop.perSecond.toFixed(0)}/s; one v2 worker decides ${results.workerRatio.toFixed(2)}x that many orders`);
  await servers.cleanUp();

  const balanced = (run: { tally: db.SaleTally }) => run.tally.balanced && run.tally.sold === run.tally.orders;
  const workerConsistent = balanced(workerRun) && balanced(twoRun);
  // (3) the spike, both versions, on a fresh local stack of the load-test tool.
  if (v2Settings.skipSpike) return { ...(results as V2Results), consistent: workerConsistent };
  const spikeOptions: Options = { target: 'both', targets: ['v1', 'v2'], ...SPIKE, maxPerUser: 1, local: true, baseUrl: null, timeoutSeconds: 180, quiet: true };
  const spikeRun = await runLoadtest(spikeOptions, { log });
  const [v1, v2] = [spikeRun.targets.v1, spikeRun.targets.v2].map((run) => run && { summary: run.summary, audit: run.audit, cpu: run.cpu });
  return { ...(results as V2Results), spike: { v1, v2, options: SPIKE }, consistent: workerConsistent && spikeRun.ok };
}

runBench({ startedAt, main, cleanUp: servers.cleanUp, render, writeResults, ok: (results) => results.consistent });
