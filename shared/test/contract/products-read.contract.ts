import { randomUUID } from 'node:crypto';
import type { Product } from '@flashfast/shared';
import { createProductViaApi } from './fixtures';
import { expectError, issuePaths, useContractApi } from './harness';
import type { ContractTarget } from './target';

const PRODUCT_KEYS = ['createdAt', 'id', 'image', 'name', 'price', 'stock', 'updatedAt'];

export function describeProductReadContract(target: ContractTarget): void {
  describe(`${target.name} contract: reading products`, () => {
    const api = useContractApi(target);

    describe('GET /products', () => {
      let made: Product[];
      beforeAll(async () => {
        made = [];
        for (const name of ['First', 'Second', 'Third']) made.push(await createProductViaApi(api, { name }));
      });

      it('when anyone lists products, it is 200 {items, nextCursor}, newest first', async () => {
        const response = await api.call('get', '/products?limit=3').expect(200);

        expect(Object.keys(response.body).sort()).toEqual(['items', 'nextCursor']);
        expect(response.body.items.map((p: Product) => p.id)).toEqual([made[2]!.id, made[1]!.id, made[0]!.id]);
        expect(Object.keys(response.body.items[0]).sort()).toEqual(PRODUCT_KEYS);
      });

      it('when a page is full, its nextCursor leads to the next page without repeats or gaps', async () => {
        const first = await api.call('get', '/products?limit=2', api.customer).expect(200);
        expect(first.body.items.map((p: Product) => p.id)).toEqual([made[2]!.id, made[1]!.id]);
        expect(typeof first.body.nextCursor).toBe('string');

        const cursor = encodeURIComponent(first.body.nextCursor);
        const second = await api.call('get', `/products?limit=2&cursor=${cursor}`).expect(200);
        expect(second.body.items[0].id).toBe(made[0]!.id);
      });

      it('when the last page is reached, nextCursor is null', async () => {
        let cursor: string | null = null;
        let pages = 0;
        do {
          const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
          const page = await api.call('get', `/products?limit=${api.deps.config.PAGE_SIZE_MAX}${query}`).expect(200);
          cursor = page.body.nextCursor;
          pages += 1;
        } while (cursor !== null && pages < 1_000);
        expect(cursor).toBeNull();
      });

      it('when the limit is above the hard maximum page size, it is 400, not a silently bigger page', async () => {
        const tooMany = api.deps.config.PAGE_SIZE_MAX + 1;
        const response = await api.call('get', `/products?limit=${tooMany}`);

        expectError(response, 400, 'VALIDATION_ERROR');
        expect(issuePaths(response)).toEqual(['query.limit']);
        await api.call('get', `/products?limit=${api.deps.config.PAGE_SIZE_MAX}`).expect(200);
      });

      it('when the limit is zero, negative or not a number, it is 400', async () => {
        for (const limit of ['0', '-1', 'ten', '2.5']) {
          expectError(await api.call('get', `/products?limit=${limit}`), 400, 'VALIDATION_ERROR');
        }
      });

      it('when the cursor was not made by the API, it is 400', async () => {
        expectError(await api.call('get', '/products?cursor=bm90LWEtY3Vyc29y'), 400, 'VALIDATION_ERROR');
      });

      it('when the query has an unknown parameter, it is 400', async () => {
        expectError(await api.call('get', '/products?sort=price'), 400, 'VALIDATION_ERROR');
      });
    });

    describe('GET /products/:id', () => {
      it('when anyone asks for a product, it is 200 {product} with exact money', async () => {
        const made = await createProductViaApi(api, { name: 'Lamp', price: 19.99, stock: 7, image: 'https://img.example/lamp.png' });

        const response = await api.call('get', `/products/${made.id}`).expect(200);

        expect(response.body).toEqual({ product: made });
        expect(response.body.product).toMatchObject({ name: 'Lamp', price: 19.99, stock: 7, image: 'https://img.example/lamp.png' });
      });

      it('when the id is unknown, it is 404', async () => {
        expectError(await api.call('get', `/products/${randomUUID()}`), 404, 'NOT_FOUND');
      });

      it('when the id is not a uuid, it is 400', async () => {
        const response = await api.call('get', '/products/42');
        expectError(response, 400, 'VALIDATION_ERROR');
        expect(issuePaths(response)).toEqual(['params.id']);
      });
    });
  });
}
