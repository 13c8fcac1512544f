// Command-line options of `npm run loadtest`, checked once, and the local stack's settings; pure
// (argv and env in, options out): the one place loadtest/ reads its settings.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { URL } from 'node:url';
import type { Version } from './records';

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const TARGETS: Record<string, Version[]> = { v1: ['v1'], v2: ['v2'], both: ['v1', 'v2'] };

export const USAGE = `usage: npm run loadtest -- [options]
  --target v1|v2|both       which purchase API to hit (default both; each gets its own sale)
  --buyers N                distinct buyers, one purchase request each (default 10000)
  --stock N                 units in each sale (default 1000)
  --connections N           concurrent HTTP connections (default 256)
  --max-per-user N          the sale's maxPerUser (default 1)
  --base-url URL            the cluster (default ${DEFAULT_BASE_URL}; v1 at /, v2 at /api); loopback only;
                            https:// for \`npm run cluster -- --tls\` (e.g. https://127.0.0.1:8443)
  --ca FILE                 also trust this certificate authority (PEM) for https:// (the cluster's
                            local one: .cluster/tls/ca.pem); NODE_EXTRA_CA_CERTS works as well
  --local                   start a fresh local stack (v1, v2 API, one worker, own database) and stop it after
  --jwt-secret S            the servers' JWT_SECRET (env JWT_SECRET): sign buyer tokens locally
  --database-url URL        their database (env DATABASE_URL): seed buyers with one INSERT, read decision times
  --admin-email E           an admin account (env ADMIN_EMAIL) to create products and sales over HTTP
  --admin-password P        (env ADMIN_PASSWORD)
  --timeout S               give up waiting for answers and decisions after S seconds (default 180)
  --report DIR              write report.json, report.md and PNG charts into DIR
  --report-md FILE          write the Markdown report to FILE instead of DIR/report.md
  --note TEXT               a note for the report (why this topology, what else ran, ...)
  --quiet                   no progress display
  -h, --help                this text`;

const OPTIONS = {
  target: { type: 'string', default: 'both' },
  buyers: { type: 'string', default: '10000' },
  stock: { type: 'string', default: '1000' },
  connections: { type: 'string', default: '256' },
  'max-per-user': { type: 'string', default: '1' },
  'base-url': { type: 'string' },
  ca: { type: 'string' },
  local: { type: 'boolean', default: false },
  'jwt-secret': { type: 'string' },
  'database-url': { type: 'string' },
  'admin-email': { type: 'string' },
  'admin-password': { type: 'string' },
  timeout: { type: 'string', default: '180' },
  report: { type: 'string' },
  'report-md': { type: 'string' },
  note: { type: 'string' },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} satisfies ParseArgsConfig['options'];

export class UsageError extends Error {}

function positiveInt(name: string, raw: string, max?: number): number {
  const value = Number(raw);
  if (!/^\d+$/.test(String(raw)) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`--${name} must be a positive integer, got "${raw}"`);
  }
  if (max !== undefined && value > max) throw new UsageError(`--${name} must be at most ${max}, got ${value}`);
  return value;
}

/** Load goes to this machine only: anything but a loopback address is refused. */
function loopbackUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--${name} is not a URL: "${raw}"`);
  }
  if (!['http:', 'https:'].includes(url.protocol)) throw new UsageError(`--${name} must be http(s), got ${url.protocol}`);
  if (!LOOPBACK_HOSTS.has(url.hostname)) throw new UsageError(`--${name} must point at this machine (127.0.0.1), got ${url.hostname}`);
  return url.origin;
}

/** The load test's options, checked. */
export interface Options {
  target: string;
  targets: Version[];
  buyers: number;
  stock: number;
  connections: number;
  maxPerUser: number;
  timeoutSeconds: number;
  local: boolean;
  /** null with --local. */
  baseUrl: string | null;
  caFile?: string;
  jwtSecret?: string;
  databaseUrl?: string;
  adminEmail?: string;
  adminPassword?: string;
  reportDir?: string;
  reportMarkdown?: string;
  note?: string;
  quiet: boolean;
}

/**
 * Parses `argv` (without node and the script) with fallbacks from `env`.
 * Returns `{ help: true, usage }` for --help; throws UsageError on bad input.
 */
export function parseOptions(argv: string[], env: NodeJS.ProcessEnv = {}): Options | { help: true; usage: string } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) return { help: true, usage: USAGE };
  const targets = TARGETS[values.target];
  if (!targets) throw new UsageError(`--target must be v1, v2 or both, got "${values.target}"`);
  if (values.local && values['base-url']) throw new UsageError('--local starts its own stack: leave out --base-url');
  if (values.local && values.ca) throw new UsageError('--local serves plain HTTP: leave out --ca');
  const options: Options = {
    target: values.target,
    targets,
    buyers: positiveInt('buyers', values.buyers, 1_000_000),
    stock: positiveInt('stock', values.stock, 1_000_000_000),
    connections: positiveInt('connections', values.connections, 10_000),
    maxPerUser: positiveInt('max-per-user', values['max-per-user'], 10_000),
    timeoutSeconds: positiveInt('timeout', values.timeout, 3600),
    local: values.local,
    baseUrl: values.local ? null : loopbackUrl('base-url', values['base-url'] ?? DEFAULT_BASE_URL),
    caFile: values.ca,
    jwtSecret: values['jwt-secret'] ?? (env.JWT_SECRET || undefined),
    databaseUrl: values['database-url'] ?? (env.DATABASE_URL || undefined),
    adminEmail: values['admin-email'] ?? (env.ADMIN_EMAIL || undefined),
    adminPassword: values['admin-password'] ?? (env.ADMIN_PASSWORD || undefined),
    reportDir: values.report,
    reportMarkdown: values['report-md'],
    note: values.note,
    quiet: values.quiet,
  };
  if (options.reportMarkdown && !options.reportDir) throw new UsageError('--report-md needs --report DIR for the JSON and charts');
  if (options.databaseUrl) loopbackUrl('database-url', options.databaseUrl.replace(/^postgres(ql)?:/, 'http:'));
  if (!options.local && (!options.adminEmail || !options.adminPassword)) {
    throw new UsageError('a remote stack needs an admin: --admin-email and --admin-password (or ADMIN_EMAIL, ADMIN_PASSWORD)');
  }
  return options;
}


// Settings of the caller's environment that a local stack passes on to its servers (tuning, not addresses).
const PASSED_ON = /^(PATH|HOME|NODE_OPTIONS|DATABASE_POOL_SIZE|WORKER_CONCURRENCY|WORKER_BATCH_MAX|ACCEPT_BATCH_MAX|PURCHASE_BATCH_MAX|SOLD_OUT_MEMORY_MS|QUEUE_MAX_DEPTH|PURCHASE_ATTEMPTS|BCRYPT_ROUNDS|RATE_LIMIT_.*|RECONCILE_.*|STOCK_EMIT_INTERVAL_MS|UV_THREADPOOL_SIZE)$/;

/** What --local takes from the environment: where it creates its database and keys, its servers' log level and tuning. */
export interface LocalStackSettings {
  pgAdminUrl: string;
  redisUrl: string;
  logLevel: string;
  passedOn: Record<string, string>;
}

export function localStackSettings(env: NodeJS.ProcessEnv): LocalStackSettings {
  return {
    pgAdminUrl: env.LOADTEST_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres',
    redisUrl: env.LOADTEST_REDIS_URL || 'redis://127.0.0.1:6379',
    logLevel: env.LOADTEST_LOG_LEVEL || 'warn',
    passedOn: Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => PASSED_ON.test(entry[0]) && entry[1] !== undefined)),
  };
}
