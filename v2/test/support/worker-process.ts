import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Config } from '@flashfast/shared';

const WORKER_MAIN = path.resolve(__dirname, '../../dist/main-worker.js');

/** The settings a compiled v2 process needs to share the test's database and Redis prefix. */
export const processEnv = (config: Config): Record<string, string> => ({
  PATH: process.env.PATH ?? '',
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
});

/**
 * The compiled worker (`npm run build` first; `npm test` does) as a real child process,
 * sharing the test's database and Redis prefix, so a test can SIGKILL it. Its log is kept, not
 * mixed into the test output (under load it warns of lapsed job locks, which the test expects);
 * it is printed only if the worker fails on its own (a non-zero exit the test did not cause).
 */
export function spawnWorker(config: Config, env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, [WORKER_MAIN], {
    env: { ...processEnv(config), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) stream.setEncoding('utf8').on('data', (chunk: string) => output.push(chunk));
  child.once('exit', (code, signal) => {
    if (signal === null && code !== 0) process.stderr.write(`worker ${child.pid} exited ${code}; its output:\n${output.join('')}\n`);
  });
  return child;
}

export const exited = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
