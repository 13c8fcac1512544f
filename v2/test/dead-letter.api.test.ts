import { createSale, createUser, type TestUser } from '../../shared/test/factories';
import { call } from '../../shared/test/support/http';
import { saleInvariants } from './support/invariants';
import { purchase, purchaseStatus, waitForOutcomes } from '../../shared/test/support/purchases';
import { startV2Stack, type V2Stack } from './support/v2-stack';

let stack: V2Stack;
let admin: TestUser;

beforeAll(async () => {
  stack = await startV2Stack({
    worker: true,
    env: { PURCHASE_ATTEMPTS: '3', PURCHASE_BACKOFF_MS: '20', PURCHASE_BACKOFF_MAX_MS: '50', PURCHASE_RETRY_FOR_MS: '300' },
  });
  admin = await createUser(stack.deps, 'admin');
});
afterAll(async () => {
  await stack.deps.db.query('DROP TRIGGER IF EXISTS fail_orders_for_test ON orders');
  await stack.close();
});

/**
 * Makes every order insert for one sale fail, as a broken database write would (a processing
 * failure), or with a deadlock's SQLSTATE, as a database in trouble would (an infrastructure one).
 */
async function breakOrderWrites(eventId: string, errcode = 'P0001'): Promise<void> {
  await stack.deps.db.query(`
    CREATE OR REPLACE FUNCTION fail_orders_for_test() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.event_id = '${eventId}' THEN RAISE EXCEPTION 'injected write failure' USING ERRCODE = '${errcode}'; END IF;
      RETURN NEW;
    END $$`);
  await stack.deps.db.query(
    'CREATE OR REPLACE TRIGGER fail_orders_for_test BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION fail_orders_for_test()',
  );
}

const repairOrderWrites = () => stack.deps.db.query('DROP TRIGGER IF EXISTS fail_orders_for_test ON orders');

