// The local cluster as a library (`npm run cluster` and the e2e tests): N v1 and N v2 instances
// and M workers from the compiled dist/, each on its own loopback port behind one nginx, every
// process supervised (restarted with backoff when it crashes: scripts/lib/supervisor.js).
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureLocalAuthority } from './local-tls';
import { knowsHttp2Directive, renderLoopbackConfig } from './nginx-config';
import { supervise, signalGroup, type LogEvent, type StopStep, type SuperviseSpec } from '../lib/supervisor';
import { waitUntilReady } from '../lib/wait-ready';
import { PROGRAMS, programPath, ROOT } from '../lib/entry-points';
import { launchSecret } from '../lib/launch-secret';
import { assertPortFree, freePorts } from '../lib/ports';
import { runToCompletion } from './processes';
import type { Cluster, ClusterOptions, ClusterProcess, StopResult } from './cluster-types';

export type * from './cluster-types';

/** nginx from PATH, or where Debian puts it (/usr/sbin is not on every user's PATH). */
export function findNginx(): string {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'];
  const found = dirs.map((dir) => path.join(dir, 'nginx')).find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (!found) throw new Error('nginx is not installed: run scripts/install-system-deps.sh nginx');
  return found;
}

/** `nginx -v` (it prints to stderr): the rendering adapts to what this version understands. */
export function nginxVersion(nginx: string): string {
  const result = spawnSync(nginx, ['-v'], { encoding: 'utf8' });
  return `${result.stderr}${result.stdout}`.trim();
}

/** Two clusters in one run directory would overwrite each other's config and logs. */
function refuseIfRunning(runDir: string): void {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(runDir, 'nginx.pid'), 'utf8'));
    process.kill(pid, 0);
  } catch {
    return; // no pid file, or its nginx is gone
  }
  throw new Error(`a cluster is already running in ${runDir} (nginx pid ${pid}): stop it first`);
}

