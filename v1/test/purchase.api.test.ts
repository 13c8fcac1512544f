import { randomUUID } from 'node:crypto';
import { signToken } from '@flashfast/shared';
import { createSale, createUser, type TestUser } from '../../shared/test/factories';
import { expectError } from '../../shared/test/contract/harness';
import { usePurchaseApi } from './purchase-support';

const ORDER_KEYS = ['createdAt', 'eventId', 'id', 'productId', 'quantity', 'status', 'totalPrice', 'unitPrice', 'userId'];

describe('v1 contract: POST /flashsale/:eventId/purchase', () => {
  const api = usePurchaseApi();
  let customer: TestUser;
  let otherCustomer: TestUser;
  let admin: TestUser;
  beforeAll(async () => {
    [customer, otherCustomer, admin] = [await createUser(api.deps), await createUser(api.deps), await createUser(api.deps, 'admin')];
  });

  it('when a customer buys in a live sale, it is 201 {order} and the stock moves at once', async () => {
    const sale = await createSale(api.deps, { units: 5, price: 25, salePrice: 20 });

    const response = await api.purchase(sale.id, customer).expect(201);

    expect(Object.keys(response.body)).toEqual(['order']);
    expect(Object.keys(response.body.order).sort()).toEqual(ORDER_KEYS);
    expect(response.body.order).toMatchObject({
      userId: customer.id,
      eventId: sale.id,
      productId: sale.productId,
      quantity: 1,
      unitPrice: 20,
      totalPrice: 20,
      status: 'confirmed',
    });
    expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(await api.event(sale.id)).toMatchObject({ availableStock: 4, soldQuantity: 1, status: 'live' });
  });

  it('when a customer buys 3 units at 19.99, the order totals exactly 59.97', async () => {
    const sale = await createSale(api.deps, { units: 5, salePrice: 19.99, maxPerUser: 3 });

    const response = await api.purchase(sale.id, customer, 3).expect(201);

    expect(response.body.order).toMatchObject({ quantity: 3, unitPrice: 19.99, totalPrice: 59.97 });
    const { rows } = await api.deps.db.query('SELECT total_price FROM orders WHERE id = $1', [response.body.order.id]);
    expect(rows[0].total_price).toBe('59.97');
  });

  it('when an admin buys, it works like for a customer', async () => {
    const sale = await createSale(api.deps);
    const response = await api.purchase(sale.id, admin).expect(201);
    expect(response.body.order.userId).toBe(admin.id);
  });

  it('when nobody is logged in, it is 401 and no stock moves', async () => {
    const sale = await createSale(api.deps, { units: 3 });
    expectError(await api.purchase(sale.id, undefined), 401, 'UNAUTHENTICATED');
    expect(await api.ledger(sale.id)).toMatchObject({ available: 3, sold: 0, orders: 0 });
  });

  it('when a validly signed token names an account that does not exist, it is 401, not a 500', async () => {
    const sale = await createSale(api.deps, { units: 3 });
    const ghost = { ...customer, token: signToken(api.deps.config, { userId: randomUUID(), role: 'customer' }) };

    expectError(await api.purchase(sale.id, ghost), 401, 'UNAUTHENTICATED');
    expect(await api.ledger(sale.id)).toMatchObject({ available: 3, sold: 0, orders: 0 });
  });

  it.each([
    ['switched off', { isActive: false }, 'SALE_INACTIVE'],
    ['not started yet', { startsInSeconds: 3600, endsInSeconds: 7200 }, 'SALE_NOT_STARTED'],
    ['over', { startsInSeconds: -7200, endsInSeconds: -3600 }, 'SALE_ENDED'],
  ] as const)('when the sale is %s, it is 409 %s and no stock moves', async (_label, options, code) => {
    const sale = await createSale(api.deps, { units: 3, ...options });

    expectError(await api.purchase(sale.id, customer), 409, code);

    expect(await api.ledger(sale.id)).toMatchObject({ available: 3, sold: 0, orders: 0 });
  });

  it('when the quantity is above what is left, it is 409 SOLD_OUT; the rest can still be bought', async () => {
    const sale = await createSale(api.deps, { units: 3, maxPerUser: 10 });

    expectError(await api.purchase(sale.id, customer, 4), 409, 'SOLD_OUT');
    expect(await api.ledger(sale.id)).toMatchObject({ available: 3, orders: 0 });

    await api.purchase(sale.id, customer, 3).expect(201);
    expectError(await api.purchase(sale.id, otherCustomer, 1), 409, 'SOLD_OUT');
    expect(await api.event(sale.id)).toMatchObject({ availableStock: 0, soldQuantity: 3, status: 'sold_out' });
  });

  it('when the quantity is above maxPerUser, it is 409 LIMIT_EXCEEDED', async () => {
    const sale = await createSale(api.deps, { units: 10, maxPerUser: 3 });

    expectError(await api.purchase(sale.id, customer, 4), 409, 'LIMIT_EXCEEDED');
    expect(await api.ledger(sale.id)).toMatchObject({ available: 10, orders: 0 });
  });

  it("when a customer's purchases add up past maxPerUser, it is LIMIT_EXCEEDED; others keep their own quota", async () => {
    const sale = await createSale(api.deps, { units: 10, maxPerUser: 3 });

    await api.purchase(sale.id, customer, 2).expect(201);
    expectError(await api.purchase(sale.id, customer, 2), 409, 'LIMIT_EXCEEDED');
    await api.purchase(sale.id, customer, 1).expect(201);
    expectError(await api.purchase(sale.id, customer, 1), 409, 'LIMIT_EXCEEDED');
    await api.purchase(sale.id, otherCustomer, 3).expect(201);

    expect(await api.ledger(sale.id)).toMatchObject({ available: 4, sold: 6, orders: 3, ordered: 6 });
  });

  it('when the event does not exist, it is 404; when the id is not a uuid, it is 400', async () => {
    expectError(await api.purchase(randomUUID(), customer), 404, 'NOT_FOUND');
    expectError(await api.purchase('not-a-uuid', customer), 400, 'VALIDATION_ERROR');
  });

  it('when the quantity is missing, zero, fractional or a string, or a price is sent, it is 400 and no stock moves', async () => {
    const sale = await createSale(api.deps, { units: 3, maxPerUser: 3 });
    for (const body of [{}, { quantity: 0 }, { quantity: -1 }, { quantity: 1.5 }, { quantity: '1' }, { quantity: 1, price: 0 }]) {
      expectError(await api.post(sale.id, customer, body), 400, 'VALIDATION_ERROR');
    }
    expect(await api.ledger(sale.id)).toMatchObject({ available: 3, orders: 0 });
  });

  it('after a mix of purchases and refusals, each is answered as the rules say and the books agree: all 7 units sold, in 3 orders', async () => {
    const sale = await createSale(api.deps, { units: 7, maxPerUser: 3 });
    const buyers = [customer, otherCustomer, admin, await createUser(api.deps)];
    const answers: (number | string)[] = [];
    for (const [buyer, quantity] of [[0, 3], [1, 2], [0, 1], [2, 3], [3, 2], [1, 1], [3, 1]] as const) {
      const response = await api.purchase(sale.id, buyers[buyer]!, quantity);
      answers.push(response.status === 201 ? 201 : (response.body as { error: { code: string } }).error.code);
    }

    // 3 + 2 bought; one more would pass the first buyer's limit; 3 do not fit in the 2 left; 2 buy
    // the last units; then nothing is left.
    expect(answers).toEqual([201, 201, 'LIMIT_EXCEEDED', 'SOLD_OUT', 201, 'SOLD_OUT', 'SOLD_OUT']);
    const event = await api.event(sale.id);
    const listed = await api.ordersOf(sale.id, admin);
    expect(event).toMatchObject({ availableStock: 0, soldQuantity: 7, allocatedStock: 7, status: 'sold_out' });
    expect(await api.ledger(sale.id)).toMatchObject({ available: 0, sold: 7, allocated: 7, orders: 3, ordered: 7 });
    expect(listed.map((order) => order.quantity).sort()).toEqual([2, 2, 3]);
  });
});
