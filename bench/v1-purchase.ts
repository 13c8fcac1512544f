// `npm run bench:v1`: v1's purchase spike (merged deduction) against the naive ceiling of one
// purchase per commit, and the late buyers of a sold-out sale (v1 and v2) against bare Express.
// Run on demand (not a test): a fresh database, the servers compiled as child processes, measures
// in rounds (about 4 minutes), everything on 127.0.0.1, nothing left running. Settings:
// bench/lib/settings.ts; method and figures: bench/README.md.
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { childBaseEnv, loadSettings, loadV1Settings } from './lib/settings';
import * as db from './lib/database';
import { instrumentationEnv } from './lib/instrumentation';
import { benchServers } from './lib/bench-servers';
import { purchaseSpike, type SpikeRun, type SpikeSpec } from './lib/http-load';
import { runPgbench } from './lib/pgbench';
import { recreateDatabase } from '../scripts/lib/databases';
import { naiveScript } from './lib/statements';
import { loneWays, runLonePurchases, type LoneWay } from './lib/node-pg';
import { measureShapes, shapePhases } from './lib/statement-shapes';
import { batchSizes, refusedInProcess, type BatchSizes } from './lib/server-metrics';
import { announcementDelay } from './lib/announcement-delay';
import { busyBeforeStart, cpuMeter, type CpuUse } from '../scripts/lib/machine';
import { programPath } from '../scripts/lib/entry-points';
import { customerToken } from '../scripts/lib/tokens';
import type { Server } from '../scripts/lib/servers';
import { judge, render, writeResults, type Round, type V1Results, type Tally } from './lib/report';
import { runBench } from './lib/run-bench';

const settings = loadSettings();
const startedAt = Date.now();
const log = (message: string): void => console.log(`[${((Date.now() - startedAt) / 1000).toFixed(1).padStart(5)}s] ${message}`);
const v1Settings = loadV1Settings();
const SHAPES = v1Settings.shapes;

const redisPrefix = `ffbench:${process.pid}:`;
const servers = benchServers({ adminUrl: settings.adminUrl, database: settings.database, redisUrl: settings.redisUrl, redisPrefix });
const startServer = (name: string, script: string, env: NodeJS.ProcessEnv): Promise<Server> => servers.start({ name, script, env });

interface Buyers {
  issued: number;
  nextToken: () => string;
}

/** A phase's own sale afterwards: units sold, orders and quota units must all agree. */
async function tally(eventId: string): Promise<Tally> {
  const row = await db.saleTally(settings.databaseUrl, eventId);
  const consistent = row.balanced && row.sold === row.orders && row.sold === row.quota_units;
  if (!consistent) console.error(`sale ${eventId} is inconsistent: ${JSON.stringify(row)}`);
  return { ...row, consistent };
}

/** Runs `work` from a fresh checkpoint and adds where the machine's CPU went meanwhile. */
async function metered<T>(work: () => Promise<T>): Promise<T & { cpu: CpuUse }> {
  await db.checkpoint(settings.databaseUrl);
  const stopMeter = cpuMeter({ [process.pid]: 'node-pg' });
  const result = await work();
  return { ...result, cpu: stopMeter() };
}

function serverEnv(jwtSecret: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...childBaseEnv(), NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...v1Settings.serverEnv };
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
async function prepare(phases: string[], soldOutPhases: string[]) {
  const s = settings;
  const jwtSecret = randomBytes(48).toString('base64url');
  const env = serverEnv(jwtSecret);
  await recreateDatabase(s.adminUrl, s.database);
  // v1 creates its schema on start (createDeps migrates), so it starts before the seed.
  const v1 = await startServer('v1', programPath('v1'), env);
  log(`v1 ready at ${v1.url} on database ${s.database}`);

  const passwordHash = bcrypt.hashSync('bench-password', 10);
  const { events } = await db.seed(s.databaseUrl, { users: s.users, passwordHash, phases: [...phases, ...soldOutPhases] });
  await db.sellOut(s.databaseUrl, soldOutPhases.map((phase) => events[phase]!));
  const tokens = Array.from({ length: s.users }, (_, i) => customerToken(jwtSecret, db.userId(i + 1)));
  const buyers: Buyers = { issued: 0, nextToken: () => tokens[buyers.issued++ % tokens.length]! };
  log(`seeded ${s.users} buyers with tokens, one product, ${phases.length} live sales and ${soldOutPhases.length} sold out`);
  return { v1, env, events, buyers };
}

const load = (buyers: Buyers, extra: Pick<SpikeSpec, 'url' | 'path' | 'server'> & Partial<SpikeSpec>): SpikeSpec => ({
  connections: settings.connections,
  warmupSeconds: settings.warmupSeconds,
  seconds: settings.seconds,
  nextToken: buyers.nextToken,
  idempotencyKeys: true,
  ...extra,
});

async function measureSpike(v1: Server, eventId: string, buyers: Buyers): Promise<SpikeRun & { batches: BatchSizes }> {
  await db.checkpoint(settings.databaseUrl);
  let before: Promise<BatchSizes> | undefined;
  const spike = await purchaseSpike(
    load(buyers, { url: v1.url, path: `/flashsale/${eventId}/purchase`, server: v1, onStart: () => (before = batchSizes(v1.url)) }),
  );
  const run = { ...spike, batches: await batchSizes(v1.url, await before) };
  log(`v1: ${run.perSecond.toFixed(0)} purchases/s, p50 ${run.latencyMs.p50?.toFixed(1)} ms, p99 ${run.latencyMs.p99?.toFixed(1)} ms, average batch ${run.batches.average?.toFixed(1)}`);
  return run;
}

