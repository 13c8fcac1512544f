import type { ErrorCode } from '@flashfast/shared';
import type { Response } from 'supertest';
import { createProductViaApi } from './fixtures';
import { expectError, useContractApi } from './harness';
import type { ContractTarget } from './target';

/** BODY_LIMIT ('16kb', '1mb', '512b') in bytes. */
function bodyLimitBytes(limit: string): number {
  const [, amount, unit] = /^(\d+)(b|kb|mb)$/.exec(limit)!;
  return Number(amount) * { b: 1, kb: 1024, mb: 1024 * 1024 }[unit as 'b' | 'kb' | 'mb'];
}

export function describeErrorContract(target: ContractTarget): void {
  describe(`${target.name} contract: errors`, () => {
    const api = useContractApi(target);

    it('when a route does not exist, it is a 404 JSON error, under the prefix and outside it', async () => {
      expectError(await api.call('get', '/no-such-route'), 404, 'NOT_FOUND');
      expectError(await api.call('post', '/products/extra/segments', api.admin).send({}), 404, 'NOT_FOUND');
      expectError(await api.raw('get', '/definitely/not/here'), 404, 'NOT_FOUND');
    });

    it('when the body is not valid JSON, it is 400 MALFORMED_JSON, for anonymous and admin alike', async () => {
      const broken = '{"name": "Kettle", "price": ';
      const asAdmin = await api.call('post', '/products', api.admin).set('Content-Type', 'application/json').send(broken);
      const anonymous = await api.call('post', '/auth/login').set('Content-Type', 'application/json').send(broken);

      expectError(asAdmin, 400, 'MALFORMED_JSON');
      expectError(anonymous, 400, 'MALFORMED_JSON');
    });

    it('when the body is larger than the limit, it is 413 PAYLOAD_TOO_LARGE and nothing is created', async () => {
      const name = 'x'.repeat(bodyLimitBytes(api.deps.config.BODY_LIMIT) + 1);
      const countProducts = async () => (await api.deps.db.query('SELECT count(*) FROM products')).rows[0].count;
      const before = await countProducts();

      const response = await api.call('post', '/products', api.admin).send({ name, price: 1, stock: 1 });

      expectError(response, 413, 'PAYLOAD_TOO_LARGE');
      expect(await countProducts()).toBe(before);
    });

    it('when anything goes wrong, every status of the contract answers the same {error: {code, message}} shape', async () => {
      const product = await createProductViaApi(api, { stock: 1 });
      const cases: [number, ErrorCode, Promise<Response>][] = [
        [400, 'VALIDATION_ERROR', api.call('post', '/products', api.admin).send({ price: -1 })],
        [401, 'UNAUTHENTICATED', api.call('get', '/auth/me').set('Authorization', 'Basic abc')],
        [403, 'FORBIDDEN', api.call('delete', `/products/${product.id}`, api.customer)],
        [404, 'NOT_FOUND', api.call('get', '/flashsale-events/00000000-0000-4000-8000-000000000000')],
        [409, 'INSUFFICIENT_PRODUCT_STOCK', api.call('post', '/flashsale-events', api.admin).send({
          productId: product.id,
          startTime: new Date().toISOString(),
          endTime: new Date(Date.now() + 3_600_000).toISOString(),
          availableStock: 2,
        })],
      ];
      for (const [status, code, pending] of cases) expectError(await pending, status, code);
    });

    it('when a validation error is answered, details list each bad field with a path and a message', async () => {
      const response = await api.call('post', '/products', api.admin).send({ price: 'free', stock: -1 });

      expectError(response, 400, 'VALIDATION_ERROR');
      for (const issue of response.body.error.details) {
        expect(issue).toEqual({ path: expect.stringMatching(/^body\./), message: expect.any(String) });
      }
      expect(response.body.error.details.map((issue: { path: string }) => issue.path).sort()).toEqual([
        'body.name',
        'body.price',
        'body.stock',
      ]);
    });
  });

  describe(`${target.name} contract: rate limits`, () => {
    const api = useContractApi(target, { RATE_LIMIT_AUTH_MAX: '2' });

    it('when one address keeps trying to log in, it is 429 RATE_LIMITED with Retry-After', async () => {
      const attempt = () => api.call('post', '/auth/login').send({ email: 'nobody@example.test', password: 'whatever-it-is' });
      expectError(await attempt(), 401, 'UNAUTHENTICATED');
      expectError(await attempt(), 401, 'UNAUTHENTICATED');

      const limited = await attempt();

      expectError(limited, 429, 'RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    });
  });
}
