import { randomUUID } from 'node:crypto';
import { createSale, createUser } from '../../shared/test/factories';
import { saleInvariants } from './support/invariants';
import { purchase, purchaseStatus, waitForOutcomes } from '../../shared/test/support/purchases';
import { startV2Stack, type V2Stack } from './support/v2-stack';

let stack: V2Stack;

beforeAll(async () => {
  stack = await startV2Stack({ worker: true, env: { ORPHAN_AFTER_MS: '300', RECONCILE_INTERVAL_MS: '200' } });
});
afterAll(async () => {
  await stack.close();
});

/** What an API instance leaves behind when it dies after admitting a request and before writing its row. */
async function orphanAdmission(eventId: string, userId: string, idempotencyKey?: string): Promise<string> {
  const requestId = randomUUID();
  const admission = await stack.services.stock.admit({ requestId, eventId, userId, quantity: 1, idempotencyKey });
  expect(admission.kind).toBe('accepted');
  return requestId;
}

describe('v2 admissions orphaned by a dead API instance', () => {
  it('a retry with the same Idempotency-Key takes over: it gets a request that exists and is decided', async () => {
    const sale = await createSale(stack.deps, { units: 1 });
    await stack.services.stock.loadSale(sale.id);
    const buyer = await createUser(stack.deps);
    const lost = await orphanAdmission(sale.id, buyer.id, 'retry-after-crash');

    const retry = await purchase(stack.url, sale.id, buyer.token, 1, { 'Idempotency-Key': 'retry-after-crash' });

    expect(retry.status).toBe(202);
    expect(retry.body.requestId).not.toBe(lost);
    expect((await purchaseStatus(stack.url, lost, buyer.token)).status).toBe(404);
    const [outcome] = await waitForOutcomes(stack.url, [{ requestId: retry.body.requestId, token: buyer.token }]);
    expect(outcome?.status).toBe('confirmed');
    expect(await saleInvariants(stack, sale.id)).toMatchObject({ available: 0, sold: 1, orders: 1, redisUnitsLeft: 0, undecidedRequests: 0 });
  });

  it('without a retry, the sweep gives the claimed unit back, so another buyer can have it', async () => {
    const sale = await createSale(stack.deps, { units: 1 });
    await stack.services.stock.loadSale(sale.id);
    const [vanished, other] = [await createUser(stack.deps), await createUser(stack.deps)];
    await orphanAdmission(sale.id, vanished.id);

    // Claimed by a request that does not exist: for now, the sale looks sold out.
    expect((await purchase(stack.url, sale.id, other.token)).body.error?.code).toBe('SOLD_OUT');

    let accepted = await purchase(stack.url, sale.id, other.token);
    for (let i = 0; i < 100 && accepted.status !== 202; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      accepted = await purchase(stack.url, sale.id, other.token);
    }
    expect(accepted.status).toBe(202);
    const [outcome] = await waitForOutcomes(stack.url, [{ requestId: accepted.body.requestId, token: other.token }]);
    expect(outcome?.status).toBe('confirmed');
    expect(await saleInvariants(stack, sale.id)).toMatchObject({ available: 0, sold: 1, orders: 1, undecidedRequests: 0 });
    expect(await stack.services.stock.staleAdmissions(sale.id, 0)).toEqual([]);
  });
});
