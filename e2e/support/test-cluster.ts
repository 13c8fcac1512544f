import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Deps } from '@flashfast/shared';
import { ensureLocalAuthority, startCluster, ROOT, type Cluster, type ClusterOptions } from '../../scripts/cluster/index';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';
import { testDatabaseUrl } from '../../shared/test/support/test-databases';
import { testRedisUrl } from '../../shared/test/support/test-services';

/** Long enough for a first `apt-get install nginx` on a fresh machine, then the cluster's start. */
export const CLUSTER_START_TIMEOUT = 180_000;

const JWT_SECRET = 'e2e-secret-that-is-long-enough-for-hs256-0123456789';

/** One e2e database per Jest worker and run, apart from the API tests' databases. */
export const e2eDatabaseUrl = (): string => testDatabaseUrl(`e2e_w${process.env.JEST_WORKER_ID ?? '0'}`);

export interface TestCluster {
  cluster: Cluster;
  /** nginx, the one entry point (https://127.0.0.1:<port> with `tls`). */
  baseUrl: string;
  /** With `tls`: nginx's plain HTTP port (redirects); otherwise baseUrl. */
  httpUrl: string;
  /** With `tls`: the local authority that signed nginx's certificate (PEM), for clients to trust. */
  ca?: string;
  /** What every app process got: database, Redis prefix, secret, limits. */
  env: Record<string, string>;
  /** Test-side connections to the same database and the same Redis prefix. */
  deps: Deps;
  stop(): Promise<void>;
}

type TestClusterOptions = Omit<ClusterOptions, 'env' | 'baseEnv' | 'runDir' | 'port' | 'tls'> & {
  env?: Record<string, string>;
  /** HTTPS as in production, with a local authority of the run's own (made with openssl). */
  tls?: boolean;
};

/**
 * The cluster of `npm run cluster` (compiled dist/, real nginx) for a test file, on ephemeral
 * ports, this worker's e2e database and a Redis key prefix of its own. nginx is installed
 * first if the machine lacks it. `stop` ends every process and removes the prefix's keys.
 */
export async function startTestCluster({ tls, ...options }: TestClusterOptions = {}): Promise<TestCluster> {
  execFileSync(path.join(ROOT, 'scripts/install-system-deps.sh'), ['nginx'], { stdio: 'inherit' });
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: e2eDatabaseUrl(),
    REDIS_URL: testRedisUrl(),
    REDIS_KEY_PREFIX: `e2e:${randomUUID().slice(0, 8)}:`,
    JWT_SECRET,
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_AUTH_MAX: '100000',
    RATE_LIMIT_PURCHASE_MAX: '100000',
    SOCKET_MAX_CONNECTIONS_PER_ADDRESS: '100000',
    // Several processes per cluster and two test files at once share PostgreSQL's 100 connections.
    DATABASE_POOL_SIZE: '4',
    ...options.env,
  };
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashfast-e2e-'));
  const authority = tls ? ensureLocalAuthority(path.join(runDir, 'tls')) : undefined;
  const cluster = await startCluster({
    workers: 1,
    ...options,
    port: 0,
    tls: authority && { certFile: authority.certFile, keyFile: authority.keyFile, httpPort: 0 },
    env,
    baseEnv: { PATH: process.env.PATH },
    runDir,
  });
  let deps: Deps;
  try {
    deps = await createTestDeps({ ...env, LOG_LEVEL: 'silent' });
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return {
    cluster,
    baseUrl: cluster.baseUrl,
    httpUrl: cluster.httpUrl,
    ca: authority && fs.readFileSync(authority.caFile, 'utf8'),
    env,
    deps,
    stop: async () => {
      await cluster.stop();
      await closeTestDeps(deps);
      fs.rmSync(runDir, { recursive: true, force: true });
    },
  };
}

/** The app processes of one role, in start order. */
export const instances = (test: TestCluster, role: 'v1' | 'v2' | 'worker') =>
  test.cluster.processes.filter((proc) => proc.role === role);

export interface AccessLogEntry {
  client: string;
  requestId: string;
  method: string;
  /** As the client sent it, query included. */
  uri: string;
  status: number;
  upstream: string;
  upstreamStatus: string;
  /** http or https, HTTP/1.1 or HTTP/2.0, the TLS version ('' over plain HTTP). */
  scheme: string;
  protocol: string;
  tls: string;
}

/**
 * The access-log entry of a request, once nginx has written it: nginx logs a request when it
 * finalises it, which may come just after the client has read the whole answer.
 */
export async function loggedRequest(test: TestCluster, requestId: string, timeoutMs = 3_000): Promise<AccessLogEntry | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entry = accessLog(test).find((line) => line.requestId === requestId);
    if (entry || Date.now() > deadline) return entry;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** nginx's access log so far (JSON lines, see nginx.conf's log_format). */
export function accessLog(test: TestCluster): AccessLogEntry[] {
  return fs
    .readFileSync(test.cluster.nginx.logFile, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return line.startsWith('{') ? [JSON.parse(line) as AccessLogEntry] : [];
      } catch {
        return []; // error-log lines, or a request line with raw bytes
      }
    });
}
