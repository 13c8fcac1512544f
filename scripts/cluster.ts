// `npm run cluster [-- --v1 2 --v2 2 --workers 2 --port 8080 --host 127.0.0.1]`: the production
// topology on this machine, behind a real nginx (installed from Debian when missing).
// `--tls`: HTTPS on --port (default 8443) and plain HTTP redirecting to it on --http-port (default
// 8080), with --tls-cert/--tls-key, or else a local authority's certificate (.cluster/tls/).
// Settings also come from CLUSTER_V1, CLUSTER_V2, CLUSTER_WORKERS, CLUSTER_PORT, CLUSTER_HOST,
// CLUSTER_TLS=1, CLUSTER_HTTP_PORT, TLS_CERT_FILE, TLS_KEY_FILE; flags win.
// Without JWT_SECRET one is generated for the run, shared by every instance.
// A crashed process is restarted with backoff (scripts/lib/supervisor.ts).
// Ctrl-C (or SIGTERM) stops nginx, then every instance; nothing is left running.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runMain } from '@flashfast/shared/platform/run-main';
import { ensureLocalAuthority, startCluster, ROOT, type Cluster, type ClusterOptions, type LocalAuthority, type TlsOptions } from './cluster/index';
import { GENERATED_SECRET_WARNING, generatesSecret } from './lib/launch-secret';
import { describeExit, type LogEvent } from './lib/supervisor';

const USAGE =
  'usage: npm run cluster -- [--v1 N] [--v2 N] [--workers N] [--port P] [--host H] [--tls [--http-port P] [--tls-cert FILE --tls-key FILE]]';
const FLAGS = {
  v1: { type: 'string' },
  v2: { type: 'string' },
  workers: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  tls: { type: 'boolean' },
  'http-port': { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
let flags: ReturnType<typeof parseArgs<{ options: typeof FLAGS }>>['values'];
try {
  flags = parseArgs({ options: FLAGS }).values;
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
type StringFlag = Exclude<keyof typeof FLAGS, 'tls' | 'help'>;
const setting = (flag: StringFlag, name: string, fallback: string | number): string => flags[flag] ?? process.env[name] ?? String(fallback);
const tls = flags.tls ?? ['1', 'true', 'yes'].includes(process.env.CLUSTER_TLS ?? '');
const options: ClusterOptions = {
  v1: Number(setting('v1', 'CLUSTER_V1', 2)),
  v2: Number(setting('v2', 'CLUSTER_V2', 2)),
  workers: Number(setting('workers', 'CLUSTER_WORKERS', 2)),
  port: Number(setting('port', 'CLUSTER_PORT', tls ? 8443 : 8080)),
  host: setting('host', 'CLUSTER_HOST', '127.0.0.1'),
  // Where nginx.conf and the logs go (default .cluster/ in the repository).
  runDir: process.env.CLUSTER_RUN_DIR || undefined,
};

/** The certificate given (both files or neither), or the local authority's; undefined without --tls. */
function tlsFiles(): Omit<LocalAuthority, 'caFile'> & { caFile?: string } {
  const certFile = setting('tls-cert', 'TLS_CERT_FILE', '');
  const keyFile = setting('tls-key', 'TLS_KEY_FILE', '');
  if (Boolean(certFile) !== Boolean(keyFile)) throw new Error('give both --tls-cert and --tls-key (TLS_CERT_FILE, TLS_KEY_FILE), or neither');
  if (certFile) return { certFile: path.resolve(certFile), keyFile: path.resolve(keyFile) };
  return ensureLocalAuthority(path.join(ROOT, '.cluster/tls'));
}

/** Supervisor events (restarts, exits) as lines on the console; details in logs/supervisor.log. */
const printEvent: LogEvent = (level, message) => (level === 'info' ? console.log : console.warn)(`[supervisor] ${message}`);

async function main() {
  execFileSync(path.join(ROOT, 'scripts/install-system-deps.sh'), ['nginx'], { stdio: 'inherit' });
  const files = tls ? tlsFiles() : undefined;
  if (files) options.tls = { certFile: files.certFile, keyFile: files.keyFile, httpPort: Number(setting('http-port', 'CLUSTER_HTTP_PORT', 8080)) } satisfies TlsOptions;
  // startCluster generates it by the same rule (lib/launch-secret.ts).
  if (generatesSecret(process.env)) console.warn(`${GENERATED_SECRET_WARNING}.`);

  // Signals are handled from the start: during start-up they abort it (which stops what is up).
  // One stop, whatever arrives later (a Ctrl-C can reach us twice); every process is supervised
  // in a process group of its own, so only this process hears the terminal.
  const starting = new AbortController();
  let cluster: Cluster | undefined;
  let stopping = false;
  const stop = (reason: string): void => {
    if (stopping) {
      console.log(`${reason} again: already stopping`);
      return;
    }
    stopping = true;
    starting.abort();
    if (!cluster) return; // startCluster rejects, and main's catch exits.
    console.log(`\n${reason}: stopping nginx, then every instance...`);
    cluster.stop().then(
      (results) => {
        const unclean = results.filter(({ result }) => result !== 0 && result !== undefined);
        for (const { name, result } of unclean) console.warn(`${name} did not stop cleanly (${describeExit(result)})`);
        console.log(unclean.length === 0 ? 'stopped, every process exited 0' : 'stopped');
        process.exit(unclean.length === 0 ? 0 : 1);
      },
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));

  console.log(`starting ${options.v1} v1, ${options.v2} v2 and ${options.workers} workers behind nginx...`);
  try {
    cluster = await startCluster({ ...options, signal: starting.signal, log: printEvent });
  } catch (error) {
    if (!starting.signal.aborted) throw error;
    console.log('interrupted during start-up; what had started is stopped');
    process.exit(0);
  }

  const running = cluster;
  const urls = (role: string): string => running.processes.filter((proc) => proc.role === role).map((proc) => proc.url).join('  ');
  const relative = path.relative(process.cwd(), running.runDir) || '.';
  const caFile = files?.caFile && path.relative(process.cwd(), files.caFile);
  const redirect = files ? `\n  plain HTTP   ${cluster.httpUrl}   redirects to HTTPS (except /healthz)` : '';
  const trust = caFile ? `\n  authority    ${caFile}   trust it: curl --cacert ${caFile}, NODE_EXTRA_CA_CERTS=${caFile}, or your browser` : '';
  const curlCa = caFile ? ` --cacert ${caFile}` : '';
  console.log(`
FlashFast cluster is up
  entry point  ${cluster.baseUrl}   /api/ and /socket.io/ -> v2, everything else -> v1${redirect}${trust}
  v1           ${urls('v1')}
  v2           ${urls('v2')}
  workers      ${urls('worker') || '(none)'}   (/healthz, /readyz, /metrics)
  nginx.conf   ${path.join(relative, 'nginx.conf')} (rendered from nginx.conf)
  logs         ${path.join(relative, 'logs')}/*.log (one per process; restarts in supervisor.log)
A process that crashes is restarted (backoff from 0.5 s to 30 s).
Try: curl${curlCa} ${cluster.baseUrl}/healthz
Ctrl-C stops everything.`);
}

runMain(main);