/** Waits until `count` jobs are dead-lettered and (BullMQ moves the job a moment later) failed. */
async function waitForDeadLetters(count: number, failed = count): Promise<Record<string, unknown>> {
  for (let i = 0; i < 200; i++) {
    const queues = await call<Record<string, unknown>>(stack.url, 'GET', '/api/admin/queues', { token: admin.token });
    if (queues.body.deadLettered === count && queues.body.failed === failed) return queues.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('dead letters never arrived');
}

describe('v2 dead-letter queue', () => {
  it('when the database write keeps failing, the job is dead-lettered with its stock given back, and an admin can replay it', async () => {
    const sale = await createSale(stack.deps, { units: 3 });
    await stack.services.stock.loadSale(sale.id);
    const buyer = await createUser(stack.deps);
    await breakOrderWrites(sale.id);

    const accepted = await purchase(stack.url, sale.id, buyer.token);
    expect(accepted.status).toBe(202);
    const counts = await waitForDeadLetters(1);
    expect(counts).toMatchObject({ failed: 1, deadLettered: 1 });

    // The reservation was released: Redis offers all 3 units again; nothing was sold.
    expect(await saleInvariants(stack, sale.id)).toMatchObject({ available: 3, sold: 0, orders: 0, redisUnitsLeft: 3, undecidedRequests: 1 });
    const status = await purchaseStatus(stack.url, accepted.body.requestId, buyer.token);
    expect(status.body).toMatchObject({ status: 'queued', deadLettered: true });
    const listed = await call<{ items: { requestId: string; reason: string }[] }>(stack.url, 'GET', '/api/admin/queues/dead-letters', { token: admin.token });
    expect(listed.body.items).toEqual([expect.objectContaining({ requestId: accepted.body.requestId, reason: expect.stringContaining('injected') })]);

    await repairOrderWrites();
    const replay = await call(stack.url, 'POST', `/api/admin/queues/dead-letters/${accepted.body.requestId}/replay`, { token: admin.token });
    expect(replay.status).toBe(200);
    const [outcome] = await waitForOutcomes(stack.url, [{ requestId: accepted.body.requestId, token: buyer.token }]);
    expect(outcome).toMatchObject({ status: 'confirmed', order: { quantity: 1 } });
    expect(await saleInvariants(stack, sale.id)).toMatchObject({ available: 2, sold: 1, orders: 1, redisUnitsLeft: 2, undecidedRequests: 0 });
    expect((await waitForDeadLetters(0)).deadLettered).toBe(0);
  });

  it('an admin can discard a dead-lettered request: it ends failed and the buyer is told', async () => {
    const sale = await createSale(stack.deps, { units: 1 });
    await stack.services.stock.loadSale(sale.id);
    const buyer = await createUser(stack.deps);
    const socket = await stack.socket({ token: buyer.token });
    const pushed: unknown[] = [];
    socket.on('purchase', (outcome: unknown) => pushed.push(outcome));
    await breakOrderWrites(sale.id);

    const accepted = await purchase(stack.url, sale.id, buyer.token);
    await waitForDeadLetters(1);
    await repairOrderWrites();
    const discarded = await call(stack.url, 'POST', `/api/admin/queues/dead-letters/${accepted.body.requestId}/discard`, { token: admin.token });

    expect(discarded.body).toMatchObject({ status: 'failed', error: { code: 'PROCESSING_FAILED' } });
    expect((await purchaseStatus(stack.url, accepted.body.requestId, buyer.token)).body).toMatchObject({ status: 'failed' });
    for (let i = 0; i < 100 && pushed.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(pushed).toEqual([expect.objectContaining({ requestId: accepted.body.requestId, status: 'failed' })]);
    expect(await saleInvariants(stack, sale.id)).toMatchObject({ available: 1, sold: 0, redisUnitsLeft: 1, undecidedRequests: 0 });
  });

  it('a request dead-lettered because the database was in trouble is replayed by itself once it is well, and decided', async () => {
    const sale = await createSale(stack.deps, { units: 2 });
    await stack.services.stock.loadSale(sale.id);
    const buyer = await createUser(stack.deps);
    await breakOrderWrites(sale.id, '40P01');

    const accepted = await purchase(stack.url, sale.id, buyer.token);
    // Its retries (PURCHASE_RETRY_FOR_MS) are spent: parked with the cause, no admin involved.
    let parked: { dead_letter_cause: string | null } | undefined;
    for (let i = 0; i < 500 && parked?.dead_letter_cause !== 'infrastructure'; i++) {
      parked = (await stack.deps.db.query('SELECT dead_letter_cause FROM purchase_requests WHERE id = $1', [accepted.body.requestId])).rows[0];
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(parked).toEqual({ dead_letter_cause: 'infrastructure' });

    await repairOrderWrites();
    const [outcome] = await waitForOutcomes(stack.url, [{ requestId: accepted.body.requestId, token: buyer.token }]);
    expect(outcome).toMatchObject({ status: 'confirmed', order: { quantity: 1 } });
    expect(await saleInvariants(stack, sale.id)).toMatchObject({ available: 1, sold: 1, orders: 1, redisUnitsLeft: 1, undecidedRequests: 0 });
  });

  it('queue health shows the live workers, the oldest undecided request and dead letters by cause', async () => {
    const sale = await createSale(stack.deps, { units: 1 });
    await stack.services.stock.loadSale(sale.id);
    await breakOrderWrites(sale.id);
    const accepted = await purchase(stack.url, sale.id, (await createUser(stack.deps)).token);
    let health: Record<string, unknown> = {};
    for (let i = 0; i < 200 && (health.deadLettersByCause as { processing?: number } | undefined)?.processing !== 1; i++) {
      health = (await call<Record<string, unknown>>(stack.url, 'GET', '/api/admin/queues', { token: admin.token })).body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(health).toMatchObject({
      workersAlive: 1,
      workers: [expect.any(String)],
      oldestUndecidedSeconds: expect.any(Number),
      deadLettersByCause: { infrastructure: 0, processing: 1 },
    });
    await repairOrderWrites();
    await call(stack.url, 'POST', `/api/admin/queues/dead-letters/${accepted.body.requestId}/discard`, { token: admin.token });
  });

  it('while no worker is alive, queue health says so and shows how long the oldest request has waited; a worker back decides it', async () => {
    await stack.worker!.close();
    stack.worker = undefined;
    const sale = await createSale(stack.deps, { units: 1 });
    await stack.services.stock.loadSale(sale.id);
    const buyer = await createUser(stack.deps);
    const accepted = await purchase(stack.url, sale.id, buyer.token);
    expect(accepted.status).toBe(202);
    let health: Record<string, unknown> = {};
    for (let i = 0; i < 100 && !((health.oldestUndecidedSeconds as number) > 0); i++) {
      health = (await call<Record<string, unknown>>(stack.url, 'GET', '/api/admin/queues', { token: admin.token })).body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(health).toMatchObject({ workersAlive: 0, workers: [], oldestUndecidedSeconds: expect.any(Number) });
    expect(health.oldestUndecidedSeconds).toBeGreaterThan(0);

    stack.startWorker();
    const [outcome] = await waitForOutcomes(stack.url, [{ requestId: accepted.body.requestId, token: buyer.token }]);
    expect(outcome).toMatchObject({ status: 'confirmed' });
  });

  it('customers cannot see or touch the queues', async () => {
    const customer = await createUser(stack.deps);
    expect((await call(stack.url, 'GET', '/api/admin/queues', { token: customer.token })).status).toBe(403);
    expect((await call(stack.url, 'GET', '/api/admin/queues')).status).toBe(401);
  });
});
