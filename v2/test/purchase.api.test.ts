import { createSale, createUser } from '../../shared/test/factories';
import { call } from '../../shared/test/support/http';
import { purchase, purchaseStatus, waitForOutcomes } from '../../shared/test/support/purchases';
import { startV2Stack, type V2Stack } from './support/v2-stack';

// No worker runs in this file unless a test starts one: requests stay queued where we can see them.
let stack: V2Stack;

beforeAll(async () => {
  stack = await startV2Stack();
});
afterAll(async () => {
  await stack.close();
});

const requestRows = async (eventId: string) =>
  Number((await stack.deps.db.query<{ n: string }>('SELECT count(*) AS n FROM purchase_requests WHERE event_id = $1', [eventId])).rows[0]!.n);

describe('v2 purchase acceptance', () => {
  it('accepts with 202 {requestId, status: queued, statusUrl}, readable by the buyer only', async () => {
    const sale = await createSale(stack.deps, { units: 5 });
    const [buyer, other] = [await createUser(stack.deps), await createUser(stack.deps)];

    const accepted = await purchase(stack.url, sale.id, buyer.token);

    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'queued',
      statusUrl: `/api/flashsale/purchases/${accepted.body.requestId}`,
    });
    expect(accepted.headers.get('location')).toBe(accepted.body.statusUrl);
    expect((await call(stack.url, 'GET', accepted.body.statusUrl, { token: buyer.token })).body).toEqual({
      requestId: accepted.body.requestId,
      status: 'queued',
    });
    expect((await purchaseStatus(stack.url, accepted.body.requestId, other.token)).status).toBe(404);
    expect((await call(stack.url, 'GET', accepted.body.statusUrl)).status).toBe(401);
    expect((await call(stack.url, 'GET', '/api/flashsale/purchases/not-a-uuid', { token: buyer.token })).status).toBe(400);
  });

  it.each([
    ['SALE_INACTIVE', { isActive: false }, 1],
    ['SALE_NOT_STARTED', { startsInSeconds: 3600, endsInSeconds: 7200 }, 1],
    ['SALE_ENDED', { startsInSeconds: -7200, endsInSeconds: -3600 }, 1],
    ['SOLD_OUT', { units: 2, maxPerUser: 5 }, 3],
    ['LIMIT_EXCEEDED', { units: 10, maxPerUser: 2 }, 3],
  ])('refuses %s at once, without queueing anything', async (code, options, quantity) => {
    const sale = await createSale(stack.deps, options);
    const buyer = await createUser(stack.deps);
    const waitingBefore = await stack.services.queues.purchases.getWaitingCount();

    const refused = await purchase(stack.url, sale.id, buyer.token, quantity);

    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ error: { code, message: expect.any(String) } });
    expect(await requestRows(sale.id)).toBe(0);
    expect(await stack.services.queues.purchases.getWaitingCount()).toBe(waitingBefore);
  });

  it('counts queued units against maxPerUser: confirmed plus pending may not pass it', async () => {
    const sale = await createSale(stack.deps, { units: 10, maxPerUser: 2 });
    const buyer = await createUser(stack.deps);
    expect((await purchase(stack.url, sale.id, buyer.token, 1)).status).toBe(202);
    const refused = await purchase(stack.url, sale.id, buyer.token, 2);
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('LIMIT_EXCEEDED');
  });

  it('answers 404 for an unknown sale and 400 for a bad body', async () => {
    const buyer = await createUser(stack.deps);
    const unknown = await purchase(stack.url, '00000000-0000-4000-8000-000000000000', buyer.token);
    expect(unknown.status).toBe(404);
    const sale = await createSale(stack.deps);
    const bad = await call(stack.url, 'POST', `/api/flashsale/${sale.id}/purchase`, { token: buyer.token, body: { quantity: 0 } });
    expect(bad.status).toBe(400);
    expect((await purchase(stack.url, sale.id, '')).status).toBe(401);
  });
});

