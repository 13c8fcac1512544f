import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeTestDeps, createTestDeps } from '../shared/test/support/test-deps';
import type { Deps } from '@flashfast/shared';
import { startAppProcess, stopAppProcess, type Role } from './support/chaos/app-processes';
import { exited, freePort } from './support/chaos/host-processes';
import { startOwnRedis } from './support/chaos/own-redis';
import { programPath } from '../scripts/lib/entry-points';

// Start-up and shutdown against dependencies that are not there: retried with backoff, logged
// with the key and address, then one clear line and a non-zero exit; never a hang.
let deps: Deps;
let dir: string;

beforeAll(async () => {
  deps = await createTestDeps();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashfast-startup-'));
});
afterAll(async () => {
  await closeTestDeps(deps);
  fs.rmSync(dir, { recursive: true, force: true });
});

const baseEnv = () => ({
  NODE_ENV: 'test',
  DATABASE_URL: deps.config.DATABASE_URL,
  REDIS_URL: deps.config.REDIS_URL,
  REDIS_KEY_PREFIX: deps.config.REDIS_KEY_PREFIX,
  JWT_SECRET: deps.config.JWT_SECRET,
  LOG_LEVEL: 'info',
  STARTUP_RETRY_FOR_MS: '1500',
});

/** Runs a process to its exit; resolves with its code and output lines. */
async function runToExit(role: Role, env: Record<string, string>) {
  const child = spawn(process.execPath, [programPath(role)], {
    env: { PATH: process.env.PATH, ...env, HOST: '127.0.0.1', PORT: String(await freePort()) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await exited(child);
  return { code: child.exitCode, logLines: stdout.trim().split('\n').filter(Boolean), stderrLines: stderr.trim().split('\n').filter(Boolean) };
}

describe('start-up against a dependency that is not there', () => {
  it.each(['v2', 'worker'] as Role[])('%s with a wrong REDIS_URL retries, naming the key and address, then exits 1 with one clear line', async (role) => {
    const port = await freePort();
    const result = await runToExit(role, { ...baseEnv(), REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` });

    expect(result.code).toBe(1);
    expect(result.stderrLines).toEqual([expect.stringMatching(new RegExp(`^cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}\\S* \\(REDIS_URL\\) after \\d+ attempts`))]);
    const retries = result.logLines.map((line) => JSON.parse(line) as { key?: string; address?: string; msg: string }).filter((line) => line.key === 'REDIS_URL');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.length).toBeLessThan(10);
    expect(retries[0]).toMatchObject({ address: expect.stringContaining(`127.0.0.1:${port}`), msg: 'Redis is not reachable yet' });
    expect(result.logLines.join('\n')).not.toContain('hunter2');
  });

  it('a worker with PostgreSQL unreachable names DATABASE_URL without its password, then exits 1', async () => {
    const port = await freePort();
    const result = await runToExit('worker', { ...baseEnv(), DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${port}/flashfast` });

    expect(result.code).toBe(1);
    expect(result.stderrLines).toEqual([expect.stringMatching(new RegExp(`^cannot reach PostgreSQL at postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${port}/flashfast \\(DATABASE_URL\\)`))]);
    expect(result.logLines.join('\n')).not.toContain('hunter2');
  });

  it('v1 starts and is ready without Redis: it decides purchases in PostgreSQL alone', async () => {
    const v1 = await startAppProcess('v1', 1, { ...baseEnv(), REDIS_URL: `redis://127.0.0.1:${await freePort()}` }, dir);
    try {
      const ready = await fetch(`${v1.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });
    } finally {
      await stopAppProcess(v1);
    }
  });
});

describe('shutdown while a dependency is gone', () => {
  it('a worker whose Redis died still stops on SIGTERM instead of hanging on to its port', async () => {
    const redis = await startOwnRedis(dir);
    try {
      const worker = await startAppProcess('worker', 1, { ...baseEnv(), REDIS_URL: redis.url, SHUTDOWN_TIMEOUT_MS: '3000' }, dir);
      await redis.kill();
      worker.child.kill('SIGTERM');
      await exited(worker.child);
      expect(worker.alive()).toBe(false);
    } finally {
      await redis.destroy();
    }
  });
});
