// Child processes for the local cluster: spawned with their output in a log file, polled until
// ready, and stopped with a grace period before SIGKILL. Each child leads its own process group,
// so a terminal's Ctrl-C reaches only the supervisor, which stops them in order, and SIGKILL
// of the group also takes nginx's worker processes.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
/* global fetch, AbortSignal */

/** Free loopback TCP ports, found by binding port 0 (released just before use). */
async function freePorts(count) {
  const servers = await Promise.all(
    Array.from({ length: count }, () =>
      new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      }),
    ),
  );
  const ports = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Fails fast, before anything starts, when nginx could not listen where it is told to. */
function assertPortFree(host, port) {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error) => reject(new Error(`cannot listen on ${host}:${port} (${error.code}): choose another --port`)));
    server.listen(port, host, () => server.close(resolve));
  });
}

/**
 * @param {{name: string, command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string}} spec
 */
function startProcess({ name, command, args, env, logFile }) {
  // Appending (on a fresh file): nginx reopens /dev/stdout as a file of its own, and only
  // O_APPEND on every descriptor keeps its lines and stderr's from overwriting each other.
  fs.writeFileSync(logFile, '');
  const fd = fs.openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { env, stdio: ['ignore', fd, fd], detached: true });
    let done = false;
    // Resolves with the exit code or signal; a spawn failure (no such binary) counts as an exit too.
    const exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve(signal ?? code));
      child.once('error', (error) => resolve(error.code ?? 'error'));
    }).finally(() => (done = true));
    return { name, child, logFile, exited, running: () => !done };
  } finally {
    fs.closeSync(fd);
  }
}

const tail = (file, lines = 15) => {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
};

/** Polls `url` until it answers 200; fails at once if the process exits or `signal` aborts, or after `timeoutMs`. */
async function waitUntilReady(proc, url, timeoutMs, signal) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (!proc.running()) throw new Error(`${proc.name} exited before it was ready:\n${tail(proc.logFile)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${proc.name} not ready at ${url} after ${timeoutMs} ms (${last}):\n${tail(proc.logFile)}`);
}

/** Runs a one-shot process to completion; rejects with its output when it fails. */
async function runToCompletion(spec) {
  const proc = startProcess(spec);
  const result = await proc.exited;
  if (result !== 0) throw new Error(`${spec.name} failed (${result}):\n${tail(spec.logFile)}`);
}

const signalGroup = (proc, signal) => {
  try {
    process.kill(-proc.child.pid, signal);
  } catch {
    // Already gone.
  }
};

/**
 * Sends each signal in turn, moving on when the process is still there after that step's grace
 * period, and finally SIGKILLs its whole group (which also reaps what it left behind, such as
 * nginx's workers). `steps` is a list of [signal, graceMs].
 */
async function stopProcess(proc, steps = [['SIGTERM', 15_000]]) {
  if (proc.child.pid === undefined) return;
  for (const [signal, graceMs] of steps) {
    if (!proc.running()) break;
    proc.child.kill(signal);
    let timer;
    const overdue = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([proc.exited, overdue]);
    clearTimeout(timer);
  }
  signalGroup(proc, 'SIGKILL');
  await proc.exited;
}

module.exports = { assertPortFree, freePorts, startProcess, waitUntilReady, runToCompletion, stopProcess, signalGroup, tail };
