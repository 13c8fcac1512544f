import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Deps } from '@flashfast/shared';
import { closeTestDeps, createTestDeps } from '../../../shared/test/support/test-deps';
import { startAppProcess, stopAppProcess, type AppProcess, type Role } from './app-processes';
import { startOwnPostgres, type OwnPostgres } from './own-postgres';
import { startOwnRedis, type OwnRedis } from './own-redis';

const JWT_SECRET = 'chaos-secret-that-is-long-enough-for-hs256-0123456789';

/** A PostgreSQL, a Redis and app processes of a test file's own, all removed by `close`. */
export interface ChaosWorld {
  dir: string;
  pg: OwnPostgres;
  redis: OwnRedis;
  /** Test-side connections to the same database and Redis prefix (factories, audits). */
  deps: Deps;
  processes: AppProcess[];
  of(role: Role): AppProcess[];
  close(): Promise<void>;
}

export interface WorldOptions {
  roles: Partial<Record<Role, number>>;
  env?: Record<string, string>;
}

export async function startChaosWorld(options: WorldOptions): Promise<ChaosWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashfast-chaos-'));
  fs.chmodSync(dir, 0o755);
  const cleanups: (() => Promise<unknown>)[] = [async () => fs.rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const pg = await startOwnPostgres(dir);
    cleanups.push(() => pg.destroy());
    const redis = await startOwnRedis(dir);
    cleanups.push(() => redis.destroy());
    // Should the test process exit without its clean-up (a crash, a forced exit), nothing survives it.
    const processes: AppProcess[] = [];
    const stopAllNow = () => {
      for (const proc of processes) proc.child.kill('SIGKILL');
      redis.stopNow();
      pg.stopNow();
      fs.rmSync(dir, { recursive: true, force: true });
    };
    process.once('exit', stopAllNow);
    cleanups.push(async () => process.removeListener('exit', stopAllNow));
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      DATABASE_URL: pg.url('flashfast_chaos'),
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: 'chaos:',
      JWT_SECRET,
      LOG_LEVEL: 'warn',
      BCRYPT_ROUNDS: '4',
      RATE_LIMIT_AUTH_MAX: '100000',
      RATE_LIMIT_PURCHASE_MAX: '100000',
      DATABASE_POOL_SIZE: '8',
      ...options.env,
    };
    const deps = await createTestDeps({ ...env, LOG_LEVEL: 'silent', DATABASE_POOL_SIZE: '4' });
    cleanups.push(() => closeTestDeps(deps));
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    cleanups.push(() => Promise.all(processes.map((proc) => stopAppProcess(proc))));
    for (const [role, count] of Object.entries(options.roles) as [Role, number][]) {
      for (let i = 1; i <= count; i += 1) processes.push(await startAppProcess(role, i, env, logs));
    }
    return { dir, pg, redis, deps, processes, of: (role) => processes.filter((proc) => proc.name.startsWith(`${role}-`)), close };
  } catch (error) {
    await close();
    throw error;
  }
}
