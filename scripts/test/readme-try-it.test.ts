import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';
import { testDatabaseUrl } from '../../shared/test/support/test-databases';
import { freePorts, startJob, type Job } from './processes';

// The README's "Try it" block, run as a newcomer pastes it into bash after `npm ci`, so that it
// cannot drift from the code. Only the ports, the database, the Redis prefix and the log file
// change, so that it never meets a system someone runs by hand on the default ones.
const ROOT = path.resolve(__dirname, '../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const TIMEOUT_MS = 300_000;

function tryItBlock(): string {
  const section = README.slice(README.indexOf('## Try it'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no sh block under "## Try it"');
  return block;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flashfast-try-it-'));
let job: Job | undefined;
afterAll(() => {
  job?.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("README's Try it", () => {
  it('runs to the end in bash: v1 order and v2 purchase confirmed, a role changed, a logout; the system it started then stops cleanly', async () => {
    const [v1, v2, worker] = await freePorts(3);
    const log = path.join(dir, 'flashfast.log');
    const script = tryItBlock()
      .replaceAll('localhost:3001', `localhost:${v1}`)
      .replaceAll('localhost:3002', `localhost:${v2}`)
      .replaceAll('localhost:3003', `localhost:${worker}`)
      .replaceAll('flashfast.log', log);
    fs.writeFileSync(path.join(dir, 'try-it.sh'), script);
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME ?? dir,
      V1_PORT: String(v1),
      V2_PORT: String(v2),
      WORKER_PORT: String(worker),
      DATABASE_URL: testDatabaseUrl('try_it'),
      REDIS_KEY_PREFIX: `tryit:${randomUUID().slice(0, 8)}:`,
      DATABASE_POOL_SIZE: '3',
      BCRYPT_ROUNDS: '4',
    };

    // -e: any command that fails ends the run, which a newcomer would see as an error too.
    job = startJob('bash', ['-e', '-o', 'pipefail', path.join(dir, 'try-it.sh')], { cwd: ROOT, env });

    const exit = await job.exited;
    const output = job.lines.join('\n');
    expect({ exit, output }).toEqual({ exit: 0, output: expect.any(String) });
    // The JSON answers it printed, in order (a test reads untyped JSON).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const answers = job.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, any>);
    const [v1Order, v1Orders, v2State, v2Sale, promoted, afterLogout] = answers;
    expect(v1Order!.order).toMatchObject({ quantity: 1, unitPrice: 149.99, status: 'confirmed' });
    expect(v1Orders!.items).toEqual([v1Order!.order]);
    expect(v2State).toMatchObject({ status: 'confirmed', order: { quantity: 1, status: 'confirmed' } });
    expect(v2Sale!.event).toMatchObject({ id: v2State!.order.eventId, availableStock: 99, soldQuantity: 1 });
    expect(v2State!.order.eventId).not.toBe(v1Order!.order.eventId);
    // Then the admin makes her an admin, and she logs out: 204, and her token is refused.
    expect(promoted!.user).toMatchObject({ id: v1Order!.order.userId, role: 'admin' });
    expect(job.lines).toContain('204');
    expect(afterLogout).toEqual({ error: expect.objectContaining({ code: 'UNAUTHENTICATED' }) });

    // It left the system running, as the README says; stopping it is one signal to the job.
    job.signal('SIGTERM');
    await waitFor(() => fs.readFileSync(log, 'utf8').includes('"msg":"stopped: every process exited 0"'), 'a clean stop', 60_000);
    const deps = await createTestDeps({ DATABASE_URL: env.DATABASE_URL, REDIS_KEY_PREFIX: env.REDIS_KEY_PREFIX });
    await closeTestDeps(deps);
  }, TIMEOUT_MS);
});

async function waitFor(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
