import { decideInOrder, keyOf, type KeyedOrder, type LockedSale } from './decide-in-order';
import type { PurchaseInput } from './place-purchase';

const live: LockedSale = { isActive: true, notStarted: false, ended: false, availableStock: 10, maxPerUser: 2 };
const buy = (userId: string, quantity = 1, idempotencyKey?: string): PurchaseInput => ({ eventId: 'sale', userId, quantity, idempotencyKey });
const decide = (sale: LockedSale, purchases: PurchaseInput[], quotas: Record<string, number> = {}, keyed = new Map<string, KeyedOrder>()) =>
  decideInOrder(sale, purchases, new Map(Object.entries(quotas)), keyed);
const kinds = (plan: ReturnType<typeof decide>) => plan.verdicts.map((v) => (v.kind === 'refuse' ? v.code : v.kind));

describe("decideInOrder (v1's rules, in arrival order)", () => {
  it('places in arrival order until the stock runs out, then refuses SOLD_OUT', () => {
    const plan = decide({ ...live, availableStock: 3 }, ['a', 'b', 'c', 'd', 'e'].map((user) => buy(user)));
    expect(kinds(plan)).toEqual(['place', 'place', 'place', 'SOLD_OUT', 'SOLD_OUT']);
    expect(plan.units).toBe(3);
  });

  it('a purchase that does not fit leaves the units to a smaller one after it', () => {
    const plan = decide({ ...live, availableStock: 1, maxPerUser: 5 }, [buy('a', 2), buy('b', 1)]);
    expect(kinds(plan)).toEqual(['SOLD_OUT', 'place']);
  });

  it('counts the same user twice in one batch against maxPerUser, on top of what they hold', () => {
    const plan = decide(live, [buy('a'), buy('a'), buy('a'), buy('b'), buy('b')], { b: 1 });
    expect(kinds(plan)).toEqual(['place', 'place', 'LIMIT_EXCEEDED', 'place', 'LIMIT_EXCEEDED']);
    expect(plan.unitsByUser).toEqual(new Map([['a', 2], ['b', 1]]));
  });

  it('judges the sale in the same order as purchase.sql: switched off, not started, ended, quantity, stock, quota', () => {
    const everyone = [buy('a', 3), buy('b', 1)];
    expect(kinds(decide({ ...live, isActive: false, ended: true }, everyone))).toEqual(['SALE_INACTIVE', 'SALE_INACTIVE']);
    expect(kinds(decide({ ...live, notStarted: true }, everyone))).toEqual(['SALE_NOT_STARTED', 'SALE_NOT_STARTED']);
    expect(kinds(decide({ ...live, ended: true }, everyone))).toEqual(['SALE_ENDED', 'SALE_ENDED']);
    // A quantity above maxPerUser is LIMIT_EXCEEDED even when the stock could not cover it either.
    expect(kinds(decide({ ...live, availableStock: 0 }, everyone))).toEqual(['LIMIT_EXCEEDED', 'SOLD_OUT']);
    expect(kinds(decide({ ...live, availableStock: 0 }, [buy('c')], { c: 2 }))).toEqual(['SOLD_OUT']);
  });

  it('the same key twice in one batch buys once: the second is a repeat of the first', () => {
    const plan = decide(live, [buy('a', 1, 'k'), buy('a', 1, 'k'), buy('a', 2, 'k'), buy('b', 1, 'k')]);
    expect(plan.verdicts).toEqual([
      { kind: 'place' },
      { kind: 'replay-in-batch', index: 0 },
      { kind: 'key-reused' },
      { kind: 'place' }, // keys belong to a user
    ]);
  });

  it('a key that bought before is a repeat whatever the stock; for another purchase it is IDEMPOTENCY_KEY_REUSED', () => {
    const keyed = new Map([[keyOf('a', 'k'), { orderId: 'o1', eventId: 'sale', quantity: 1 }]]);
    const plan = decide({ ...live, availableStock: 0, isActive: false }, [buy('a', 1, 'k'), buy('a', 2, 'k')], {}, keyed);
    expect(plan.verdicts).toEqual([{ kind: 'replay', orderId: 'o1' }, { kind: 'key-reused' }]);
    const elsewhere = new Map([[keyOf('a', 'k'), { orderId: 'o2', eventId: 'another sale', quantity: 1 }]]);
    expect(decide(live, [buy('a', 1, 'k')], {}, elsewhere).verdicts).toEqual([{ kind: 'key-reused' }]);
  });

  it('a refused purchase is not remembered: a later one with its key is judged on its own', () => {
    const plan = decide({ ...live, availableStock: 1, maxPerUser: 5 }, [buy('a', 2, 'k'), buy('a', 1, 'k')]);
    expect(kinds(plan)).toEqual(['SOLD_OUT', 'place']);
  });
});
