// Child Node processes for the servers under test: start, wait until ready, stop.
const { spawn } = require('node:child_process');
const http = require('node:http');
const net = require('node:net');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');

/** A port the OS says is free right now (the child binds it a moment later). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts `node script` with `env`; its output is kept (the last lines) for error reports. */
function startNode(name, script, env) {
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail = [];
  const keep = (chunk) => {
    tail.push(...String(chunk).split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  child.describe = () => `${name} (pid ${child.pid})${tail.length ? `, last output:\n  ${tail.join('\n  ')}` : ''}`;
  return child;
}

const getStatus = (url) =>
  new Promise((resolve) => {
    const request = http.get(url, { timeout: 1_000 }, (response) => {
      response.resume();
      resolve(response.statusCode);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });

/** Polls `url` until it answers 200; fails fast if the child dies first. */
async function waitReady(child, url, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${child.describe()}\nexited before ready`);
    if ((await getStatus(url)) === 200) return;
    await sleep(100);
  }
  throw new Error(`${child.describe()}\nnot ready at ${url} after ${timeoutMs} ms`);
}

/** SIGTERM (the servers drain and close their pools), SIGKILL if that takes too long. */
async function stop(child, graceMs = 10_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/**
 * Environment that instruments a server under test: BENCH_CPU_PROFILE_DIR (a CPU profile per
 * process, lib/cpu-profile.js), BENCH_TRACE_IO_DIR (every query and Redis command timed,
 * lib/trace-io.js), plus `preloads` (files under bench/lib) the caller adds.
 */
function instrumentationEnv(preloads = []) {
  const env = {};
  const files = [...preloads];
  if (process.env.BENCH_CPU_PROFILE_DIR) {
    env.BENCH_CPU_PROFILE_DIR = path.resolve(process.env.BENCH_CPU_PROFILE_DIR);
    files.unshift('cpu-profile.js');
  }
  if (process.env.BENCH_TRACE_IO_DIR) {
    env.BENCH_TRACE_IO_DIR = path.resolve(process.env.BENCH_TRACE_IO_DIR);
    files.push('trace-io.js');
  }
  if (files.length > 0) env.NODE_OPTIONS = files.map((file) => `--require ${path.join(__dirname, file)}`).join(' ');
  return env;
}

module.exports = { freePort, startNode, waitReady, stop, instrumentationEnv };
