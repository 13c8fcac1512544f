import { createCombiner, type Settled } from './purchase-combiner';

interface Item {
  sale: string;
  n: number;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const ok = <T>(value: T): Settled<T> => ({ ok: true, value });

/** A combiner whose batches are recorded and held until released, one by one. */
function heldCombiner(maxBatch = 100) {
  const batches: Item[][] = [];
  const releases: (() => void)[] = [];
  const combiner = createCombiner<Item, number>({
    maxBatch,
    keyOf: (item) => item.sale,
    decide: async (items) => {
      batches.push(items);
      await new Promise<void>((resolve) => releases.push(resolve));
      return items.map((item) => ok(item.n * 10));
    },
  });
  const releaseNext = async () => {
    while (releases.length === 0) await tick();
    releases.shift()!();
  };
  return { combiner, batches, releaseNext };
}

describe('createCombiner (merged deduction)', () => {
  it('decides a lone item at once, with no timer to wait for', async () => {
    const { combiner, batches, releaseNext } = heldCombiner();
    const answer = combiner.submit({ sale: 'a', n: 1 });
    await tick();
    expect(batches).toEqual([[{ sale: 'a', n: 1 }]]);
    await releaseNext();
    await expect(answer).resolves.toBe(10);
  });

  it('items that arrive while their key is being decided form the next batch, in arrival order', async () => {
    const { combiner, batches, releaseNext } = heldCombiner();
    const first = combiner.submit({ sale: 'a', n: 1 });
    await tick();
    const rest = [2, 3, 4, 5].map((n) => combiner.submit({ sale: 'a', n }));
    await tick();
    expect(batches).toHaveLength(1);

    await releaseNext();
    await releaseNext();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40, 50]);
    expect(batches.map((batch) => batch.map((item) => item.n))).toEqual([[1], [2, 3, 4, 5]]);
  });

  it('never puts more than the maximum in a batch; the rest go, in order, into the batches after', async () => {
    const { combiner, batches, releaseNext } = heldCombiner(3);
    const first = combiner.submit({ sale: 'a', n: 0 });
    await tick();
    const rest = Array.from({ length: 8 }, (_, i) => combiner.submit({ sale: 'a', n: i + 1 }));
    for (let i = 0; i < 4; i += 1) await releaseNext();
    await Promise.all([first, ...rest]);
    expect(batches.map((batch) => batch.map((item) => item.n))).toEqual([[0], [1, 2, 3], [4, 5, 6], [7, 8]]);
  });

  it('keys never wait for each other: a held sale does not delay another', async () => {
    const { combiner, batches, releaseNext } = heldCombiner();
    void combiner.submit({ sale: 'a', n: 1 });
    await tick();
    const b = combiner.submit({ sale: 'b', n: 2 });
    await tick();
    expect(batches).toEqual([[{ sale: 'a', n: 1 }], [{ sale: 'b', n: 2 }]]);
    releaseNext(); // a's batch
    await releaseNext(); // b's batch
    await expect(b).resolves.toBe(20);
  });

  it("an item's own error fails only that item", async () => {
    const combiner = createCombiner<Item, number>({
      maxBatch: 10,
      keyOf: (item) => item.sale,
      decide: async (items) => items.map((item) => (item.n === 2 ? { ok: false, error: new Error('two is refused') } : ok(item.n))),
    });
    const answers = await Promise.allSettled([1, 2, 3].map((n) => combiner.submit({ sale: 'a', n })));
    expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((answers[1] as PromiseRejectedResult).reason).toEqual(new Error('two is refused'));
  });

  it("a batch that fails as a whole fails only its own items; the key's next batch is decided", async () => {
    let calls = 0;
    const combiner = createCombiner<Item, number>({
      maxBatch: 10,
      keyOf: (item) => item.sale,
      decide: async (items) => {
        calls += 1;
        if (calls === 1) throw new Error('database down');
        return items.map((item) => ok(item.n));
      },
    });
    const failed = await Promise.allSettled([combiner.submit({ sale: 'a', n: 1 }), combiner.submit({ sale: 'a', n: 2 })]);
    expect(failed.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
    await expect(combiner.submit({ sale: 'a', n: 3 })).resolves.toBe(3);
  });

  it('drain resolves once everything submitted has been decided', async () => {
    const decided: number[] = [];
    const combiner = createCombiner<Item, number>({
      maxBatch: 2,
      keyOf: (item) => item.sale,
      decide: async (items) => {
        decided.push(...items.map((item) => item.n));
        return items.map((item) => ok(item.n));
      },
    });
    for (const n of [1, 2, 3]) void combiner.submit({ sale: n === 2 ? 'b' : 'a', n });
    await combiner.drain();
    expect(decided.sort()).toEqual([1, 2, 3]);
  });
});
