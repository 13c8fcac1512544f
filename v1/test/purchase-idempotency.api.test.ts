import { createSale, createUser, type TestUser } from '../../shared/test/factories';
import { expectError } from '../../shared/test/contract/harness';
import { usePurchaseApi } from './purchase-support';

describe('v1 contract: purchase with an Idempotency-Key', () => {
  const api = usePurchaseApi();
  let customer: TestUser;
  let otherCustomer: TestUser;
  beforeAll(async () => {
    [customer, otherCustomer] = [await createUser(api.deps), await createUser(api.deps)];
  });

  it('when a purchase is retried with the same key, the first order comes back, marked Idempotent-Replayed', async () => {
    const sale = await createSale(api.deps, { units: 5, maxPerUser: 2 });

    const first = await api.purchase(sale.id, customer, 2, 'order-1').expect(201);
    const retry = await api.purchase(sale.id, customer, 2, 'order-1').expect(201);

    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(await api.ledger(sale.id)).toMatchObject({ available: 3, sold: 2, orders: 1 });
  });

  it('when the same key comes back with a different quantity or sale, it is 409 IDEMPOTENCY_KEY_REUSED', async () => {
    const sale = await createSale(api.deps, { units: 5, maxPerUser: 2 });
    const otherSale = await createSale(api.deps, { units: 5, maxPerUser: 2 });
    await api.purchase(sale.id, customer, 1, 'order-2').expect(201);

    expectError(await api.purchase(sale.id, customer, 2, 'order-2'), 409, 'IDEMPOTENCY_KEY_REUSED');
    expectError(await api.purchase(otherSale.id, customer, 1, 'order-2'), 409, 'IDEMPOTENCY_KEY_REUSED');

    expect(await api.ledger(sale.id)).toMatchObject({ sold: 1, orders: 1 });
    expect(await api.ledger(otherSale.id)).toMatchObject({ sold: 0, orders: 0 });
  });

  it('when another customer uses the same key, they get an order of their own', async () => {
    const sale = await createSale(api.deps, { units: 5 });

    const mine = await api.purchase(sale.id, customer, 1, 'shared-key').expect(201);
    const theirs = await api.purchase(sale.id, otherCustomer, 1, 'shared-key').expect(201);

    expect(theirs.body.order.id).not.toBe(mine.body.order.id);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.order.userId).toBe(otherCustomer.id);
  });

  it('when a purchase is retried after the sale sold out or was switched off, the first order still comes back', async () => {
    const sale = await createSale(api.deps, { units: 1 });
    const first = await api.purchase(sale.id, customer, 1, 'late-retry').expect(201);
    await api.deps.db.query('UPDATE flash_sale_events SET is_active = false WHERE id = $1', [sale.id]);

    const retry = await api.purchase(sale.id, customer, 1, 'late-retry').expect(201);

    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
  });

  it('when a refused purchase is retried with its key, it is refused again and nothing is bought', async () => {
    const sale = await createSale(api.deps, { units: 1, maxPerUser: 2 });

    expectError(await api.purchase(sale.id, customer, 2, 'too-many'), 409, 'SOLD_OUT');
    expectError(await api.purchase(sale.id, customer, 2, 'too-many'), 409, 'SOLD_OUT');
    expect(await api.ledger(sale.id)).toMatchObject({ available: 1, orders: 0 });
  });

  it.each([
    ['empty', ''],
    ['longer than 255 characters', 'k'.repeat(256)],
    ['containing a space', 'two words'],
  ])('when the Idempotency-Key is %s, it is 400 and nothing is bought', async (_label, key) => {
    const sale = await createSale(api.deps, { units: 2 });

    const response = await api.purchase(sale.id, customer, 1, key);

    expectError(response, 400, 'VALIDATION_ERROR');
    expect(await api.ledger(sale.id)).toMatchObject({ available: 2, orders: 0 });
  });

  it('when the key is exactly 255 printable characters, it is accepted', async () => {
    const sale = await createSale(api.deps);
    await api.purchase(sale.id, customer, 1, `${'k'.repeat(254)}~`).expect(201);
  });
});

describe('v1 contract: purchase rate limit', () => {
  const api = usePurchaseApi({ RATE_LIMIT_PURCHASE_MAX: '2' });

  it('when one user keeps buying, the third attempt is 429 RATE_LIMITED with Retry-After; others are not limited', async () => {
    const sale = await createSale(api.deps, { units: 10, maxPerUser: 10 });
    const [hasty, patient] = [await createUser(api.deps), await createUser(api.deps)];
    await api.purchase(sale.id, hasty).expect(201);
    await api.purchase(sale.id, hasty).expect(201);

    const limited = await api.purchase(sale.id, hasty);

    expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await api.purchase(sale.id, patient).expect(201);
    expect(await api.ledger(sale.id)).toMatchObject({ sold: 3, orders: 3 });
  });
});
