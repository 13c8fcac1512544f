import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { ROOT } from '../scripts/cluster/index';
import { alive, freePorts, startJob, type Job } from '../scripts/test/processes';
import { CLUSTER_START_TIMEOUT, e2eDatabaseUrl, instances, startTestCluster, type TestCluster } from './support/test-cluster';

/** Everything `npm run cluster` supervises comes back after a kill -9, and stops with exit 0. */
describe('the cluster supervises its processes', () => {
  let test: TestCluster | undefined;
  afterAll(() => test?.stop(), 60_000);

  it('restarts a killed worker and a killed nginx; a stop ends every process with exit 0', async () => {
    test = await startTestCluster({ v1: 1, v2: 1, workers: 1, restart: { initialMs: 100 } });
    const [worker] = instances(test, 'worker');
    const killedWorker = worker!.child.pid;
    const workerBack = once(worker!, 'spawn');

    worker!.child.kill('SIGKILL');
    const [respawned] = (await workerBack) as [ChildProcess];
    await waitForStatus(`${worker!.url}/readyz`, 200);

    const nginx = test.cluster.nginx;
    const nginxBack = once(nginx, 'spawn');
    nginx.child.kill('SIGKILL');
    await nginxBack;
    await waitForStatus(`${test.baseUrl}/healthz`, 200);

    expect(respawned.pid).not.toBe(killedWorker);
    expect([worker!.restarts, nginx.restarts]).toEqual([1, 1]);
    const events = fs.readFileSync(path.join(test.cluster.runDir, 'logs/supervisor.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { msg: string });
    expect(events.map((event) => event.msg)).toEqual([
      expect.stringMatching(/^worker-1 crashed \(SIGKILL\) after [\d.]+ s: restart 1 in 100 ms$/),
      expect.stringMatching(/^nginx crashed \(SIGKILL\) after [\d.]+ s: restart 1 in 100 ms$/),
    ]);

    const results = await test.cluster.stop();
    expect(results.map(({ name, result }) => `${name} ${result}`).sort()).toEqual(['nginx 0', 'v1-1 0', 'v2-1 0', 'worker-1 0']);
  }, CLUSTER_START_TIMEOUT);
});

describe('npm run cluster (scripts/cluster.js) and Ctrl-C', () => {
  let job: Job | undefined;
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashfast-cluster-cli-'));
  afterAll(() => {
    job?.kill();
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  it('one SIGINT to its process group, as a terminal sends it, stops nginx and every instance, all exiting 0', async () => {
    const [port] = await freePorts(1);
    job = startJob(process.execPath, [path.join(ROOT, 'dist/scripts/cluster.js'), '--v1', '1', '--v2', '1', '--workers', '1', '--port', String(port)], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        CLUSTER_RUN_DIR: runDir,
        DATABASE_URL: e2eDatabaseUrl(),
        REDIS_KEY_PREFIX: `e2e-cli:${process.pid}:`,
        DATABASE_POOL_SIZE: '3',
        LOG_LEVEL: 'warn',
      },
    });
    await waitForLine(job, 'FlashFast cluster is up');
    expect(fs.readdirSync(path.join(runDir, 'logs')).sort()).toEqual(['migrate.log', 'nginx.log', 'supervisor.log', 'v1-1.log', 'v2-1.log', 'worker-1.log']);

    job.interrupt();

    expect(await job.exited).toBe(0);
    expect(job.lines).toEqual(expect.arrayContaining(['SIGINT: stopping nginx, then every instance...', 'stopped, every process exited 0']));
    expect(fs.existsSync(path.join(runDir, 'nginx.pid')) && alive(Number(fs.readFileSync(path.join(runDir, 'nginx.pid'), 'utf8')))).toBe(false);
  }, CLUSTER_START_TIMEOUT);
});

async function waitForStatus(url: string, status: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.status === status) return;
      last = response.status;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (last: ${String(last)})`);
}

async function waitForLine(job: Job, text: string, timeoutMs = CLUSTER_START_TIMEOUT - 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!job.lines.includes(text)) {
    const ended = await Promise.race([job.exited.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 100))]);
    if (ended || Date.now() > deadline) throw new Error(`no line "${text}"; output:\n${job.lines.slice(-40).join('\n')}`);
  }
}
