import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROGRAMS, ROOT } from '../../../scripts/lib/entry-points';
import { freePorts } from '../../../scripts/lib/ports';
import { signalGroup, supervise, type SupervisedProcess } from '../../../scripts/lib/supervisor';
import { waitUntilReady } from '../../../scripts/lib/wait-ready';

/** Long enough for two compiled processes to start on a loaded 2-core machine. */
const READY_TIMEOUT_MS = 60_000;

export interface V2Processes {
  /** http://127.0.0.1:<port>: v2's API and Socket.io. */
  url: string;
  stop(): Promise<void>;
}

/**
 * v2 as `npm start` runs it, for a test of another package: the compiled API (HTTP and
 * Socket.io) and one worker, real processes on free loopback ports under the project's
 * supervisor (never restarted: a crash must fail the test), ready when both answer /readyz.
 * `env` gives them the test's database, Redis key prefix and JWT secret. Needs `npm run build`
 * (`npm test` builds first).
 */
export async function startV2Processes(env: Record<string, string>): Promise<V2Processes> {
  for (const program of [PROGRAMS.v2, PROGRAMS.worker]) {
    if (!fs.existsSync(path.join(ROOT, program))) throw new Error(`${program} is missing: run npm run build first`);
  }
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashfast-v2-'));
  const [apiPort, workerPort] = (await freePorts(2)) as [number, number];
  const base = { PATH: process.env.PATH, NODE_ENV: 'test', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env };
  const start = (name: string, program: string, port: number) =>
    supervise({
      name,
      command: process.execPath,
      args: [path.join(ROOT, program)],
      env: { ...base, PORT: String(port) },
      logFile: path.join(logDir, `${name}.log`),
      restart: false,
    });
  const running: SupervisedProcess[] = [start('v2', PROGRAMS.v2, apiPort), start('worker', PROGRAMS.worker, workerPort)];

  // If the Jest worker ends without stop() (a crash), the processes (each its own group) go with it.
  const killNow = () => running.forEach((proc) => signalGroup(proc.child, 'SIGKILL'));
  process.on('exit', killNow);
  const stop = async () => {
    await Promise.all(running.map((proc) => proc.stop([['SIGTERM', 10_000]])));
    process.removeListener('exit', killNow);
    fs.rmSync(logDir, { recursive: true, force: true });
  };
  try {
    await Promise.all([
      waitUntilReady(running[0]!, `http://127.0.0.1:${apiPort}/readyz`, READY_TIMEOUT_MS),
      waitUntilReady(running[1]!, `http://127.0.0.1:${workerPort}/readyz`, READY_TIMEOUT_MS),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${apiPort}`, stop };
}
