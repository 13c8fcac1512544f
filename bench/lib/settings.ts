// Every knob of the benchmark, read once from the environment with the defaults.
import { randomBytes } from 'node:crypto';
import { URL } from 'node:url';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
};

/** The benchmark only ever talks to this machine: a remote URL is refused, not used. */
function localUrl(name: string, fallback: string): URL {
  const url = new URL(process.env[name] || fallback);
  if (!LOCAL_HOSTS.has(url.hostname)) throw new Error(`${name} must point at 127.0.0.1, got ${url.hostname}`);
  return url;
}

export type Settings = ReturnType<typeof loadSettings>;

export function loadSettings() {
  const adminUrl = localUrl('BENCH_ADMIN_URL', 'postgres://postgres@127.0.0.1:5432/postgres');
  // Per run, so two runs on one machine never share a database; each run drops its own at the end.
  const database = process.env.BENCH_DATABASE || `flashfast_bench_${randomBytes(4).toString('hex')}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(database)) throw new Error('BENCH_DATABASE must be a plain lower-case identifier');
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${database}`;
  return Object.freeze({
    adminUrl: adminUrl.toString(),
    database,
    databaseUrl: databaseUrl.toString(),
    redisUrl: localUrl('BENCH_REDIS_URL', 'redis://127.0.0.1:6379').toString(),
    pgbench: process.env.PGBENCH || 'pgbench',
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

