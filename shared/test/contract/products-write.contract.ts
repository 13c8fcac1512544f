import { randomUUID } from 'node:crypto';
import { createProductViaApi, isoIn, productStock } from './fixtures';
import { expectError, issuePaths, useContractApi } from './harness';
import type { ContractTarget } from './target';

const VALID = { name: 'Kettle', price: 49.5, stock: 12 };

export function describeProductWriteContract(target: ContractTarget): void {
  describe(`${target.name} contract: writing products (admin only)`, () => {
    const api = useContractApi(target);

    describe('POST /products', () => {
      it('when an admin creates a product, it is 201 {product} and can be read back', async () => {
        const response = await api.call('post', '/products', api.admin).send(VALID).expect(201);

        expect(response.body.product).toMatchObject({ ...VALID, image: null });
        const read = await api.call('get', `/products/${response.body.product.id}`).expect(200);
        expect(read.body.product).toEqual(response.body.product);
      });

      it('when the image is given as null or as a URL, both are kept', async () => {
        expect((await createProductViaApi(api, { image: null })).image).toBeNull();
        expect((await createProductViaApi(api, { image: 'https://img.example/a.png' })).image).toBe('https://img.example/a.png');
      });

      it('when nobody is logged in, it is 401 and nothing is created', async () => {
        const name = `anon-${randomUUID()}`;
        expectError(await api.call('post', '/products').send({ ...VALID, name }), 401, 'UNAUTHENTICATED');
        const { rowCount } = await api.deps.db.query('SELECT 1 FROM products WHERE name = $1', [name]);
        expect(rowCount).toBe(0);
      });

      it('when a customer tries, it is 403', async () => {
        expectError(await api.call('post', '/products', api.customer).send(VALID), 403, 'FORBIDDEN');
      });

      it.each([
        ['a negative price', { price: -1 }, 'body.price'],
        ['a price with 3 decimals', { price: 19.999 }, 'body.price'],
        ['a price given as a string', { price: '19.99' }, 'body.price'],
        ['a non-integer stock', { stock: 1.5 }, 'body.stock'],
        ['a negative stock', { stock: -3 }, 'body.stock'],
        ['an empty name', { name: '  ' }, 'body.name'],
        ['an image that is not an http(s) URL', { image: 'javascript:alert(1)' }, 'body.image'],
        ['an unknown key', { id: randomUUID() }, 'body'],
      ])('when the body has %s, it is 400 naming the field', async (_label, change, path) => {
        const response = await api.call('post', '/products', api.admin).send({ ...VALID, ...change });
        expectError(response, 400, 'VALIDATION_ERROR');
        expect(issuePaths(response)).toEqual([path]);
      });

      it('when a price has exactly 2 decimals, it is kept exactly', async () => {
        expect((await createProductViaApi(api, { price: 0.1 })).price).toBe(0.1);
        expect((await createProductViaApi(api, { price: 1234567.89 })).price).toBe(1234567.89);
      });
    });

    describe('PATCH /products/:id', () => {
      it('when an admin changes some fields, only those change', async () => {
        const made = await createProductViaApi(api, { name: 'Old', price: 5, stock: 3, image: 'https://img.example/x.png' });

        const response = await api.call('patch', `/products/${made.id}`, api.admin).send({ price: 4.25, image: null }).expect(200);

        expect(response.body.product).toMatchObject({ id: made.id, name: 'Old', price: 4.25, stock: 3, image: null });
      });

      it('when nobody is logged in it is 401, when a customer tries it is 403, and nothing changes', async () => {
        const made = await createProductViaApi(api, { price: 5 });

        expectError(await api.call('patch', `/products/${made.id}`).send({ price: 0 }), 401, 'UNAUTHENTICATED');
        expectError(await api.call('patch', `/products/${made.id}`, api.customer).send({ price: 0 }), 403, 'FORBIDDEN');
        expect((await api.call('get', `/products/${made.id}`).expect(200)).body.product.price).toBe(5);
      });

      it('when the patch is invalid or empty, it is 400', async () => {
        const made = await createProductViaApi(api);
        for (const body of [{ price: -0.01 }, { price: 1.001 }, { stock: 2.5 }, {}]) {
          expectError(await api.call('patch', `/products/${made.id}`, api.admin).send(body), 400, 'VALIDATION_ERROR');
        }
      });

      it('when the product is unknown it is 404, when the id is not a uuid it is 400', async () => {
        expectError(await api.call('patch', `/products/${randomUUID()}`, api.admin).send({ stock: 1 }), 404, 'NOT_FOUND');
        expectError(await api.call('patch', '/products/nope', api.admin).send({ stock: 1 }), 400, 'VALIDATION_ERROR');
      });
    });

    describe('DELETE /products/:id', () => {
      it('when an admin deletes a product without sales, it is 204 and then 404', async () => {
        const made = await createProductViaApi(api);

        const response = await api.call('delete', `/products/${made.id}`, api.admin).expect(204);

        expect(response.text).toBe('');
        expectError(await api.call('get', `/products/${made.id}`), 404, 'NOT_FOUND');
        expectError(await api.call('delete', `/products/${made.id}`, api.admin), 404, 'NOT_FOUND');
      });

      it('when nobody is logged in it is 401, when a customer tries it is 403, and the product stays', async () => {
        const made = await createProductViaApi(api);

        expectError(await api.call('delete', `/products/${made.id}`), 401, 'UNAUTHENTICATED');
        expectError(await api.call('delete', `/products/${made.id}`, api.customer), 403, 'FORBIDDEN');
        await api.call('get', `/products/${made.id}`).expect(200);
      });

      it('when the product has a flash sale, it is 409 PRODUCT_IN_USE and both survive', async () => {
        const made = await createProductViaApi(api, { stock: 5 });
        const sale = await api
          .call('post', '/flashsale-events', api.admin)
          .send({ productId: made.id, startTime: isoIn(-60), endTime: isoIn(3600), availableStock: 2 })
          .expect(201);

        expectError(await api.call('delete', `/products/${made.id}`, api.admin), 409, 'PRODUCT_IN_USE');
        expect(await productStock(api, made.id)).toBe(3);
        await api.call('get', `/flashsale-events/${sale.body.event.id}`).expect(200);
      });
    });
  });
}