/** Late buyers of a sold-out sale: every answer must be 409 SOLD_OUT. */
async function measureLateBuyers(server: Server, prefix: string, eventId: string, buyers: Buyers): Promise<SpikeRun & { fromMemory: number }> {
  let before: Promise<number> | undefined;
  const spike = await purchaseSpike(
    load(buyers, { url: server.url, path: `${prefix}/flashsale/${eventId}/purchase`, server, expect: 409, onStart: () => (before = refusedInProcess(server.url)) }),
  );
  // Answers counted by autocannon may include a few that the server answered after it stopped counting.
  const run = { ...spike, fromMemory: Math.min(1, (await refusedInProcess(server.url, await before)) / spike.responses) };
  log(`${server.name} late buyers: ${run.perSecond.toFixed(0)} refusals/s, p99 ${run.latencyMs.p99?.toFixed(1)} ms, ${(100 * run.fromMemory).toFixed(1)}% from memory`);
  return run;
}

async function measureNaive(clients: number, eventId: string) {
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
async function measureRound(running: Record<'v1' | 'v2' | 'express', Server>, events: Record<string, string>, buyers: Buyers): Promise<Round> {
  const v1 = await measureSpike(running.v1, events.v1!, buyers);
  const naiveFew = await measureNaive(settings.naiveClients, events['naive-few']!);
  const naive64 = await measureNaive(settings.connections, events['naive-64']!);
  const express = await purchaseSpike(load(buyers, { url: running.express.url, path: `/flashsale/${events.v1}/purchase`, server: running.express }));
  log(`bare Express: ${express.perSecond.toFixed(0)} responses/s`);
  const lateV1 = await measureLateBuyers(running.v1, '', events['sold-out-v1']!, buyers);
  const lateV2 = await measureLateBuyers(running.v2, '/api', events['sold-out-v2']!, buyers);
  return { v1, 'naive-few': naiveFew, 'naive-64': naive64, express, 'late-v1': lateV1, 'late-v2': lateV2 };
}

/** The naive script keeps no quotas: units sold and orders must agree. */
async function naiveTally(eventId: string): Promise<Tally> {
  const row = await db.saleTally(settings.databaseUrl, eventId);
  return { ...row, consistent: row.balanced && row.sold === row.orders };
}

/** A sold-out sale's late buyers bought nothing. */
async function lateTally(eventId: string): Promise<Tally> {
  const row = await db.saleTally(settings.databaseUrl, eventId);
  return { ...row, consistent: row.balanced && row.orders === 0 && row.quota_units === 0 };
}

async function measureRounds({ v1, env, events, buyers }: Awaited<ReturnType<typeof prepare>>) {
  const running = {
    v1,
    v2: await startServer('v2', programPath('v2'), env),
    express: await startServer('express', path.join(__dirname, 'lib/express-baseline.js'), { ...childBaseEnv(), NODE_ENV: 'production' }),
  };
  const rounds: Round[] = [];
  for (let i = 1; i <= settings.rounds; i += 1) {
    log(`round ${i} of ${settings.rounds}`);
    rounds.push(await measureRound(running, events, buyers));
  }
  for (const server of Object.values(running)) await servers.stop(server);
  // Sold counts the warm-ups and the requests in flight when autocannon stopped, too.
  const tallies = {
    v1: await tally(events.v1!),
    'naive-few': await naiveTally(events['naive-few']!),
    'naive-64': await naiveTally(events['naive-64']!),
    'late-v1': await lateTally(events['sold-out-v1']!),
    'late-v2': await lateTally(events['sold-out-v2']!),
  };
  return { rounds, tallies, everyPurchaseADifferentBuyer: buyers.issued <= settings.users };
}

/** A lone purchase, one caller: v1's single statement against the batch's transaction of one. */
async function measureLone(events: Record<string, string>) {
  const s = settings;
  const randomUser = () => db.userId(randomInt(1, s.users + 1));
  const lone = [];
  for (const way of Object.keys(loneWays) as LoneWay[]) {
    const eventId = events[`lone-${way}`]!;
    const run = await metered(() => runLonePurchases({ databaseUrl: s.databaseUrl, seconds: s.nodeSeconds, way, eventId, randomUser }));
    lone.push({ way, ...run, tally: await tally(eventId) });
    log(`lone purchase, ${way}: ${run.perSecond.toFixed(0)}/s, p50 ${run.latencyMs.p50?.toFixed(2)} ms`);
  }
  return lone;
}

async function main(): Promise<V1Results> {
  const busy = await busyBeforeStart();
  const phases = ['v1', 'naive-few', 'naive-64', ...Object.keys(loneWays).map((way) => `lone-${way}`)];
  if (SHAPES) phases.push(...shapePhases());
  const prepared = await prepare(phases, ['sold-out-v1', 'sold-out-v2']);
  const machine = { cpus: os.availableParallelism(), node: process.version, busyBeforeStartPct: busy, postgres: await db.serverFacts(settings.databaseUrl) };
  const measured = await measureRounds(prepared);
  const lone = await measureLone(prepared.events);
  const announcements = await announcementDelay({ redisUrl: settings.redisUrl, prefix: redisPrefix });
  log(`sold-out announcements: p50 ${announcements.p50?.toFixed(2)} ms, p99 ${announcements.p99?.toFixed(2)} ms, max ${announcements.max?.toFixed(2)} ms`);
  const shapes = SHAPES ? await measureShapes({ settings, events: prepared.events, metered, tally }) : undefined;
  const results = { startedAt: new Date(startedAt).toISOString(), settings, machine, ...measured, lone, announcements, shapes };
  return { ...results, ...judge(results) };
}

runBench({ startedAt, main, cleanUp: servers.cleanUp, render, writeResults, ok: (results) => results.consistent });
