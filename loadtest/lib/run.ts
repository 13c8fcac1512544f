// The whole load test as a library call: stack, buyers, one run per target, results.
// `npm run loadtest` (loadtest/cli.ts) and `npm run bench:v2` both call runLoadtest.
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { busyBeforeStart } from '../../scripts/lib/machine';
import { withClient } from '../../scripts/lib/databases';
import { ROOT } from '../../scripts/lib/entry-points';
import { localStackSettings, type Options } from './args';
import { createHttp } from './http';
import type { Buyer, RunState, Version } from './records';
import { newRunId, seedBuyersInDatabase, registerBuyers, adminToken } from './seed';
import { startLocalStack, type LocalStack } from './local-stack';
import { startProgress } from './progress';
import { runTarget, PREFIX, type TargetRun } from './run-target';


async function postgresFacts(databaseUrl: string): Promise<Record<string, string> | undefined> {
  const query = `SELECT current_setting('server_version') AS version, current_setting('synchronous_commit') AS synchronous_commit,
              current_setting('shared_buffers') AS shared_buffers, current_setting('max_connections') AS max_connections`;
  return withClient(databaseUrl, async (client) => (await client.query<Record<string, string>>(query)).rows[0]).catch(() => undefined);
}

/** How the tool reaches the stack: secrets and database for the fast paths, an admin for the sales. */
type Access = Pick<Options, 'jwtSecret' | 'databaseUrl' | 'adminEmail' | 'adminPassword'>;

async function seedBuyers({ options, access, origin, prefix, runId, state, log }: { options: Options; access: Access; origin: string; prefix: string; runId: string; state: RunState; log: (line: string) => void }): Promise<Buyer[]> {
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
function gitState(): { commit: string; uncommittedChanges: boolean } | undefined {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', '--short', 'HEAD'), uncommittedChanges: git('status', '--porcelain', '--untracked-files=no') !== '' };
  } catch {
    return undefined;
  }
}

/**
 * Runs the load test described by `options` (see args.ts). `log(line)` gets one-line notes.
 * Resolves to the results (JSON-ready except `targets[v].records`); never leaves a local stack running.
 */
export interface LoadtestResults {
  startedAt: string;
  finishedAt?: string;
  runId: string;
  options: Omit<Options, 'adminPassword' | 'jwtSecret'> & { adminPassword?: string; jwtSecret?: string };
  machine: { cpus: number; cpuModel?: string; node: string; busyBeforeStartPct: number | null; postgres?: Record<string, string> };
  code?: { commit: string; uncommittedChanges: boolean };
  topology?: Record<string, unknown>;
  seeding?: 'database' | 'http';
  targets: Partial<Record<Version, TargetRun>>;
  ok?: boolean;
}

export async function runLoadtest(
  options: Options,
  { log = () => undefined, env = process.env, signal }: { log?: (line: string) => void; env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<LoadtestResults & { ok: boolean }> {
  const runId = newRunId();
  const startedAt = new Date();
  const state: RunState = { phase: 'starting' };
  const results: LoadtestResults = {
    startedAt: startedAt.toISOString(),
    runId,
    options: { ...options, adminPassword: options.adminPassword ? '(given)' : undefined, jwtSecret: options.jwtSecret ? '(given)' : undefined },
    machine: { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model, node: process.version, busyBeforeStartPct: await busyBeforeStart() },
    code: gitState(),
    targets: {},
  };
  const stopProgress = startProgress(state, { quiet: options.quiet });
  let stack: LocalStack | undefined;
  try {
    let origins: Record<Version, string>;
    let access: Access;
    if (options.local) {
      state.phase = 'starting the local stack';
      stack = await startLocalStack({ runId, settings: localStackSettings(env), log });
      origins = { v1: stack.urls.v1!, v2: stack.urls.v2! };
      access = { jwtSecret: stack.jwtSecret, databaseUrl: stack.databaseUrl, adminEmail: stack.adminEmail, adminPassword: stack.adminPassword };
      results.topology = { kind: 'local', processes: { v1: 1, v2Api: 1, worker: 1 }, urls: stack.urls, database: stack.database };
    } else {
      origins = { v1: options.baseUrl!, v2: options.baseUrl! };
      access = { jwtSecret: options.jwtSecret, databaseUrl: options.databaseUrl, adminEmail: options.adminEmail, adminPassword: options.adminPassword };
      results.topology = { kind: 'remote', baseUrl: options.baseUrl, databaseAccess: Boolean(options.databaseUrl) };
    }
    if (access.databaseUrl) results.machine.postgres = await postgresFacts(access.databaseUrl);
    const first = options.targets[0]!;
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
  const ok = !signal?.aborted && Object.values(results.targets).every((run) => run.audit.ok);
  return { ...results, ok };
}

