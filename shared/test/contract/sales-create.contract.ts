import { randomUUID } from 'node:crypto';
import type { Product } from '@flashfast/shared';
import { createProductViaApi, isoIn, productStock } from './fixtures';
import { expectError, issuePaths, useContractApi } from './harness';
import type { ContractTarget } from './target';

const EVENT_KEYS = [
  'allocatedStock', 'availableStock', 'createdAt', 'endTime', 'id', 'isActive', 'maxPerUser',
  'product', 'productId', 'salePrice', 'soldQuantity', 'startTime', 'status', 'updatedAt',
];

export function describeSaleCreateContract(target: ContractTarget): void {
  describe(`${target.name} contract: creating flash-sale events`, () => {
    const api = useContractApi(target);
    let product: Product;
    const window = () => ({ startTime: isoIn(-60), endTime: isoIn(3600) });
    const create = (body: Record<string, unknown>, as = api.admin) => api.call('post', '/flashsale-events', as).send(body);

    beforeEach(async () => {
      product = await createProductViaApi(api, { price: 30, stock: 10 });
    });

    it('when an admin creates a sale, it is 201 {event} and the units leave the product stock at once', async () => {
      const response = await create({ productId: product.id, ...window(), availableStock: 4, salePrice: 19.99, maxPerUser: 2 }).expect(201);

      expect(Object.keys(response.body.event).sort()).toEqual(EVENT_KEYS);
      expect(response.body.event).toMatchObject({
        productId: product.id,
        product: { id: product.id, name: product.name, price: 30 },
        availableStock: 4,
        soldQuantity: 0,
        allocatedStock: 4,
        salePrice: 19.99,
        maxPerUser: 2,
        isActive: true,
        status: 'live',
      });
      expect(await productStock(api, product.id)).toBe(6);
    });

    it('when salePrice and maxPerUser are left out, they default to the product price and 1', async () => {
      const response = await create({ productId: product.id, ...window(), availableStock: 1 }).expect(201);
      expect(response.body.event).toMatchObject({ salePrice: 30, maxPerUser: 1 });
    });

    it('when times are given with an offset, they come back as ISO-8601 UTC', async () => {
      const response = await create({
        productId: product.id,
        startTime: '2999-01-01T10:00:00+02:00',
        endTime: '2999-01-01T12:00:00+02:00',
        availableStock: 1,
      }).expect(201);
      expect(response.body.event).toMatchObject({
        startTime: '2999-01-01T08:00:00.000Z',
        endTime: '2999-01-01T10:00:00.000Z',
        status: 'scheduled',
      });
    });

    it('when all of the product stock is allocated, it works; one unit more is 409 INSUFFICIENT_PRODUCT_STOCK', async () => {
      const tooMany = await create({ productId: product.id, ...window(), availableStock: 11 });
      expectError(tooMany, 409, 'INSUFFICIENT_PRODUCT_STOCK');
      expect(await productStock(api, product.id)).toBe(10);

      await create({ productId: product.id, ...window(), availableStock: 10 }).expect(201);
      expect(await productStock(api, product.id)).toBe(0);
      expectError(await create({ productId: product.id, ...window(), availableStock: 1 }), 409, 'INSUFFICIENT_PRODUCT_STOCK');
    });

    it('when the product does not exist, it is 404', async () => {
      expectError(await create({ productId: randomUUID(), ...window(), availableStock: 1 }), 404, 'NOT_FOUND');
    });

    it('when endTime is before (or equal to) startTime, it is 400 and no stock moves', async () => {
      const start = isoIn(600);
      for (const endTime of [isoIn(300), start]) {
        const response = await create({ productId: product.id, startTime: start, endTime, availableStock: 1 });
        expectError(response, 400, 'VALIDATION_ERROR');
        expect(issuePaths(response)).toEqual(['body.endTime']);
      }
      expect(await productStock(api, product.id)).toBe(10);
    });

    it.each([
      ['zero availableStock', { availableStock: 0 }, 'body.availableStock'],
      ['a non-integer availableStock', { availableStock: 1.5 }, 'body.availableStock'],
      ['a salePrice with 3 decimals', { salePrice: 9.999 }, 'body.salePrice'],
      ['a negative salePrice', { salePrice: -1 }, 'body.salePrice'],
      ['maxPerUser zero', { maxPerUser: 0 }, 'body.maxPerUser'],
      ['a startTime that is not a date', { startTime: 'tomorrow' }, 'body.startTime'],
      ['a productId that is not a uuid', { productId: '1' }, 'body.productId'],
      ['an unknown key', { soldQuantity: 5 }, 'body'],
    ])('when the body has %s, it is 400 naming the field', async (_label, change, path) => {
      const response = await create({ productId: product.id, ...window(), availableStock: 1, ...change });
      expectError(response, 400, 'VALIDATION_ERROR');
      expect(issuePaths(response)).toContain(path);
    });

    it('when nobody is logged in it is 401, when a customer tries it is 403, and no stock moves', async () => {
      const body = { productId: product.id, ...window(), availableStock: 1 };
      expectError(await api.call('post', '/flashsale-events').send(body), 401, 'UNAUTHENTICATED');
      expectError(await create(body, api.customer), 403, 'FORBIDDEN');
      expect(await productStock(api, product.id)).toBe(10);
    });
  });
}
