import type { Socket } from 'socket.io-client';
import { createSale, createUser, createUsers, type TestUser } from '../../shared/test/factories';
import { call } from '../../shared/test/support/http';
import { purchase, purchaseStatus, waitForOutcomes, type Outcome } from '../../shared/test/support/purchases';
import { saleInvariants } from './support/invariants';
import { startV2Stack, type V2Stack } from './support/v2-stack';

let stack: V2Stack;
let admin: TestUser;

beforeAll(async () => {
  stack = await startV2Stack({ env: { PURCHASE_ATTEMPTS: '3', PURCHASE_BACKOFF_MS: '20', PURCHASE_BACKOFF_MAX_MS: '50', PURCHASE_RETRY_FOR_MS: '300' } });
  admin = await createUser(stack.deps, 'admin');
});
afterEach(async () => {
  // Each test starts its own worker; one left running would take the next test's jobs.
  await stack.worker?.close();
  stack.worker = undefined;
});
afterAll(async () => {
  await stack.deps.db.query('DROP TRIGGER IF EXISTS poison_orders_for_test ON orders');
  await stack.close();
});

/** The batch (job) that carries each request, as its row records it. */
async function batchesOf(requestIds: string[]): Promise<Map<string, string>> {
  const { rows } = await stack.deps.db.query<{ id: string; batch_id: string }>('SELECT id, batch_id FROM purchase_requests WHERE id = ANY($1::uuid[])', [requestIds]);
  return new Map(rows.map((row) => [row.id, row.batch_id]));
}

/** Accepts one purchase per buyer, all at once (so that they share intake batches); every one must be 202. */
async function acceptAll(eventId: string, buyers: TestUser[]): Promise<{ requestId: string; token: string; userId: string }[]> {
  const responses = await Promise.all(buyers.map((buyer) => purchase(stack.url, eventId, buyer.token)));
  expect(responses.map((response) => response.status)).toEqual(buyers.map(() => 202));
  return responses.map((response, i) => ({ requestId: response.body.requestId, token: buyers[i]!.token, userId: buyers[i]!.id }));
}

