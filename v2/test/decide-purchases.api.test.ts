import { publishSafely } from '@flashfast/shared';
import { createSale, createUsers } from '../../shared/test/factories';
import { purchase } from '../../shared/test/support/purchases';
import { createPurchaseQueues, createQueueConnection } from '../src/queues/purchase-queue';
import { findRequest } from '../src/purchases/purchase-requests.repository';
import { createEmitterNotifier } from '../src/realtime/notifier';
import { decidePurchases } from '../src/workers/decide-purchases';
import { retryPolicy } from '../src/workers/retry-policy';
import type { WorkerContext } from '../src/workers/worker-context';
import { saleInvariants } from './support/invariants';
import { startV2Stack, type V2Stack } from './support/v2-stack';

// decidePurchases directly, no BullMQ worker running: one decision of more requests than one
// Redis script call carries (it is split so as not to stall Redis) must still be one decision.
let stack: V2Stack;
let context: WorkerContext;
const connection = () => createQueueConnection(stack.deps.config, 'decide-test');
let queueConnection: ReturnType<typeof connection>;

beforeAll(async () => {
  stack = await startV2Stack();
  queueConnection = connection();
  context = {
    deps: stack.deps,
    stock: stack.services.stock,
    notifier: createEmitterNotifier(stack.deps, publishSafely(stack.deps.redis)),
    queues: createPurchaseQueues(stack.deps.config, queueConnection),
    retry: retryPolicy(stack.deps.config),
    together: { submit: () => Promise.reject(new Error('not used')), drain: () => Promise.resolve() },
  };
});
afterAll(async () => {
  await context.notifier.flush();
  await context.queues.close();
  queueConnection.disconnect();
  await stack.close();
});

it('one decision of 600 requests (three Redis script calls) confirms each exactly once and balances the sale', async () => {
  const sale = await createSale(stack.deps, { units: 650 });
  await stack.services.stock.loadSale(sale.id);
  const buyers = await createUsers(stack.deps, 600);
  const accepted = [];
  for (let from = 0; from < buyers.length; from += 50) {
    const responses = await Promise.all(buyers.slice(from, from + 50).map((buyer) => purchase(stack.url, sale.id, buyer.token)));
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 202));
    accepted.push(...responses.map((response) => response.body.requestId as string));
  }
  const requests = await Promise.all(accepted.map(async (id) => (await findRequest(stack.deps.db, id))!));

  const decided = await decidePurchases(context, requests);

  expect(decided.size).toBe(600);
  const { rows } = await stack.deps.db.query<{ status: string }>(
    'SELECT status FROM purchase_requests WHERE id = ANY($1::uuid[])',
    [accepted],
  );
  expect(rows.map((row) => row.status)).toEqual(rows.map(() => 'confirmed'));
  expect(await saleInvariants(stack, sale.id)).toEqual({
    allocated: 650, available: 50, sold: 600, orders: 600, orderedUnits: 600, redisUnitsLeft: 50, undecidedRequests: 0,
  });
  // Decided again (a job re-delivered after a crash): nothing more is sold.
  expect((await decidePurchases(context, requests)).size).toBe(600);
  expect(await saleInvariants(stack, sale.id)).toMatchObject({ sold: 600, orders: 600, redisUnitsLeft: 50 });
});
