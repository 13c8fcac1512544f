import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '@flashfast/shared';
import { PROGRAMS, ROOT } from '../../../scripts/lib/entry-points';
import { freePorts } from '../../../scripts/lib/ports';
import { signalGroup, supervise } from '../../../scripts/lib/supervisor';
import { waitUntilReady } from '../../../scripts/lib/wait-ready';
import { processEnv } from './worker-process';

export interface ApiProcess {
  url: string;
  stop(): Promise<void>;
}

/**
 * Another v2 API instance: the compiled API (`npm run build` first; `npm test` does) as a real
 * process under the project's supervisor (never restarted), on the test's database and Redis
 * prefix, ready when this resolves.
 */
export async function spawnApi(config: Config, env: Record<string, string> = {}): Promise<ApiProcess> {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashfast-v2-api-'));
  const [port] = (await freePorts(1)) as [number];
  const api = supervise({
    name: 'v2',
    command: process.execPath,
    args: [path.join(ROOT, PROGRAMS.v2)],
    env: { ...processEnv(config), HOST: '127.0.0.1', PORT: String(port), ...env },
    logFile: path.join(logDir, 'v2.log'),
    restart: false,
  });
  // If the Jest worker ends without stop() (a crash), the process goes with it.
  const killNow = () => signalGroup(api.child, 'SIGKILL');
  process.on('exit', killNow);
  const stop = async () => {
    await api.stop([['SIGTERM', 10_000]]);
    process.removeListener('exit', killNow);
    fs.rmSync(logDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(api, `http://127.0.0.1:${port}/readyz`, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}
