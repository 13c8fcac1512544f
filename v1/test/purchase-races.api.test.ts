import type { Deps } from '@flashfast/shared';
import { createApp } from '../src/app';
import { createSale, createUser, createUsers } from '../../shared/test/factories';
import { call, serveApp, type ServedApp } from '../../shared/test/support/http';
import { saleLedger } from '../../shared/test/support/sale-ledger';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';

let deps: Deps;
let server: ServedApp;

beforeAll(async () => {
  deps = await createTestDeps();
  server = await serveApp(createApp(deps));
});
afterAll(async () => {
  await server.close();
  await closeTestDeps(deps);
});

const purchase = (eventId: string, token: string, quantity = 1, headers?: Record<string, string>) =>
  call(server.url, 'POST', `/flashsale/${eventId}/purchase`, { token, body: { quantity }, headers });

const saleRow = (eventId: string) => saleLedger(deps.db, eventId);

describe('v1 purchase under concurrency', () => {
  it('when 200 buyers race for 50 units, exactly 50 buy and 150 are told SOLD_OUT', async () => {
    const sale = await createSale(deps, { units: 50 });
    const buyers = await createUsers(deps, 200);

    const responses = await Promise.all(buyers.map((buyer) => purchase(sale.id, buyer.token)));

    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    const refused = responses.filter((r) => r.status === 409);
    expect(refused).toHaveLength(150);
    expect(refused.every((r) => (r.body as { error: { code: string } }).error.code === 'SOLD_OUT')).toBe(true);
    expect(await saleRow(sale.id)).toMatchObject({ available: 0, sold: 50, orders: 50, ordered: 50, buyers: 50 });

    const event = await call(server.url, 'GET', `/flashsale-events/${sale.id}`);
    expect(event.body).toMatchObject({ event: { availableStock: 0, soldQuantity: 50, status: 'sold_out' } });
  });

  it('when one user fires 10 parallel requests, they buy at most maxPerUser units', async () => {
    const sale = await createSale(deps, { units: 100, maxPerUser: 3 });
    const buyer = await createUser(deps);

    const responses = await Promise.all(Array.from({ length: 10 }, () => purchase(sale.id, buyer.token)));

    expect(responses.filter((r) => r.status === 201)).toHaveLength(3);
    const codes = responses.filter((r) => r.status === 409).map((r) => (r.body as { error: { code: string } }).error.code);
    expect(codes).toEqual(Array(7).fill('LIMIT_EXCEEDED'));
    expect(await saleRow(sale.id)).toMatchObject({ available: 97, sold: 3, orders: 3, mostByOneUser: 3 });
  });

  it('when the same Idempotency-Key is sent 10 times at once, one order exists and every answer is it', async () => {
    const sale = await createSale(deps, { units: 5, maxPerUser: 2 });
    const buyer = await createUser(deps);

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => purchase(sale.id, buyer.token, 2, { 'Idempotency-Key': 'retry-me' })),
    );

    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    const orderIds = new Set(responses.map((r) => (r.body as { order: { id: string } }).order.id));
    expect(orderIds.size).toBe(1);
    expect(await saleRow(sale.id)).toMatchObject({ available: 3, sold: 2, orders: 1 });
  });
});
