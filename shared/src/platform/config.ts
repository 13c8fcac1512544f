// One flat schema, on purpose (not immich's nested config): the environment it parses is flat,
// every process validates the whole set so that a bad key fails fast in all of them alike, and a
// nested shape would only add a mapping layer from env names to paths that no reader needs.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';

const intFromEnv = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

/** An http(s) origin (no path): where a browser page finds another process; normalised to `scheme://host[:port]`. */
const publicOrigin = z
  .url({ protocol: /^https?$/, abort: true })
  .refine((value) => {
    const url = new URL(value);
    return url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
  }, 'an origin only, such as http://localhost:3002 (no path, query or credentials)')
  .transform((value) => new URL(value).origin);

/** An ISO 4217 currency code that Intl can format (upper-cased: `eur` is EUR). */
const currencyCode = z
  .string()
  .toUpperCase()
  .refine((code) => Intl.supportedValuesOf('currency').includes(code), 'an ISO 4217 currency code, such as USD, EUR or GBP');

const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: intFromEnv(3001, 0).pipe(z.number().max(65535)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url().default('postgres://postgres@127.0.0.1:5432/flashfast'),
  DATABASE_POOL_SIZE: intFromEnv(10, 1),
  // Per statement on the server; the client gives up 1 s later (a paused server). 0 = none.
  DATABASE_STATEMENT_TIMEOUT_MS: intFromEnv(5_000),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default('ff:'),
  JWT_SECRET: z.string().optional(),
  JWT_EXPIRES_IN: z.string().regex(/^\d+[smhd]?$/, 'a number of seconds or a duration such as 15m, 1h, 7d').default('1h'),
  // How often each process re-reads account changes and logouts (a Redis message makes it sooner),
  // and how stale they may get before authenticated requests are refused with 503.
  AUTH_REFRESH_MS: intFromEnv(1_000, 100),
  AUTH_MAX_STALENESS_MS: intFromEnv(5_000, 1_000),
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  BCRYPT_ROUNDS: intFromEnv(10, 4).pipe(z.number().max(15)),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/).default('16kb'),
  TRUST_PROXY_HOPS: intFromEnv(0),
  RATE_LIMIT_WINDOW_MS: intFromEnv(60_000, 1000),
  RATE_LIMIT_AUTH_MAX: intFromEnv(20, 1),
  RATE_LIMIT_PURCHASE_MAX: intFromEnv(60, 1),
  PAGE_SIZE_MAX: intFromEnv(100, 1),
  // Resilience: how long a process tries to reach its dependencies at start-up, how long a stop may take.
  STARTUP_RETRY_FOR_MS: intFromEnv(60_000, 0),
  SHUTDOWN_TIMEOUT_MS: intFromEnv(20_000, 1000),
  // HTTP server: headers must arrive within, the whole request (body included) within, idle keep-alive.
  HTTP_HEADERS_TIMEOUT_MS: intFromEnv(10_000, 1000),
  HTTP_REQUEST_TIMEOUT_MS: intFromEnv(30_000, 1000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: intFromEnv(65_000, 1000),
  // Purchases: v1's merged deduction, and the sold-out fast path of every API process (0 = off)
  PURCHASE_BATCH_MAX: intFromEnv(256, 1),
  SOLD_OUT_MEMORY_MS: intFromEnv(2_000, 0),
  // v2 queue and worker
  QUEUE_MAX_DEPTH: intFromEnv(100_000, 1),
  // Batch jobs a worker holds at once; those that arrive together are decided together, up to
  // WORKER_BATCH_MAX purchases in one transaction (a Lua call per 250) (v2/src/workers/decision-batches.ts).
  // Measured (bench:v2, 30,000 backlog): 64 jobs / 1,000 purchases 5,044 orders/s, 256 / 2,000 6,787/s.
  WORKER_CONCURRENCY: intFromEnv(256, 1),
  WORKER_BATCH_MAX: intFromEnv(2_000, 1),
  // Failures of a dependency are retried for PURCHASE_RETRY_FOR_MS (capped exponential backoff);
  // any other failure PURCHASE_ATTEMPTS times. Then the request is dead-lettered.
  PURCHASE_ATTEMPTS: intFromEnv(5, 1),
  PURCHASE_BACKOFF_MS: intFromEnv(200, 1),
  PURCHASE_BACKOFF_MAX_MS: intFromEnv(5_000, 1),
  PURCHASE_RETRY_FOR_MS: intFromEnv(120_000, 0),
  DEAD_LETTER_REPLAY_MAX: intFromEnv(200, 0),
  WORKER_HEARTBEAT_MS: intFromEnv(2_000, 100),
  WORKER_LOCK_MS: intFromEnv(15_000, 1000),
  ACCEPT_BATCH_MAX: intFromEnv(500, 1),
  RECONCILE_INTERVAL_MS: intFromEnv(2_000, 100),
  RECONCILE_MIN_AGE_MS: intFromEnv(3_000, 0),
  ORPHAN_AFTER_MS: intFromEnv(10_000, 100),
  STOCK_EMIT_INTERVAL_MS: intFromEnv(100, 10),
  // v2 Socket.io: messages a connection may send (a bucket of SOCKET_EMIT_BURST refilled at
  // SOCKET_EMITS_PER_SECOND; past it the connection is closed and its address waits
  // SOCKET_FLOOD_COOLDOWN_MS), sales it may follow, connections per client address, and how long a
  // sale looked up for `subscribe` is reused.
  SOCKET_EMITS_PER_SECOND: intFromEnv(20, 1),
  SOCKET_EMIT_BURST: intFromEnv(60, 1),
  SOCKET_FLOOD_COOLDOWN_MS: intFromEnv(10_000, 0),
  SOCKET_MAX_SUBSCRIPTIONS: intFromEnv(50, 1),
  SOCKET_MAX_CONNECTIONS_PER_ADDRESS: intFromEnv(50, 1),
  SOCKET_SALE_CACHE_MS: intFromEnv(1_000, 0),
  // The shop page (served by v1): v2's origin for its API and Socket.io; '' = the page's own origin (behind nginx).
  PUBLIC_V2_URL: publicOrigin.default(''),
  // The shop's one currency: every amount in the API is in it (the API carries amounts only); the shop page shows it.
  SHOP_CURRENCY: currencyCode.default('USD'),
});

