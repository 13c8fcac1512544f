import { createSale, createUsers } from '../../shared/test/factories';
import { saleInvariants } from './support/invariants';
import { purchase, waitForOutcomes } from '../../shared/test/support/purchases';
import { startV2Stack, type V2Stack } from './support/v2-stack';
import { exited, spawnWorker } from './support/worker-process';

let stack: V2Stack;

beforeAll(async () => {
  // Small intake batches: many batch jobs, so that a kill lands in the middle of the backlog.
  stack = await startV2Stack({ env: { WORKER_LOCK_MS: '2000', ACCEPT_BATCH_MAX: '10' } });
});
afterAll(async () => {
  await stack.close();
});

const confirmedCount = async (eventId: string) =>
  Number((await stack.deps.db.query<{ n: string }>('SELECT count(*) AS n FROM orders WHERE event_id = $1', [eventId])).rows[0]!.n);

describe('v2 worker crash', () => {
  it('when the worker is killed with SIGKILL mid-spike and restarted, every request is decided once and nothing is oversold', async () => {
    const sale = await createSale(stack.deps, { units: 150 });
    await stack.services.stock.loadSale(sale.id);
    const buyers = await createUsers(stack.deps, 400);

    const responses = await Promise.all(buyers.map((buyer) => purchase(stack.url, sale.id, buyer.token)));
    const accepted = responses
      .map((response, i) => ({ requestId: response.body.requestId, token: buyers[i]!.token, status: response.status }))
      .filter((r) => r.status === 202);
    expect(responses.every((r) => r.status === 202 || r.status === 409)).toBe(true);

    // A deliberately slow worker, so that the kill lands in the middle of the backlog.
    const slow = spawnWorker(stack.deps.config, { WORKER_CONCURRENCY: '1' });

    while ((await confirmedCount(sale.id)) < 20) await new Promise((resolve) => setTimeout(resolve, 20));
    slow.kill('SIGKILL');
    await exited(slow);
    const soldBeforeRestart = await confirmedCount(sale.id);
    expect(soldBeforeRestart).toBeLessThan(150);

    const fresh = spawnWorker(stack.deps.config);
    try {
      const outcomes = await waitForOutcomes(stack.url, accepted, 60_000);
      expect(outcomes.every((o) => o.status === 'confirmed' || o.status === 'failed')).toBe(true);
      expect(outcomes.filter((o) => o.status === 'confirmed')).toHaveLength(150);
      expect(await saleInvariants(stack, sale.id)).toEqual({
        allocated: 150,
        available: 0,
        sold: 150,
        orders: 150,
        orderedUnits: 150,
        redisUnitsLeft: 0,
        undecidedRequests: 0,
      });
      const perRequest = await stack.deps.db.query(
        'SELECT request_id FROM orders WHERE event_id = $1 GROUP BY request_id HAVING count(*) > 1',
        [sale.id],
      );
      expect(perRequest.rows).toEqual([]);
    } finally {
      fresh.kill('SIGTERM');
      await exited(fresh);
    }
    // Longer than the 60 s it may wait for outcomes: on a loaded machine a test timeout would abandon
    // the body with its worker still running, and that worker would serve the next test's jobs.
  }, 180_000);
});

describe('v2 worker killed inside a batch job', () => {
  it('when the worker is SIGKILLed after Redis decided a batch and before PostgreSQL wrote it, the next worker decides every request once', async () => {
    const sale = await createSale(stack.deps, { units: 100 });
    await stack.services.stock.loadSale(sale.id);
    const buyers = await createUsers(stack.deps, 60);
    const responses = await Promise.all(buyers.map((buyer) => purchase(stack.url, sale.id, buyer.token)));
    expect(responses.map((r) => r.status)).toEqual(buyers.map(() => 202));
    const accepted = responses.map((r, i) => ({ requestId: r.body.requestId, token: buyers[i]!.token }));

    // The sale's row held here: the worker's batch transaction waits for it, its batch already decided in Redis.
    const blocker = await stack.deps.db.connect();
    const decided = stack.services.stock.keys(sale.id).decided;
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM flash_sale_events WHERE id = $1 FOR UPDATE', [sale.id]);
      const doomed = spawnWorker(stack.deps.config);
      // Besides the placeholder field, at least one request's reservation is recorded.
      while ((await stack.deps.redis.hlen(decided)) < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      doomed.kill('SIGKILL');
      await exited(doomed);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expect(await confirmedCount(sale.id)).toBe(0);

    const fresh = spawnWorker(stack.deps.config);
    try {
      const outcomes = await waitForOutcomes(stack.url, accepted, 60_000);
      expect(outcomes.map((o) => o.status)).toEqual(accepted.map(() => 'confirmed'));
      expect(await saleInvariants(stack, sale.id)).toEqual({
        allocated: 100, available: 40, sold: 60, orders: 60, orderedUnits: 60, redisUnitsLeft: 40, undecidedRequests: 0,
      });
      const twice = await stack.deps.db.query('SELECT request_id FROM orders WHERE event_id = $1 GROUP BY request_id HAVING count(*) > 1', [sale.id]);
      expect(twice.rows).toEqual([]);
    } finally {
      fresh.kill('SIGTERM');
      await exited(fresh);
    }
  }, 180_000);
});

describe('v2 worker graceful stop', () => {
  it('when a busy worker gets SIGTERM, it finishes its active jobs and exits 0, and the rest is decided by the next one', async () => {
    const sale = await createSale(stack.deps, { units: 100 });
    await stack.services.stock.loadSale(sale.id);
    const buyers = await createUsers(stack.deps, 150);
    const responses = await Promise.all(buyers.map((buyer) => purchase(stack.url, sale.id, buyer.token)));
    const accepted = responses
      .map((r, i) => ({ requestId: r.body.requestId, token: buyers[i]!.token, status: r.status }))
      .filter((r) => r.status === 202);
    expect(accepted).toHaveLength(100);

    const stopping = spawnWorker(stack.deps.config, { WORKER_CONCURRENCY: '1' });
    while ((await confirmedCount(sale.id)) < 10) await new Promise((resolve) => setTimeout(resolve, 20));
    stopping.kill('SIGTERM');
    await exited(stopping);
    expect(stopping.exitCode).toBe(0);
    // Nothing it touched is left half-done: no job is active or stalled after a graceful stop.
    expect(await stack.services.queues.purchases.getActiveCount()).toBe(0);

    const next = spawnWorker(stack.deps.config);
    try {
      const outcomes = await waitForOutcomes(stack.url, accepted, 60_000);
      expect(outcomes.filter((o) => o.status === 'confirmed')).toHaveLength(100);
      expect(await saleInvariants(stack, sale.id)).toMatchObject({ available: 0, sold: 100, orders: 100, redisUnitsLeft: 0, undecidedRequests: 0 });
    } finally {
      next.kill('SIGTERM');
      await exited(next);
    }
  });
});
