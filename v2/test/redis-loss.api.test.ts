import { createSale, createUser } from '../../shared/test/factories';
import { saleInvariants } from './support/invariants';
import { purchase, waitForOutcomes } from '../../shared/test/support/purchases';
import { startV2Stack, type V2Stack } from './support/v2-stack';

// This file owns Redis database 11: it flushes it.
const REDIS_DB = 11;
let stack: V2Stack;

beforeAll(async () => {
  stack = await startV2Stack({ redisDb: REDIS_DB });
  await stack.deps.redis.flushdb();
});
afterAll(async () => {
  await stack.deps.redis.flushdb();
  await stack.close();
});

describe('v2 when Redis loses its data', () => {
  it('rebuilds the counters from PostgreSQL and never sells a unit twice', async () => {
    const sale = await createSale(stack.deps, { units: 2, maxPerUser: 2 });
    const [first, second, third] = [await createUser(stack.deps), await createUser(stack.deps), await createUser(stack.deps)];
    stack.startWorker();

    const bought = await purchase(stack.url, sale.id, first.token);
    expect(bought.status).toBe(202);
    expect((await waitForOutcomes(stack.url, [{ requestId: bought.body.requestId, token: first.token }]))[0]?.status).toBe('confirmed');

    await stack.deps.redis.flushdb();

    const again = await purchase(stack.url, sale.id, second.token);
    expect(again.status).toBe(202);
    const [outcome] = await waitForOutcomes(stack.url, [{ requestId: again.body.requestId, token: second.token }]);
    expect(outcome?.status).toBe('confirmed');

    // Two units, both sold: the rebuilt counter knew about the first sale.
    const late = await purchase(stack.url, sale.id, third.token);
    expect(late.status).toBe(409);
    expect(late.body.error?.code).toBe('SOLD_OUT');
    expect(await saleInvariants(stack, sale.id)).toMatchObject({ available: 0, sold: 2, orders: 2, redisUnitsLeft: 0, undecidedRequests: 0 });
  });

  it('keeps the promise of a 202: a request accepted before the flush is still decided after it', async () => {
    await stack.worker?.close();
    stack.worker = undefined;
    const sale = await createSale(stack.deps, { units: 5 });
    const buyers = [await createUser(stack.deps), await createUser(stack.deps), await createUser(stack.deps)];

    // Accepted while no worker runs; then Redis forgets the queue, the jobs and the counters.
    const accepted = await Promise.all(buyers.map((buyer) => purchase(stack.url, sale.id, buyer.token)));
    expect(accepted.map((r) => r.status)).toEqual([202, 202, 202]);
    await stack.deps.redis.flushdb();

    stack.startWorker();
    const outcomes = await waitForOutcomes(
      stack.url,
      accepted.map((r, i) => ({ requestId: r.body.requestId, token: buyers[i]!.token })),
    );
    expect(outcomes.map((o) => o.status)).toEqual(['confirmed', 'confirmed', 'confirmed']);
    expect(await saleInvariants(stack, sale.id)).toMatchObject({ available: 2, sold: 3, orders: 3, redisUnitsLeft: 2, undecidedRequests: 0 });
  });

  it('answers 503 UNAVAILABLE rather than guessing while the counters cannot be rebuilt', async () => {
    const sale = await createSale(stack.deps, { units: 5 });
    const buyer = await createUser(stack.deps);
    // Another process holds the rebuild lock: this instance must not guess the stock.
    await stack.deps.redis.set(stack.services.stock.keys(sale.id).rebuildLock, '1', 'PX', 5_000);

    const response = await purchase(stack.url, sale.id, buyer.token);

    expect(response.status).toBe(503);
    expect(response.body.error?.code).toBe('UNAVAILABLE');
    expect(response.headers.get('retry-after')).toBe('1');
    await stack.deps.redis.del(stack.services.stock.keys(sale.id).rebuildLock);
    expect((await purchase(stack.url, sale.id, buyer.token)).status).toBe(202);
  });
});
