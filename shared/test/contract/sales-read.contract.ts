import { randomUUID } from 'node:crypto';
import type { FlashSaleEvent, Product } from '@flashfast/shared';
import { createProductViaApi, isoIn, placeOrder } from './fixtures';
import { expectError, issuePaths, useContractApi } from './harness';
import type { ContractTarget } from './target';

type Sales = Record<'live' | 'scheduled' | 'soldOut' | 'ended' | 'inactive', FlashSaleEvent>;

export function describeSaleReadContract(target: ContractTarget): void {
  describe(`${target.name} contract: reading and changing flash-sale events`, () => {
    const api = useContractApi(target);
    let product: Product;
    let sales: Sales;

    const create = async (startIn: number, endIn: number, units = 1): Promise<FlashSaleEvent> =>
      (
        await api
          .call('post', '/flashsale-events', api.admin)
          .send({ productId: product.id, startTime: isoIn(startIn), endTime: isoIn(endIn), availableStock: units, maxPerUser: 1 })
          .expect(201)
      ).body.event;
    const patch = (id: string, body: Record<string, unknown>, as = api.admin) =>
      api.call('patch', `/flashsale-events/${id}`, as).send(body);
    const ids = (response: { body: { items: FlashSaleEvent[] } }) => response.body.items.map((event) => event.id).sort();

    // One product with a sale in every status, all made through the API (plus one order to sell out).
    beforeAll(async () => {
      product = await createProductViaApi(api, { stock: 50 });
      const live = await create(-60, 3600, 5);
      const scheduled = await create(3600, 7200);
      const soldOut = await create(-60, 3600);
      await placeOrder(api.deps, soldOut.id, api.customer);
      const ended = await create(-60, 3600);
      await patch(ended.id, { startTime: isoIn(-7200), endTime: isoIn(-3600) }).expect(200);
      const inactive = await create(-60, 3600);
      await patch(inactive.id, { isActive: false }).expect(200);
      sales = { live, scheduled, soldOut, ended, inactive };
    });

    it('when anyone reads each sale, the status is live, scheduled, sold_out, ended or inactive', async () => {
      const statuses: Record<string, string> = {};
      for (const [name, sale] of Object.entries(sales)) {
        statuses[name] = (await api.call('get', `/flashsale-events/${sale.id}`).expect(200)).body.event.status;
      }
      expect(statuses).toEqual({ live: 'live', scheduled: 'scheduled', soldOut: 'sold_out', ended: 'ended', inactive: 'inactive' });
    });

    it('when anyone lists sales with ?active=true, only sales open now are listed', async () => {
      const open = await api.call('get', `/flashsale-events?active=true&productId=${product.id}`).expect(200);
      const closed = await api.call('get', `/flashsale-events?active=false&productId=${product.id}`).expect(200);

      expect(ids(open)).toEqual([sales.live.id, sales.soldOut.id].sort());
      expect(ids(closed)).toEqual([sales.scheduled.id, sales.ended.id, sales.inactive.id].sort());
      const everywhere = await api.call('get', `/flashsale-events?active=true&limit=${api.deps.config.PAGE_SIZE_MAX}`).expect(200);
      for (const event of everywhere.body.items as FlashSaleEvent[]) expect(['live', 'sold_out']).toContain(event.status);
    });

    it('when a customer lists sales page by page, the cursor walks through them newest first', async () => {
      const first = await api.call('get', `/flashsale-events?productId=${product.id}&limit=3`, api.customer).expect(200);
      const cursor = encodeURIComponent(first.body.nextCursor);
      const second = await api.call('get', `/flashsale-events?productId=${product.id}&limit=3&cursor=${cursor}`).expect(200);

      const order = [sales.inactive, sales.ended, sales.soldOut, sales.scheduled, sales.live].map((sale) => sale.id);
      expect(first.body.items.map((e: FlashSaleEvent) => e.id)).toEqual(order.slice(0, 3));
      expect(second.body).toEqual({ items: expect.any(Array), nextCursor: null });
      expect(second.body.items.map((e: FlashSaleEvent) => e.id)).toEqual(order.slice(3));
    });

    it('when the list is asked for a page above the maximum size or a bad filter, it is 400', async () => {
      expectError(await api.call('get', `/flashsale-events?limit=${api.deps.config.PAGE_SIZE_MAX + 1}`), 400, 'VALIDATION_ERROR');
      expectError(await api.call('get', '/flashsale-events?active=yes'), 400, 'VALIDATION_ERROR');
      expectError(await api.call('get', '/flashsale-events?productId=abc'), 400, 'VALIDATION_ERROR');
    });

    it('when anyone asks for one sale, it is 200 {event}; unknown is 404 and a non-uuid is 400', async () => {
      const response = await api.call('get', `/flashsale-events/${sales.live.id}`).expect(200);
      expect(response.body).toEqual({ event: { ...sales.live, status: 'live' } });
      expectError(await api.call('get', `/flashsale-events/${randomUUID()}`), 404, 'NOT_FOUND');
      expectError(await api.call('get', '/flashsale-events/not-a-uuid'), 400, 'VALIDATION_ERROR');
    });

    describe('PATCH /flashsale-events/:id', () => {
      it('when an admin moves the window, the new times are returned and the status follows', async () => {
        const sale = await create(-60, 3600);
        const startTime = new Date(Date.now() + 86_400_000).toISOString();
        const endTime = new Date(Date.now() + 2 * 86_400_000).toISOString();

        const response = await patch(sale.id, { startTime, endTime }).expect(200);

        expect(response.body.event).toMatchObject({ id: sale.id, startTime, endTime, status: 'scheduled' });
      });

      it('when an admin switches a sale off and on again, isActive and status follow', async () => {
        const sale = await create(-60, 3600);
        expect((await patch(sale.id, { isActive: false }).expect(200)).body.event).toMatchObject({ isActive: false, status: 'inactive' });
        expect((await patch(sale.id, { isActive: true }).expect(200)).body.event).toMatchObject({ isActive: true, status: 'live' });
      });

      it('when a patch would put the end before the start, it is 400 and the sale is unchanged', async () => {
        const sale = await create(-60, 3600);

        const alone = await patch(sale.id, { startTime: isoIn(7200) });
        expectError(alone, 400, 'VALIDATION_ERROR');
        expect(issuePaths(alone)).toEqual(['body.endTime']);
        expectError(await patch(sale.id, { startTime: isoIn(600), endTime: isoIn(300) }), 400, 'VALIDATION_ERROR');
        expect((await api.call('get', `/flashsale-events/${sale.id}`).expect(200)).body.event).toMatchObject({
          startTime: sale.startTime,
          endTime: sale.endTime,
        });
      });

      it('when nobody is logged in it is 401, when a customer tries it is 403, and nothing changes', async () => {
        expectError(await api.call('patch', `/flashsale-events/${sales.live.id}`).send({ isActive: false }), 401, 'UNAUTHENTICATED');
        expectError(await patch(sales.live.id, { isActive: false }, api.customer), 403, 'FORBIDDEN');
        expect((await api.call('get', `/flashsale-events/${sales.live.id}`).expect(200)).body.event.isActive).toBe(true);
      });

      it('when the patch touches stock or prices, is empty, or names an unknown sale, it is refused', async () => {
        for (const body of [{ availableStock: 100 }, { salePrice: 0 }, {}, { isActive: 'no' }]) {
          expectError(await patch(sales.live.id, body), 400, 'VALIDATION_ERROR');
        }
        expectError(await patch(randomUUID(), { isActive: false }), 404, 'NOT_FOUND');
        expectError(await patch('42', { isActive: false }), 400, 'VALIDATION_ERROR');
      });
    });
  });
}
