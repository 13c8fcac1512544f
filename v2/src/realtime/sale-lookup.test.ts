import type { FlashSaleEvent } from '@flashfast/shared';
import { EmitBudget } from './emit-budget';
import { SaleLookup } from './sale-lookup';

const sale = (id: string) => ({ id }) as FlashSaleEvent;

describe('SaleLookup', () => {
  it('asks the database once per sale per TTL however many subscribe at once, and never more than `concurrency` at a time', async () => {
    let running = 0;
    let peak = 0;
    const asked: string[] = [];
    const lookup = new SaleLookup({
      find: async (id) => {
        asked.push(id);
        peak = Math.max(peak, (running += 1));
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        return id === 'missing' ? undefined : sale(id);
      },
      ttlMs: 60_000,
      concurrency: 2,
      maxWaiting: 100,
      maxEntries: 100,
    });
    const ids = ['a', 'b', 'c', 'd', 'missing'];
    const answers = await Promise.all([...ids, ...ids, ...ids].map((id) => lookup.find(id)));
    expect(answers.map((answer) => answer?.id)).toEqual([...ids, ...ids, ...ids].map((id) => (id === 'missing' ? undefined : id)));
    expect(asked.sort()).toEqual([...ids].sort());
    expect(peak).toBe(2);
  });

  it('answers UNAVAILABLE instead of queueing without bound, forgets failures, and keeps at most maxEntries', async () => {
    let fail = true;
    const lookup = new SaleLookup({
      find: async (id) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        if (fail) throw new Error('database down');
        return sale(id);
      },
      ttlMs: 60_000,
      concurrency: 1,
      maxWaiting: 1,
      maxEntries: 2,
    });
    const results = await Promise.allSettled(['a', 'b', 'c'].map((id) => lookup.find(id)));
    expect(results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'ok'))).toEqual([
      'database down',
      'database down',
      'too many subscriptions at once',
    ]);
    fail = false;
    expect((await lookup.find('a'))?.id).toBe('a');
  });
});

describe('EmitBudget', () => {
  it('allows a burst, then the refill rate, and refuses beyond', () => {
    const budget = new EmitBudget(10, 3, 0);
    expect([1, 2, 3, 4].map(() => budget.take(0))).toEqual([true, true, true, false]);
    expect(budget.take(50)).toBe(false);
    expect(budget.take(100)).toBe(true);
    expect(budget.take(10_000)).toBe(true);
    expect([1, 2, 3].map(() => budget.take(10_000))).toEqual([true, true, false]);
  });
});
