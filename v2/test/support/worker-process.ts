import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Config } from '@flashfast/shared';

const WORKER_MAIN = path.resolve(__dirname, '../../dist/main-worker.js');

/**
 * The compiled worker (`npm run build` first; `npm test` does) as a real child process,
 * sharing the test's database and Redis prefix, so a test can SIGKILL it.
 */
export function spawnWorker(config: Config, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [WORKER_MAIN], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      PORT: '0',
      DATABASE_URL: config.DATABASE_URL,
      REDIS_URL: config.REDIS_URL,
      REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX,
      JWT_SECRET: config.JWT_SECRET,
      LOG_LEVEL: 'warn',
      WORKER_LOCK_MS: String(config.WORKER_LOCK_MS),
      PURCHASE_BACKOFF_MS: String(config.PURCHASE_BACKOFF_MS),
      RECONCILE_INTERVAL_MS: String(config.RECONCILE_INTERVAL_MS),
      RECONCILE_MIN_AGE_MS: String(config.RECONCILE_MIN_AGE_MS),
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export const exited = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