describe('v2 repeated requests', () => {
  it('maps a repeated Idempotency-Key to the same request, even ten at once, and refuses the key for a different purchase', async () => {
    const sale = await createSale(stack.deps, { units: 10, maxPerUser: 3 });
    const buyer = await createUser(stack.deps);
    const key = { 'Idempotency-Key': 'order-42' };

    const burst = await Promise.all(Array.from({ length: 10 }, () => purchase(stack.url, sale.id, buyer.token, 2, key)));

    expect(burst.map((r) => r.status)).toEqual(Array(10).fill(202));
    expect(new Set(burst.map((r) => r.body.requestId)).size).toBe(1);
    expect(burst.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);
    expect(await requestRows(sale.id)).toBe(1);

    const otherQuantity = await purchase(stack.url, sale.id, buyer.token, 1, key);
    expect(otherQuantity.status).toBe(409);
    expect(otherQuantity.body.error?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherSale = await createSale(stack.deps, { units: 10, maxPerUser: 3 });
    const otherEvent = await purchase(stack.url, otherSale.id, buyer.token, 2, key);
    expect(otherEvent.status).toBe(409);
    expect(otherEvent.body.error?.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await requestRows(otherSale.id)).toBe(0);
  });

  it('maps an identical request without a key to the one still queued (a double click buys once)', async () => {
    const sale = await createSale(stack.deps, { units: 10, maxPerUser: 5 });
    const buyer = await createUser(stack.deps);
    const first = await purchase(stack.url, sale.id, buyer.token, 1);
    const second = await purchase(stack.url, sale.id, buyer.token, 1);
    expect(second.status).toBe(202);
    expect(second.body.requestId).toBe(first.body.requestId);
    expect(await requestRows(sale.id)).toBe(1);
  });

  it('after the first is decided, the same request is a new purchase', async () => {
    const sale = await createSale(stack.deps, { units: 10, maxPerUser: 5 });
    const buyer = await createUser(stack.deps);
    const worker = stack.startWorker();
    try {
      const first = await purchase(stack.url, sale.id, buyer.token, 1);
      await waitForOutcomes(stack.url, [{ requestId: first.body.requestId, token: buyer.token }]);
      const second = await purchase(stack.url, sale.id, buyer.token, 1);
      expect(second.body.requestId).not.toBe(first.body.requestId);
      const outcomes = await waitForOutcomes(stack.url, [{ requestId: second.body.requestId, token: buyer.token }]);
      expect(outcomes[0]?.status).toBe('confirmed');
    } finally {
      await worker.close();
      stack.worker = undefined;
    }
  });
});

describe('v2 stale tokens', () => {
  it('a valid token of an account that no longer exists is 401, and other buyers in the same batch are unaffected', async () => {
    const sale = await createSale(stack.deps, { units: 10 });
    const [ghost, buyer] = [await createUser(stack.deps), await createUser(stack.deps)];
    await stack.deps.db.query('DELETE FROM users WHERE id = $1', [ghost.id]);

    const [ghostly, real] = await Promise.all([purchase(stack.url, sale.id, ghost.token), purchase(stack.url, sale.id, buyer.token)]);

    expect(ghostly.status).toBe(401);
    expect(ghostly.body.error?.code).toBe('UNAUTHENTICATED');
    expect(real.status).toBe(202);
    expect(await requestRows(sale.id)).toBe(1);
  });
});

describe('v2 refusal precedence', () => {
  it('a quantity above maxPerUser is LIMIT_EXCEEDED even when the stock could not cover it either, as in v1', async () => {
    const sale = await createSale(stack.deps, { units: 2, maxPerUser: 3 });
    const buyer = await createUser(stack.deps);
    const refused = await purchase(stack.url, sale.id, buyer.token, 4);
    expect(refused.body.error?.code).toBe('LIMIT_EXCEEDED');
  });

  it('an admin whose account was deleted cannot announce: 401, never a 500', async () => {
    const ghost = await createUser(stack.deps, 'admin');
    await stack.deps.db.query('DELETE FROM users WHERE id = $1', [ghost.id]);
    const response = await call(stack.url, 'POST', '/api/announcements', { token: ghost.token, body: { message: 'hello' } });
    expect(response.status).toBe(401);
    expect(response.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
  });
});
