import { randomUUID } from 'node:crypto';
import type { Order } from '@flashfast/shared';
import { createSale } from '../factories';
import { placeOrder } from './fixtures';
import { expectError, useContractApi } from './harness';
import type { ContractTarget } from './target';

const ORDER_KEYS = ['createdAt', 'eventId', 'id', 'productId', 'quantity', 'status', 'totalPrice', 'unitPrice', 'userId'];

export function describeOrdersContract(target: ContractTarget): void {
  describe(`${target.name} contract: orders`, () => {
    const api = useContractApi(target);
    let saleA: string;
    let saleB: string;
    let mine: Order[];
    let theirs: Order;

    beforeAll(async () => {
      saleA = (await createSale(api.deps, { units: 20, maxPerUser: 5, salePrice: 19.99 })).id;
      saleB = (await createSale(api.deps, { units: 20, maxPerUser: 5 })).id;
      mine = [
        await placeOrder(api.deps, saleA, api.customer, 3),
        await placeOrder(api.deps, saleB, api.customer, 1),
        await placeOrder(api.deps, saleB, api.customer, 1),
      ];
      theirs = await placeOrder(api.deps, saleA, api.otherCustomer, 2);
    });
    const idsOf = (response: { body: { items: Order[] } }) => response.body.items.map((order) => order.id);

    it('when a customer lists orders, they see exactly their own, newest first', async () => {
      const response = await api.call('get', '/orders', api.customer).expect(200);

      expect(Object.keys(response.body).sort()).toEqual(['items', 'nextCursor']);
      expect(idsOf(response)).toEqual(mine.map((order) => order.id).reverse());
      expect(response.body.nextCursor).toBeNull();
      expect(Object.keys(response.body.items[0]).sort()).toEqual(ORDER_KEYS);
    });

    it("when a customer asks for another user's orders with ?userId=, they still see only their own", async () => {
      const response = await api.call('get', `/orders?userId=${api.otherCustomer.id}`, api.customer).expect(200);

      expect(idsOf(response)).not.toContain(theirs.id);
      expect(response.body.items.every((order: Order) => order.userId === api.customer.id)).toBe(true);
    });

    it('when a customer filters by ?eventId=, they see their own orders of that sale only', async () => {
      const response = await api.call('get', `/orders?eventId=${saleA}`, api.customer).expect(200);
      expect(idsOf(response)).toEqual([mine[0]!.id]);
    });

    it('when a customer pages with ?limit= and the cursor, every order comes exactly once', async () => {
      const first = await api.call('get', '/orders?limit=2', api.customer).expect(200);
      const cursor = encodeURIComponent(first.body.nextCursor);
      const second = await api.call('get', `/orders?limit=2&cursor=${cursor}`, api.customer).expect(200);

      expect([...idsOf(first), ...idsOf(second)]).toEqual(mine.map((order) => order.id).reverse());
      expect(second.body.nextCursor).toBeNull();
    });

    it('when an admin lists orders, they see every user and can filter by ?userId= and ?eventId=', async () => {
      const all = await api.call('get', `/orders?limit=${api.deps.config.PAGE_SIZE_MAX}`, api.admin).expect(200);
      expect(idsOf(all)).toEqual(expect.arrayContaining([theirs.id, ...mine.map((order) => order.id)]));

      const byUser = await api.call('get', `/orders?userId=${api.otherCustomer.id}`, api.admin).expect(200);
      expect(idsOf(byUser)).toEqual([theirs.id]);
      const byEvent = await api.call('get', `/orders?eventId=${saleA}`, api.admin).expect(200);
      expect(idsOf(byEvent).sort()).toEqual([theirs.id, mine[0]!.id].sort());
      const both = await api.call('get', `/orders?eventId=${saleB}&userId=${api.otherCustomer.id}`, api.admin).expect(200);
      expect(both.body.items).toEqual([]);
    });

    it('when a customer reads their own order, it is 200 {order} with exact money (3 x 19.99 = 59.97)', async () => {
      const response = await api.call('get', `/orders/${mine[0]!.id}`, api.customer).expect(200);

      expect(response.body).toEqual({ order: mine[0] });
      expect(response.body.order).toMatchObject({
        userId: api.customer.id,
        eventId: saleA,
        quantity: 3,
        unitPrice: 19.99,
        totalPrice: 59.97,
        status: 'confirmed',
      });
    });

    it("when a customer asks for another customer's order, it is not found", async () => {
      const response = await api.call('get', `/orders/${theirs.id}`, api.customer);
      const unknown = await api.call('get', `/orders/${randomUUID()}`, api.customer);

      expectError(response, 404, 'NOT_FOUND');
      expect(response.body).toEqual(unknown.body);
    });

    it("when an admin asks for a customer's order, they get it", async () => {
      const response = await api.call('get', `/orders/${theirs.id}`, api.admin).expect(200);
      expect(response.body.order).toEqual(theirs);
    });

    it('when nobody is logged in, listing and reading orders are 401', async () => {
      expectError(await api.call('get', '/orders'), 401, 'UNAUTHENTICATED');
      expectError(await api.call('get', `/orders/${mine[0]!.id}`), 401, 'UNAUTHENTICATED');
    });

    it('when ids, filters or page sizes are malformed, it is 400', async () => {
      expectError(await api.call('get', '/orders/123', api.customer), 400, 'VALIDATION_ERROR');
      expectError(await api.call('get', '/orders?userId=me', api.admin), 400, 'VALIDATION_ERROR');
      expectError(await api.call('get', '/orders?eventId=1', api.customer), 400, 'VALIDATION_ERROR');
      const tooMany = api.deps.config.PAGE_SIZE_MAX + 1;
      expectError(await api.call('get', `/orders?limit=${tooMany}`, api.customer), 400, 'VALIDATION_ERROR');
    });
  });
}