export type Config = Readonly<
  Omit<z.infer<typeof configSchema>, 'JWT_SECRET'> & { JWT_SECRET: string; jwtSecretGenerated: boolean }
>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once, reporting every bad key together (each key's own rules and the
 * rules between keys, which read the raw values so that one bad key hides no other); `defaults`
 * are per-process fallbacks (v2's port, say). Nothing else reads process.env.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, defaults: Record<string, string> = {}): Config {
  const raw: Record<string, string | undefined> = {
    ...defaults,
    ...Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')),
  };
  const parsed = configSchema.safeParse(raw);
  const problems = parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  problems.push(...crossKeyProblems(raw));
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);

  const values = parsed.data;
  return Object.freeze({
    ...values,
    JWT_SECRET: values.JWT_SECRET ?? randomBytes(48).toString('base64url'),
    jwtSecretGenerated: values.JWT_SECRET === undefined,
  });
}

/** The rules no single key's schema can state, on the raw strings (blank counts as unset). */
function crossKeyProblems(raw: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  const secret = raw.JWT_SECRET;
  if (secret !== undefined && Buffer.byteLength(secret) < 32) {
    problems.push('JWT_SECRET: must be at least 32 bytes (HS256 keys shorter than the hash are weak)');
  }
  if (secret === undefined && raw.NODE_ENV === 'production') {
    problems.push('JWT_SECRET: required when NODE_ENV=production');
  }
  if ((raw.ADMIN_EMAIL === undefined) !== (raw.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither');
  }
  if (raw.ADMIN_PASSWORD !== undefined && Buffer.byteLength(raw.ADMIN_PASSWORD) > 72) {
    problems.push('ADMIN_PASSWORD: at most 72 bytes (the bcrypt limit)');
  }
  // Rules between numbers: each side as its own schema reads it (default included); skipped when
  // one side is itself bad, which is then reported on its own.
  const staleness = configSchema.shape.AUTH_MAX_STALENESS_MS.safeParse(raw.AUTH_MAX_STALENESS_MS);
  const refresh = configSchema.shape.AUTH_REFRESH_MS.safeParse(raw.AUTH_REFRESH_MS);
  if (staleness.success && refresh.success && staleness.data <= refresh.data) {
    problems.push('AUTH_MAX_STALENESS_MS: must be greater than AUTH_REFRESH_MS (else every token is refused between two reads)');
  }
  return problems;
}
