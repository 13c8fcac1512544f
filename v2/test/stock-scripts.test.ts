import { randomUUID } from 'node:crypto';
import type { Deps } from '@flashfast/shared';
import { SaleStock } from '../src/stock/sale-stock';
import { createSale } from '../../shared/test/factories';
import { closeTestDeps, createTestDeps } from '../../shared/test/support/test-deps';

let deps: Deps;
let stock: SaleStock;
beforeAll(async () => {
  deps = await createTestDeps();
  stock = new SaleStock(deps.redis, deps.db, deps.config.REDIS_KEY_PREFIX);
});
afterAll(async () => {
  await closeTestDeps(deps);
});

describe('the stock scripts (Lua, with their includes inlined)', () => {
  it('a decided batch and an undone admission each leave the pending units they claimed, and no more', async () => {
    const sale = await createSale(deps, { units: 5, maxPerUser: 2 });
    await stock.loadSale(sale.id);
    const [buyer, other] = [randomUUID(), randomUUID()];
    const decided = { requestId: randomUUID(), eventId: sale.id, userId: buyer, quantity: 2 };
    const undone = { requestId: randomUUID(), eventId: sale.id, userId: other, quantity: 1 };
    expect((await stock.admit(decided)).kind).toBe('accepted');
    expect((await stock.admit(undone)).kind).toBe('accepted');
    const pending = stock.keys(sale.id).pending;
    expect(await deps.redis.hmget(pending, buyer, other, '*')).toEqual(['2', '1', '3']);

    expect(await stock.decideBatch(sale.id, [decided], 'run-1')).toEqual([{ kind: 'reserved', unitsLeft: 3 }]);
    await stock.undoAdmission(undone);

    expect(await deps.redis.hmget(pending, buyer, other, '*')).toEqual(['0', '0', '0']);
  });

  it('an admission undone after its pending units were forgotten (a rebuild) is undone without lowering them below zero', async () => {
    const sale = await createSale(deps, { units: 5, maxPerUser: 2 });
    await stock.loadSale(sale.id);
    const ref = { requestId: randomUUID(), eventId: sale.id, userId: randomUUID(), quantity: 1 };
    expect((await stock.admit(ref)).kind).toBe('accepted');
    await deps.redis.del(stock.keys(sale.id).pending);

    await stock.undoAdmission(ref);

    expect(await deps.redis.hgetall(stock.keys(sale.id).pending)).toEqual({});
    expect(await stock.requestFields(sale.id)).not.toContain(`dup:${ref.userId}:1`);
  });
});
