// Ports and one-shot processes for the local cluster; the long-running ones are supervised
// (scripts/lib/supervisor.js).
const net = require('node:net');
const { supervise, describeExit } = require('../lib/supervisor');
const { tail } = require('../lib/wait-ready');

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

/** Runs a one-shot process (never restarted) to completion; rejects with its output when it fails. */
async function runToCompletion(spec) {
  const result = await supervise({ ...spec, restart: false }).ended;
  if (result !== 0) throw new Error(`${spec.name} failed (${describeExit(result)}):\n${tail(spec.logFile)}`);
}

module.exports = { assertPortFree, freePorts, runToCompletion };
