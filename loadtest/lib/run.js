// The whole load test as a library call: stack, buyers, one run per target, results.
// `npm run loadtest` (loadtest/cli.js) and `npm run bench:v2` both call runLoadtest.
const os = require('node:os');
const { execFileSync } = require('node:child_process');
const pg = require('pg');
const { busyBeforeStart } = require('../../bench/lib/machine');
const { createHttp } = require('./http');
const { newRunId, seedBuyersInDatabase, registerBuyers, adminToken } = require('./seed');
const { startLocalStack } = require('./local-stack');
const { startProgress } = require('./progress');
const { runTarget, PREFIX } = require('./run-target');

const PG_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = 'redis://127.0.0.1:6379';

async function postgresFacts(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'flashfast-loadtest' });
  try {
    await client.connect();
    const { rows } = await client.query(
      `SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS synchronous_commit,
              current_setting('shared_buffers') AS shared_buffers, current_setting('max_connections') AS max_connections`,
    );
    return rows[0];
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function seedBuyers({ options, access, origin, prefix, runId, state, log }) {
  if (access.jwtSecret && access.databaseUrl) {
    state.phase = `seeding ${options.buyers} buyers in the database`;
    return seedBuyersInDatabase({ databaseUrl: access.databaseUrl, jwtSecret: access.jwtSecret, count: options.buyers, runId });
  }
  log('no --jwt-secret and --database-url: registering every buyer over HTTP (slow: the servers hash each password)');
  const http = createHttp(origin, { connections: 32 });
  try {
    state.phase = `registering ${options.buyers} buyers over HTTP`;
    return await registerBuyers({ http, prefix, count: options.buyers, runId, onProgress: (n) => (state.phase = `registered ${n}/${options.buyers} buyers`) });
  } finally {
    await http.close();
  }
}

/** The code measured: the commit, and whether tracked files differed from it. */
function gitState() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: `${__dirname}/../..`, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', '--short', 'HEAD'), uncommittedChanges: git('status', '--porcelain', '--untracked-files=no') !== '' };
  } catch {
    return undefined;
  }
}

/**
 * Runs the load test described by `options` (see args.js). `log(line)` gets one-line notes.
 * Resolves to the results (JSON-ready except `targets[v].records`); never leaves a local stack running.
 */
async function runLoadtest(options, { log = () => undefined, env = process.env, signal } = {}) {
  const runId = newRunId();
  const startedAt = new Date();
  const state = { phase: 'starting' };
  const results = {
    startedAt: startedAt.toISOString(),
    runId,
    options: { ...options, adminPassword: options.adminPassword ? '(given)' : undefined, jwtSecret: options.jwtSecret ? '(given)' : undefined },
    machine: { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model, node: process.version, busyBeforeStartPct: await busyBeforeStart() },
    code: gitState(),
    targets: {},
  };
  const stopProgress = startProgress(state, { quiet: options.quiet });
  let stack;
  try {
    let origins;
    let access;
    if (options.local) {
      state.phase = 'starting the local stack';
      stack = await startLocalStack({ runId, pgAdminUrl: env.LOADTEST_PG_URL || PG_ADMIN_URL, redisUrl: env.LOADTEST_REDIS_URL || REDIS_URL, log });
      origins = { v1: stack.urls.v1, v2: stack.urls.v2 };
      access = { jwtSecret: stack.jwtSecret, databaseUrl: stack.databaseUrl, adminEmail: stack.adminEmail, adminPassword: stack.adminPassword };
      results.topology = { kind: 'local', processes: { v1: 1, v2Api: 1, worker: 1 }, urls: stack.urls, database: stack.database };
    } else {
      origins = { v1: options.baseUrl, v2: options.baseUrl };
      access = { jwtSecret: options.jwtSecret, databaseUrl: options.databaseUrl, adminEmail: options.adminEmail, adminPassword: options.adminPassword };
      results.topology = { kind: 'remote', baseUrl: options.baseUrl, databaseAccess: Boolean(options.databaseUrl) };
    }
    if (access.databaseUrl) results.machine.postgres = await postgresFacts(access.databaseUrl);
    const first = options.targets[0];
    const adminHttp = createHttp(origins[first], { connections: 2 });
    const token = await adminToken({ http: adminHttp, prefix: PREFIX[first], email: access.adminEmail, password: access.adminPassword }).finally(() => adminHttp.close());
    const buyers = await seedBuyers({ options, access, origin: origins[first], prefix: PREFIX[first], runId, state, log });
    results.seeding = access.jwtSecret && access.databaseUrl ? 'database' : 'http';
    log(`${buyers.length} buyers ready (seeded via ${results.seeding})`);

    for (const version of options.targets) {
      if (signal?.aborted) break;
      const run = await runTarget({
        origin: origins[version],
        version,
        buyers,
        adminToken: token,
        options,
        databaseUrl: access.databaseUrl,
        runId,
        state,
        pids: stack ? (version === 'v1' ? { v1: stack.pids.v1 } : { 'v2 API': stack.pids.v2, 'v2 worker': stack.pids.worker }) : undefined,
        log,
        signal,
      });
      results.targets[version] = run;
    }
  } finally {
    stopProgress();
    if (stack) await stack.stop();
  }
  results.finishedAt = new Date().toISOString();
  results.ok = !signal?.aborted && Object.values(results.targets).every((run) => run.audit.ok);
  return results;
}

module.exports = { runLoadtest };