const count = (value: unknown, name: string, min: number): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got ${value}`);
  return n;
};

/**
 * Starts the cluster and resolves once every process answers /readyz and nginx answers /healthz.
 * On failure everything started so far is stopped before the error is thrown.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const sizes = {
    v1: count(options.v1 ?? 2, 'v1', 1),
    v2: count(options.v2 ?? 2, 'v2', 1),
    worker: count(options.workers ?? 2, 'workers', 0),
  };
  const host = options.host ?? '127.0.0.1';
  const runDir = path.resolve(options.runDir ?? path.join(ROOT, '.cluster'));
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const nginx = findNginx();
  for (const program of Object.values(PROGRAMS)) {
    if (!fs.existsSync(path.join(ROOT, program))) throw new Error(`${program} is missing: run npm run build first`);
  }
  refuseIfRunning(runDir);
  fs.mkdirSync(path.join(runDir, 'logs'), { recursive: true });
  // Under root, nginx's workers run as nobody and write their temp files (large request bodies) here.
  if (process.getuid?.() === 0) fs.chmodSync(runDir, 0o755);

  const baseEnv = { ...(options.baseEnv ?? process.env), ...options.env };
  // A generated secret is for trying the cluster out; production must give its own.
  const jwtSecret = launchSecret(baseEnv);
  if (!jwtSecret) throw new Error('JWT_SECRET: required when NODE_ENV=production');
  // One secret for all (a token from any instance works on every other) and one proxy hop: nginx.
  const appEnv = { ...baseEnv, JWT_SECRET: jwtSecret, HOST: '127.0.0.1', TRUST_PROXY_HOPS: '1' };
  const processes: ClusterProcess[] = [];
  let nginxProcess: ClusterProcess | undefined;
  let stopping: Promise<StopResult[]> | undefined;

  const killAllNow = () => [...processes, nginxProcess].forEach((proc) => signalGroup(proc?.child, 'SIGKILL'));
  // Last resort when the supervisor exits without stop() (an uncaught error): no orphans.
  process.on('exit', killAllNow);

  const stop = (): Promise<StopResult[]> =>
    (stopping ??= (async () => {
      // nginx first, so no new request reaches an instance that is shutting down: gracefully
      // (requests under way finish), then fast, as an open WebSocket would hold it 10 s.
      const results: StopResult[] = [];
      const stopOne = async (proc: ClusterProcess, steps: StopStep[]) => results.push({ name: proc.name, result: await proc.stop(steps) });
      if (nginxProcess) await stopOne(nginxProcess, [['SIGQUIT', 2_000], ['SIGTERM', 5_000]]);
      await Promise.all(processes.map((proc) => stopOne(proc, [['SIGTERM', 15_000]])));
      process.removeListener('exit', killAllNow);
      return results;
    })());

  // Restarts and exits go to logs/supervisor.log, and to options.log (npm run cluster prints them).
  const supervisorLog = path.join(runDir, 'logs', 'supervisor.log');
  fs.writeFileSync(supervisorLog, '');
  const report: LogEvent = (level, message, fields) => {
    fs.appendFileSync(supervisorLog, `${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
    options.log?.(level, message, fields);
  };
  const startSupervised = (spec: SuperviseSpec) => supervise({ ...spec, restart: options.restart, log: report });

  try {
    const log = (name: string): string => path.join(runDir, 'logs', `${name}.log`);
    const roles = (Object.entries(sizes) as Array<[keyof typeof sizes, number]>).flatMap(([role, n]) => Array.from({ length: n }, (_, i) => ({ role, index: i + 1 })));
    const [entryPort, redirectPort, ...ports] = (await freePorts(roles.length + 2)) as [number, number, ...number[]];
    const tls = options.tls && { ...options.tls, httpPort: options.tls.httpPort || redirectPort };
    const port = options.port === undefined ? (tls ? 8443 : 8080) : options.port === 0 ? entryPort : options.port;
    for (const taken of tls ? [port, tls.httpPort] : [port]) await assertPortFree(host, taken);
    for (const file of tls ? [tls.certFile, tls.keyFile] : []) {
      if (!fs.existsSync(file)) throw new Error(`TLS file ${file} does not exist`);
    }

    await runToCompletion({
      name: 'migrate',
      command: process.execPath,
      args: [programPath('migrate')],
      env: appEnv,
      logFile: log('migrate'),
    });

    options.signal?.throwIfAborted();
    roles.forEach(({ role, index }, i) => {
      const name = `${role}-${index}`;
      const proc = startSupervised({
        name,
        command: process.execPath,
        args: [programPath(role)],
        env: { ...appEnv, PORT: String(ports[i]) },
        logFile: log(name),
      });
      processes.push(Object.assign(proc, { role, port: ports[i]!, url: `http://127.0.0.1:${ports[i]}`, logFile: log(name) }));
    });
    await Promise.all(processes.map((proc) => waitUntilReady(proc, `${proc.url}/readyz`, readyTimeoutMs, options.signal)));

    const addresses = (role: ClusterProcess['role']): string[] => processes.filter((proc) => proc.role === role).map((proc) => `127.0.0.1:${proc.port}`);
    const configFile = path.join(runDir, 'nginx.conf');
    const http2Directive = knowsHttp2Directive(nginxVersion(nginx));
    fs.writeFileSync(configFile, renderLoopbackConfig({ port, host, tls, http2Directive, v1: addresses('v1'), v2: addresses('v2') }));
    const nginxSupervised = startSupervised({
      name: 'nginx',
      command: nginx,
      args: ['-p', `${runDir}/`, '-c', configFile, '-e', 'stderr', '-g', 'daemon off;'],
      env: { PATH: process.env.PATH },
      logFile: log('nginx'),
    });
    const address = host === '0.0.0.0' ? '127.0.0.1' : host;
    const baseUrl = `${tls ? 'https' : 'http'}://${address}:${port}`;
    // With TLS, plain HTTP answers /healthz itself (everything else is redirected); nginx loads
    // the certificate and key before it answers anything, so this also proves TLS is set up.
    const httpUrl = tls ? `http://${address}:${tls.httpPort}` : baseUrl;
    nginxProcess = Object.assign(nginxSupervised, { role: 'nginx' as const, port, url: baseUrl, logFile: log('nginx') });
    await waitUntilReady(nginxProcess, `${httpUrl}/healthz`, readyTimeoutMs, options.signal);

    return { baseUrl, httpUrl, runDir, jwtSecret, env: appEnv, nginx: nginxProcess, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export { ensureLocalAuthority, ROOT, PROGRAMS };