describe('v2 batch pipeline', () => {
  it('a purchase whose write keeps failing is dead-lettered alone; the rest of its batch is decided', async () => {
    const sale = await createSale(stack.deps, { units: 50 });
    await stack.services.stock.loadSale(sale.id);
    const buyers = await createUsers(stack.deps, 21);
    const accepted = await acceptAll(sale.id, buyers);
    // How requests fall into intake batches depends on timing: the poisoned purchase is taken
    // from the largest batch, so that it shares its batch job with others.
    const batches = await batchesOf(accepted.map((a) => a.requestId));
    const sizes = new Map<string, number>();
    for (const batch of batches.values()) sizes.set(batch, (sizes.get(batch) ?? 0) + 1);
    const poisonedIndex = accepted.findIndex((a) => sizes.get(batches.get(a.requestId)!) === Math.max(...sizes.values()));
    const poisoned = buyers[poisonedIndex]!;
    const poisonedRequest = accepted[poisonedIndex]!.requestId;
    const companions = accepted.filter((a) => a.requestId !== poisonedRequest && batches.get(a.requestId) === batches.get(poisonedRequest));
    expect(companions.length).toBeGreaterThan(0);
    // Orders of this one buyer cannot be written: the batch's transaction fails as a whole.
    await stack.deps.db.query(`
      CREATE OR REPLACE FUNCTION poison_orders_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.user_id = '${poisoned.id}' THEN RAISE EXCEPTION 'injected poisoned write'; END IF;
        RETURN NEW;
      END $$`);
    await stack.deps.db.query('CREATE OR REPLACE TRIGGER poison_orders_for_test BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION poison_orders_for_test()');

    stack.startWorker();
    const others = accepted.filter((a) => a.requestId !== poisonedRequest);
    const outcomes = await waitForOutcomes(stack.url, others, 60_000);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(others.map(() => 'confirmed'));

    let status: Outcome | undefined;
    for (let i = 0; i < 200 && !(status as { deadLettered?: boolean } | undefined)?.deadLettered; i++) {
      status = (await purchaseStatus(stack.url, poisonedRequest, poisoned.token)).body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(status).toMatchObject({ status: 'queued', deadLettered: true });
    const listed = await call<{ items: { requestId: string; reason: string }[] }>(stack.url, 'GET', '/api/admin/queues/dead-letters', { token: admin.token });
    expect(listed.body.items).toEqual([expect.objectContaining({ requestId: poisonedRequest, reason: expect.stringContaining('injected poisoned write') })]);
    // Only its unit went back: 20 sold, 30 left in PostgreSQL and in Redis.
    expect(await saleInvariants(stack, sale.id)).toEqual({
      allocated: 50, available: 30, sold: 20, orders: 20, orderedUnits: 20, redisUnitsLeft: 30, undecidedRequests: 1,
    });

    await stack.deps.db.query('DROP TRIGGER IF EXISTS poison_orders_for_test ON orders');
    await call(stack.url, 'POST', `/api/admin/queues/dead-letters/${poisonedRequest}/replay`, { token: admin.token });
    const [replayed] = await waitForOutcomes(stack.url, [{ requestId: poisonedRequest, token: poisoned.token }]);
    expect(replayed).toMatchObject({ status: 'confirmed' });
    expect(await saleInvariants(stack, sale.id)).toMatchObject({ available: 29, sold: 21, orders: 21, redisUnitsLeft: 29, undecidedRequests: 0 });
  });

  it('a worker that finds a backlog of many batch jobs decides them together, in fewer transactions than jobs', async () => {
    const sales = [await createSale(stack.deps, { units: 100 }), await createSale(stack.deps, { units: 100 })];
    for (const sale of sales) await stack.services.stock.loadSale(sale.id);
    const buyers = await createUsers(stack.deps, 60);
    // Twelve rounds of five buyers, one sale after the other: at least twelve intake batches (jobs).
    const accepted: Awaited<ReturnType<typeof acceptAll>> = [];
    for (let round = 0; round < 12; round++) accepted.push(...(await acceptAll(sales[round % 2]!.id, buyers.slice(round * 5, round * 5 + 5))));
    const jobs = new Set((await batchesOf(accepted.map((a) => a.requestId))).values()).size;
    expect(jobs).toBeGreaterThanOrEqual(12);

    stack.startWorker();
    const outcomes = await waitForOutcomes(stack.url, accepted, 60_000);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(accepted.map(() => 'confirmed'));
    // decided_at is the deciding transaction's start (now()): one value per transaction.
    const { rows } = await stack.deps.db.query<{ transactions: number }>(
      'SELECT count(DISTINCT decided_at)::int AS transactions FROM purchase_requests WHERE id = ANY($1::uuid[])',
      [accepted.map((a) => a.requestId)],
    );
    expect(rows[0]!.transactions).toBeLessThan(jobs);
    for (const sale of sales) {
      expect(await saleInvariants(stack, sale.id)).toEqual({
        allocated: 100, available: 70, sold: 30, orders: 30, orderedUnits: 30, redisUnitsLeft: 70, undecidedRequests: 0,
      });
    }
  });

  it('the outcomes of one batch reach buyers connected to different API instances, each only their own', async () => {
    // A second API instance on the same database and Redis (key prefix): the cluster's other process.
    const other = await startV2Stack({ env: { REDIS_KEY_PREFIX: stack.deps.config.REDIS_KEY_PREFIX } });
    try {
      const sale = await createSale(stack.deps, { units: 10 });
      await stack.services.stock.loadSale(sale.id);
      const buyers = await createUsers(stack.deps, 8);
      const pushed = new Map<string, Outcome[]>(buyers.map((buyer) => [buyer.id, []]));
      const sockets: Socket[] = await Promise.all(
        buyers.map((buyer, i) => (i % 2 === 0 ? stack : other).socket({ token: buyer.token })),
      );
      sockets.forEach((socket, i) => socket.on('purchase', (outcome: Outcome) => pushed.get(buyers[i]!.id)!.push(outcome)));

      // Accepted through both instances, then decided by one worker.
      const responses = await Promise.all(buyers.map((buyer, i) => purchase((i % 2 === 0 ? other : stack).url, sale.id, buyer.token)));
      expect(responses.map((response) => response.status)).toEqual(buyers.map(() => 202));
      const batches = await batchesOf(responses.map((response) => response.body.requestId));
      expect(new Set(batches.values()).size).toBeLessThan(buyers.length);
      stack.startWorker();
      await waitForOutcomes(stack.url, responses.map((response, i) => ({ requestId: response.body.requestId, token: buyers[i]!.token })));

      for (let i = 0; i < 100 && [...pushed.values()].some((list) => list.length === 0); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      buyers.forEach((buyer, i) => {
        expect(pushed.get(buyer.id)).toEqual([expect.objectContaining({ requestId: responses[i]!.body.requestId, status: 'confirmed' })]);
      });
    } finally {
      await other.close();
    }
  });
});
