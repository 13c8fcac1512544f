// `npm run cluster [-- --v1 2 --v2 2 --workers 2 --port 8080 --host 127.0.0.1]`: the production
// topology on this machine, behind a real nginx (installed from Debian when missing).
// Counts also come from CLUSTER_V1, CLUSTER_V2, CLUSTER_WORKERS, CLUSTER_PORT; flags win.
// Without JWT_SECRET one is generated for the run, shared by every instance.
// Ctrl-C (or SIGTERM) stops nginx, then every instance; nothing is left running.
const { execFileSync } = require('node:child_process');
const path = require('node:path');
const { parseArgs } = require('node:util');
/* global AbortController */
const { startCluster, ROOT } = require('./cluster/index');

const USAGE = 'usage: npm run cluster -- [--v1 N] [--v2 N] [--workers N] [--port P] [--host H]';
let flags;
try {
  flags = parseArgs({
    options: {
      v1: { type: 'string' },
      v2: { type: 'string' },
      workers: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
} catch (error) {
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}
if (flags.help) {
  console.log(USAGE);
  process.exit(0);
}
const setting = (flag, name, fallback) => flags[flag] ?? process.env[name] ?? fallback;
const options = {
  v1: Number(setting('v1', 'CLUSTER_V1', 2)),
  v2: Number(setting('v2', 'CLUSTER_V2', 2)),
  workers: Number(setting('workers', 'CLUSTER_WORKERS', 2)),
  port: Number(setting('port', 'CLUSTER_PORT', 8080)),
  host: setting('host', 'CLUSTER_HOST', '127.0.0.1'),
};

async function main() {
  execFileSync(path.join(ROOT, 'scripts/install-system-deps.sh'), ['nginx'], { stdio: 'inherit' });
  if (!process.env.JWT_SECRET) console.warn('JWT_SECRET is not set: generated one for this run; tokens end with it.');

  // Signals are handled from the start: during start-up they abort it (which stops what is up).
  const starting = new AbortController();
  let cluster;
  let stopping = false;
  const stop = (reason, exitCode) => {
    if (stopping) return;
    stopping = true;
    starting.abort();
    if (!cluster) return; // startCluster rejects, and main's catch exits.
    console.log(`\n${reason}: stopping nginx, then every instance...`);
    cluster.stop().then(
      () => {
        console.log('stopped');
        process.exit(exitCode);
      },
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal, 0));

  console.log(`starting ${options.v1} v1, ${options.v2} v2 and ${options.workers} workers behind nginx...`);
  try {
    cluster = await startCluster({ ...options, signal: starting.signal });
  } catch (error) {
    if (!starting.signal.aborted) throw error;
    console.log('interrupted during start-up; what had started is stopped');
    process.exit(0);
  }

  // An instance may die (the cluster carries on without it); without nginx there is no cluster.
  cluster.nginx.exited.then((result) => stop(`nginx exited (${result})`, 1));
  for (const proc of cluster.processes) {
    proc.exited.then((result) => {
      if (!stopping) console.warn(`${proc.name} exited (${result}); nginx routes around it. Log: ${proc.logFile}`);
    });
  }

  const urls = (role) => cluster.processes.filter((proc) => proc.role === role).map((proc) => proc.url).join('  ');
  const relative = path.relative(process.cwd(), cluster.runDir) || '.';
  console.log(`
FlashFast cluster is up
  entry point  ${cluster.baseUrl}   /api/ and /socket.io/ -> v2, everything else -> v1
  v1           ${urls('v1')}
  v2           ${urls('v2')}
  workers      ${urls('worker') || '(none)'}   (/healthz, /readyz, /metrics)
  nginx.conf   ${path.join(relative, 'nginx.conf')} (rendered from nginx.conf)
  logs         ${path.join(relative, 'logs')}/*.log
Try: curl ${cluster.baseUrl}/healthz
Ctrl-C stops everything.`);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
