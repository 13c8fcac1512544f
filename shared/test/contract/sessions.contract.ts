import { signToken, type ErrorCode } from '@flashfast/shared';
import { createSale, createUser, type TestUser } from '../factories';
import { eventually } from '../support/eventually';
import { expectError, useContractApi } from './harness';
import { placeOrder } from './fixtures';
import type { ContractTarget } from './target';

/** The promise: a token loses its powers within 5 s on every instance (behind nginx, any of them answers). */
const PROMISED_MS = 5_000;

type Method = 'get' | 'post';

export function describeSessionsContract(target: ContractTarget): void {
  describe(`${target.name} contract: sessions end when the account changes`, () => {
    const api = useContractApi(target);
    /**
     * Behind nginx each request may reach another instance, and each hears of the change on its own
     * within the promise: every route is polled until it refuses, then the refusal's shape is checked.
     */
    const refusedEverywhere = async (user: TestUser, status: number, code: ErrorCode, routes: ReadonlyArray<readonly [Method, string, object?]>) => {
      for (const [method, path, body] of routes) {
        const { value } = await eventually(async () => api.call(method, path, user).send(body), (r) => r.status === status, PROMISED_MS);
        expectError(value, status, code);
      }
    };
    const anotherToken = (user: TestUser): TestUser => ({ ...user, token: signToken(api.deps.config, { userId: user.id, role: user.role }) });

    it('POST /auth/logout is 204 and revokes the presented token only: the same account\'s other token keeps working', async () => {
      const user = await createUser(api.deps);
      const otherSession = anotherToken(user);

      await api.call('post', '/auth/logout', user).expect(204);

      await refusedEverywhere(user, 401, 'UNAUTHENTICATED', [['get', '/auth/me'], ['get', '/orders'], ['post', '/auth/logout']]);
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

      await refusedEverywhere(demoted, 403, 'FORBIDDEN', [['post', '/products', { name: 'x', price: 1, stock: 1 }], ['get', '/users']]);
      const othersOrders = async () => {
        const orders = await api.call('get', `/orders?userId=${api.customer.id}`, demoted).expect(200);
        return (orders.body.items as { userId: string }[]).filter((order) => order.userId !== demoted.id).length;
      };
      await eventually(othersOrders, (count) => count === 0, PROMISED_MS);
      const me = await api.call('get', '/auth/me', demoted).expect(200);
      expect(me.body.user.role).toBe('customer');
    });

    it("a removed admin's token is refused everywhere within 5 s: admin routes, orders (list and one), purchases", async () => {
      const removed = await createUser(api.deps, 'admin', 'Removed Admin');
      const sale = await createSale(api.deps, { units: 5 });
      const someonesOrder = await placeOrder(api.deps, sale.id, await createUser(api.deps));
      await api.call('get', `/orders/${someonesOrder.id}`, removed).expect(200);

      await api.deps.db.query('DELETE FROM users WHERE id = $1', [removed.id]);

      await refusedEverywhere(removed, 401, 'UNAUTHENTICATED', [
        ['get', '/orders'],
        ['get', `/orders/${someonesOrder.id}`],
        ['get', `/orders?userId=${api.customer.id}`],
        ['get', '/users'],
        ['post', '/products', { name: 'Ghost product', price: 1, stock: 1 }],
        ['post', `/flashsale/${sale.id}/purchase`, { quantity: 1 }],
        ['get', '/auth/me'],
      ]);
    });
  });
}
