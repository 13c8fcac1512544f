// Every knob of the benchmarks, read from the environment here and nowhere else in bench/: the
// shared ones (loadSettings), each bench's own (loadV1Settings, loadV2Settings), the
// instrumentation's, and what the processes a bench starts are handed. Defaults are the issue's.
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { URL } from 'node:url';

const env = process.env;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const int = (name: string, fallback: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
};

/** A switch: set to anything but the empty string. */
const flag = (name: string): boolean => Boolean(env[name]);

/** The benchmark only ever talks to this machine: a remote URL is refused, not used. */
function localUrl(name: string, fallback: string): URL {
  const url = new URL(env[name] || fallback);
  if (!LOCAL_HOSTS.has(url.hostname)) throw new Error(`${name} must point at 127.0.0.1, got ${url.hostname}`);
  return url;
}

/** The servers' own settings that a bench passes on when they are set (the servers' loadConfig checks them). */
const passedOn = (keys: readonly string[]): Readonly<Record<string, string>> =>
  Object.freeze(Object.fromEntries(keys.filter((key) => env[key]).map((key) => [key, env[key]!])));

export type Settings = ReturnType<typeof loadSettings>;

export function loadSettings() {
  const adminUrl = localUrl('BENCH_ADMIN_URL', 'postgres://postgres@127.0.0.1:5432/postgres');
  // Per run, so two runs on one machine never share a database; each run drops its own at the end.
  const database = env.BENCH_DATABASE || `flashfast_bench_${randomBytes(4).toString('hex')}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error('BENCH_DATABASE must be a plain lower-case identifier');
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${database}`;
  return Object.freeze({
    adminUrl: adminUrl.toString(),
    database,
    databaseUrl: databaseUrl.toString(),
    redisUrl: localUrl('BENCH_REDIS_URL', 'redis://127.0.0.1:6379').toString(),
    pgbench: env.PGBENCH || 'pgbench',
    // v1's own default (shared/src/platform/config.ts); the pgbench "same pool" run uses it too.
    poolSize: int('DATABASE_POOL_SIZE', 10),
    connections: int('BENCH_CONNECTIONS', 64),
    // The naive ceiling's smaller client count (the 8); the larger is BENCH_CONNECTIONS.
    naiveClients: int('BENCH_NAIVE_CLIENTS', 8),
    warmupSeconds: int('BENCH_WARMUP_SECONDS', 2),
    seconds: int('BENCH_SECONDS', 10),
    // bench:v1 runs every measure once per round and takes ratios within a round.
    rounds: int('BENCH_ROUNDS', 3),
    pgbenchSeconds: int('BENCH_PGBENCH_SECONDS', 8),
    nodeSeconds: int('BENCH_NODE_SECONDS', 5),
    users: int('BENCH_USERS', 50_000),
  });
}

/** bench:v1's own knobs. */
export function loadV1Settings() {
  return Object.freeze({
    // The earlier comparison of statement shapes (pgbench and node-postgres), behind a flag: it chose v1's single statement.
    shapes: flag('BENCH_V1_SHAPES'),
    serverEnv: passedOn(['PURCHASE_BATCH_MAX', 'SOLD_OUT_MEMORY_MS']),
  });
}

const WHAT_IFS = ['custom-plans'] as const;
export type WhatIf = (typeof WHAT_IFS)[number];

/** BENCH_WHAT_IF: experiments behind findings in bench/README.md, comma-separated. */
function whatIfs(): ReadonlySet<WhatIf> {
  const named = (env.BENCH_WHAT_IF ?? '').split(',').filter(Boolean);
  const unknown = named.filter((name) => !(WHAT_IFS as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_WHAT_IF: unknown ${unknown.join(', ')} (known: ${WHAT_IFS.join(', ')})`);
  return new Set(named as WhatIf[]);
}

/** bench:v2's own knobs. */
export function loadV2Settings() {
  return Object.freeze({
    users: int('BENCH_V2_USERS', 150_000),
    backlog: int('BENCH_V2_BACKLOG', 100_000),
    spike: { buyers: int('BENCH_SPIKE_BUYERS', 10_000), stock: int('BENCH_SPIKE_STOCK', 1_000), connections: int('BENCH_SPIKE_CONNECTIONS', 256) },
    whatIf: whatIfs(),
    // Off with BENCH_V2_NO_ANALYZE=1: the drain then runs on the seed's statistics.
    analyze: !flag('BENCH_V2_NO_ANALYZE'),
    skipSpike: flag('BENCH_V2_SKIP_SPIKE'),
    serverEnv: passedOn(['DATABASE_POOL_SIZE', 'WORKER_CONCURRENCY', 'WORKER_BATCH_MAX', 'ACCEPT_BATCH_MAX']),
  });
}

/** Where the instrumentation writes (lib/instrumentation.ts), as absolute paths; read by the bench and by the preloads in its servers. */
export function instrumentationDirs(): { cpuProfileDir?: string; traceIoDir?: string } {
  return {
    ...(env.BENCH_CPU_PROFILE_DIR ? { cpuProfileDir: path.resolve(env.BENCH_CPU_PROFILE_DIR) } : {}),
    ...(env.BENCH_TRACE_IO_DIR ? { traceIoDir: path.resolve(env.BENCH_TRACE_IO_DIR) } : {}),
  };
}

/** What a process the bench starts inherits as its whole environment: the search path, nothing else. */
export const childBaseEnv = (): NodeJS.ProcessEnv => ({ PATH: env.PATH });

/** The port a server the bench starts is told to listen on (scripts/lib/servers.ts sets PORT). */
export const assignedPort = (): number => Number(env.PORT);
