// Our compiled programs as child processes on free loopback ports, for the benchmarks and the load
// test's local stack: supervised (scripts/lib/supervisor.ts) but never restarted, since a measure
// that lost a server must fail rather than measure a restart. Output goes to a log file of its own,
// whose last lines explain a server that never became ready; it is removed once the server stops.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { supervise, type SupervisedProcess } from './supervisor';
import { waitUntilReady } from './wait-ready';

export interface Server {
  name: string;
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** The process id, for CPU accounting (scripts/lib/machine.ts). */
  pid: number;
  process: SupervisedProcess;
}

export interface ServerSpec {
  name: string;
  /** The script node runs (an entry point of scripts/lib/entry-points.ts, or a compiled tool). */
  script: string;
  /** The whole environment of the child; PORT is added. */
  env: NodeJS.ProcessEnv;
  /** Waits for /readyz to answer 200 (default); a worker without HTTP readiness passes false. */
  ready?: boolean;
  readyTimeoutMs?: number;
}

/** Starts `node script` on a free port; resolves once it is ready (unless `ready` is false). */
export async function startServer({ name, script, env, ready = true, readyTimeoutMs = 60_000 }: ServerSpec): Promise<Server> {
  const port = await freePort();
  const logFile = path.join(os.tmpdir(), `flashfast-${process.pid}-${name.replace(/\W+/g, '-')}-${port}.log`);
  const proc = supervise({ name, command: process.execPath, args: [script], env: { ...env, PORT: String(port) }, logFile, restart: false });
  const server = { name, port, url: `http://127.0.0.1:${port}`, pid: proc.child.pid!, process: proc };
  if (ready) {
    try {
      await waitUntilReady(proc, `${server.url}/readyz`, readyTimeoutMs);
    } catch (error) {
      await stopServer(server);
      throw error;
    }
  }
  return server;
}

/** SIGTERM (our servers drain and close their pools), SIGKILL after `graceMs`; removes the log file. */
export async function stopServer(server: Server, graceMs = 10_000): Promise<void> {
  await server.process.stop([['SIGTERM', graceMs]]);
  fs.rmSync(server.process.logFile!, { force: true });
}
