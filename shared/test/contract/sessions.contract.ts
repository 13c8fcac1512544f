import { signToken } from '@flashfast/shared';
import { createSale, createUser, type TestUser } from '../factories';
import { eventually } from '../support/eventually';
import { expectError, useContractApi } from './harness';
import { placeOrder } from './fixtures';
import type { ContractTarget } from './target';

/** The promise: a token loses its powers within 5 s on every instance (behind nginx, any of them answers). */
const PROMISED_MS = 5_000;

export function describeSessionsContract(target: ContractTarget): void {
  describe(`${target.name} contract: sessions end when the account changes`, () => {
    const api = useContractApi(target);
    const statusOf = (method: 'get' | 'post', path: string, user: TestUser, body?: object) => async () =>
      (await api.call(method, path, user).send(body)).status;
    const anotherToken = (user: TestUser): TestUser => ({ ...user, token: signToken(api.deps.config, { userId: user.id, role: user.role }) });

    it('POST /auth/logout is 204 and revokes the presented token only: the same account\'s other token keeps working', async () => {
      const user = await createUser(api.deps);
      const otherSession = anotherToken(user);

      await api.call('post', '/auth/logout', user).expect(204);

      for (const path of ['/auth/me', '/orders']) await eventually(statusOf('get', path, user), (s) => s === 401, PROMISED_MS);
      expectError(await api.call('get', '/auth/me', user), 401, 'UNAUTHENTICATED');
      expectError(await api.call('post', '/auth/logout', user), 401, 'UNAUTHENTICATED');
      await api.call('get', '/auth/me', otherSession).expect(200);
      await api.call('get', '/orders', otherSession).expect(200);
    });

    it('POST /auth/logout without a token is 401', async () => {
      expectError(await api.call('post', '/auth/logout'), 401, 'UNAUTHENTICATED');
    });

    it("a demoted admin's token loses the admin routes within 5 s, and keeps a customer's", async () => {
      const demoted = await createUser(api.deps, 'admin', 'Demoted Admin');
      await api.call('get', '/users', demoted).expect(200);

      await api.call('patch', `/users/${demoted.id}`, api.admin).send({ role: 'customer' }).expect(200);

      const { afterMs } = await eventually(statusOf('post', '/products', demoted, { name: 'x', price: 1, stock: 1 }), (s) => s === 403, PROMISED_MS);
      expectError(await api.call('get', '/users', demoted), 403, 'FORBIDDEN');
      const orders = await api.call('get', `/orders?userId=${api.customer.id}`, demoted).expect(200);
      expect((orders.body.items as { userId: string }[]).filter((order) => order.userId !== demoted.id)).toEqual([]);
      const me = await api.call('get', '/auth/me', demoted).expect(200);
      expect(me.body.user.role).toBe('customer');
      expect(afterMs).toBeLessThanOrEqual(PROMISED_MS);
    });

    it("a removed admin's token is refused everywhere within 5 s: admin routes, orders (list and one), purchases", async () => {
      const removed = await createUser(api.deps, 'admin', 'Removed Admin');
      const sale = await createSale(api.deps, { units: 5 });
      const someonesOrder = await placeOrder(api.deps, sale.id, await createUser(api.deps));
      await api.call('get', `/orders/${someonesOrder.id}`, removed).expect(200);

      await api.deps.db.query('DELETE FROM users WHERE id = $1', [removed.id]);

      await eventually(statusOf('get', '/orders', removed), (s) => s === 401, PROMISED_MS);
      for (const [method, path, body] of [
        ['get', `/orders/${someonesOrder.id}`],
        ['get', `/orders?userId=${api.customer.id}`],
        ['get', '/users'],
        ['post', '/products', { name: 'Ghost product', price: 1, stock: 1 }],
        ['post', `/flashsale/${sale.id}/purchase`, { quantity: 1 }],
        ['get', '/auth/me'],
      ] as const) {
        expectError(await api.call(method, path, removed).send(body), 401, 'UNAUTHENTICATED');
      }
    });
  });
}
