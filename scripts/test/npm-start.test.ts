import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';
import { testDatabaseUrl } from '../../shared/test/support/test-databases';
import { ROOT } from '../lib/entry-points';
import { alive, freePorts, startJob, type Job } from './processes';

// `npm start` is `npm run build && node dist/scripts/start-all.js`; the build is npm test's own step.
const START_ALL = path.join(ROOT, 'dist/scripts/start-all.js');
const ADMIN_EMAIL = 'first-admin@example.test';

let job: Job | undefined;
afterEach(() => job?.kill());

const startAll = (env: Record<string, string>) => {
  job = startJob(process.execPath, [START_ALL], { cwd: ROOT, env: { PATH: process.env.PATH, ...env } });
  return job;
};

const byMessage = (name: string, msg: string | RegExp) => (line: Record<string, unknown>) =>
  line.name === name && (typeof msg === 'string' ? line.msg === msg : msg.test(String(line.msg)));

describe('npm start (scripts/start-all.js)', () => {
  it('restarts a killed process, and one Ctrl-C stops everything gracefully: each process and the supervisor exit 0', async () => {
    const [v1, v2, worker] = await freePorts(3);
    const env = {
      DATABASE_URL: testDatabaseUrl('npm_start'),
      REDIS_KEY_PREFIX: `npmstart:${randomUUID().slice(0, 8)}:`,
      V1_PORT: String(v1),
      V2_PORT: String(v2),
      WORKER_PORT: String(worker),
      DATABASE_POOL_SIZE: '3',
      BCRYPT_ROUNDS: '4',
      ADMIN_EMAIL,
      ADMIN_PASSWORD: 'a-long-admin-password',
    };
    const started = startAll(env);
    await started.waitForLog(byMessage('supervisor', /^FlashFast is up/), 'every process ready');
    // The operator sees that the admin from ADMIN_EMAIL exists.
    expect(started.logs().filter(byMessage('v1', 'admin from ADMIN_EMAIL is ready'))).toEqual([expect.objectContaining({ email: ADMIN_EMAIL })]);

    const firstWorker = (await started.waitForLog(byMessage('worker', 'worker running'), 'the worker')).pid as number;
    process.kill(firstWorker, 'SIGKILL');
    await started.waitForLog(byMessage('supervisor', /^worker crashed \(SIGKILL\) after [\d.]+ s: restart 1 in 500 ms$/), 'the crash logged');
    const secondWorker = (await started.waitForLog((line) => byMessage('worker', 'worker running')(line) && line.pid !== firstWorker, 'the worker back')).pid as number;
    expect((await fetch(`http://127.0.0.1:${worker}/readyz`)).status).toBe(200);

    const pids = started.logs().filter((line) => ['v1', 'v2', 'worker'].includes(String(line.name)) && String(line.msg).match(/listening|running/)).map((line) => line.pid as number);
    started.interrupt();

    expect(await started.exited).toBe(0);
    const messages = started.logs().map((line) => `${line.name}: ${line.msg}`);
    // Each child heard one SIGTERM from the supervisor, never the terminal's SIGINT.
    expect(started.logs().filter((line) => line.msg === 'shutting down').map((line) => `${line.name} ${line.signal}`).sort()).toEqual(['v1 SIGTERM', 'v2 SIGTERM', 'worker SIGTERM']);
    expect(messages).toEqual(expect.arrayContaining(['supervisor: v1 stopped (exit 0)', 'supervisor: v2 stopped (exit 0)', 'supervisor: worker stopped (exit 0)', 'supervisor: stopped: every process exited 0']));
    expect(pids).toContain(secondWorker);
    expect(pids.filter(alive)).toEqual([]);

    const deps = await createTestDeps({ DATABASE_URL: env.DATABASE_URL, REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX });
    await closeTestDeps(deps);
  });

  it('refuses to start in production without JWT_SECRET, reporting every bad key once', async () => {
    const refused = startAll({ NODE_ENV: 'production', LOG_LEVEL: 'loud', BCRYPT_ROUNDS: '99', ADMIN_EMAIL });

    expect(await refused.exited).toBe(78);
    const output = refused.lines.join('\n');
    for (const problem of ['LOG_LEVEL:', 'BCRYPT_ROUNDS:', 'JWT_SECRET: required when NODE_ENV=production', 'ADMIN_EMAIL and ADMIN_PASSWORD: set both or neither']) {
      expect({ problem, times: output.split(problem).length - 1 }).toEqual({ problem, times: 1 });
    }
    expect(output).not.toMatch(/listening|generated/);
  });
});
