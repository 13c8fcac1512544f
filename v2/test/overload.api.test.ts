import { createSale, createUsers } from '../../shared/test/factories';
import { purchase } from '../../shared/test/support/purchases';
import { startV2Stack, type V2Stack } from './support/v2-stack';

let stack: V2Stack;

beforeAll(async () => {
  stack = await startV2Stack({ env: { QUEUE_MAX_DEPTH: '3' } });
});
afterAll(async () => {
  await stack.close();
});

describe('v2 back-pressure', () => {
  it('past the configured queue depth, answers 503 OVERLOADED with Retry-After instead of queueing', async () => {
    const sale = await createSale(stack.deps, { units: 100 });
    const buyers = await createUsers(stack.deps, 6);
    for (const buyer of buyers.slice(0, 3)) expect((await purchase(stack.url, sale.id, buyer.token)).status).toBe(202);
    await stack.services.queueDepth.refresh();

    const refused = await purchase(stack.url, sale.id, buyers[3]!.token);

    expect(refused.status).toBe(503);
    expect(refused.body.error?.code).toBe('OVERLOADED');
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await stack.services.queues.purchases.getWaitingCount()).toBe(3);

    // Once the worker has decided the backlog, purchases are accepted again.
    stack.startWorker();
    for (let i = 0; i < 200 && (await stack.services.queueDepth.refresh(), stack.services.queueDepth.overloaded); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await purchase(stack.url, sale.id, buyers[4]!.token)).status).toBe(202);
  });
});
