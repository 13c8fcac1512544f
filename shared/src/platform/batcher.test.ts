import { createBatcher } from './batcher';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createBatcher', () => {
  it('when many items arrive while a flush runs, they are flushed together next', async () => {
    const flushed: number[][] = [];
    let release: () => void = () => undefined;
    const batcher = createBatcher<number, number>({
      maxSize: 100,
      flush: async (items) => {
        flushed.push(items);
        if (flushed.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return items.map((item) => item * 2);
      },
    });

    const first = batcher.submit(1);
    await tick();
    const rest = [2, 3, 4].map((item) => batcher.submit(item));
    release();

    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8]);
    expect(flushed).toEqual([[1], [2, 3, 4]]);
  });

  it('when a flush fails, every item of that batch is rejected and later batches still run', async () => {
    let calls = 0;
    const batcher = createBatcher<number, number>({
      maxSize: 10,
      flush: async (items) => {
        calls += 1;
        if (calls === 1) throw new Error('database down');
        return items;
      },
    });

    const failed = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await expect(batcher.submit(3)).resolves.toBe(3);
  });

  it('never puts more than maxSize items in one flush', async () => {
    const sizes: number[] = [];
    const batcher = createBatcher<number, number>({
      maxSize: 3,
      flush: async (items) => {
        sizes.push(items.length);
        return items;
      },
    });
    await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.submit(i)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('with weigh, a flush holds at most maxSize in weight, and a lone heavier item still goes', async () => {
    const flushed: number[][] = [];
    const batcher = createBatcher<number, number>({
      maxSize: 10,
      weigh: (item) => item,
      flush: async (items) => {
        flushed.push(items);
        return items;
      },
    });
    await Promise.all([4, 5, 3, 12, 1].map((item) => batcher.submit(item)));
    expect(flushed).toEqual([[4, 5], [3], [12], [1]]);
  });

  it('drain resolves once everything submitted has been flushed', async () => {
    const done: number[] = [];
    const batcher = createBatcher<number, void>({
      maxSize: 2,
      flush: async (items) => {
        done.push(...items);
        return items.map(() => undefined);
      },
    });
    void batcher.submit(1);
    void batcher.submit(2);
    void batcher.submit(3);
    await batcher.drain();
    expect(done).toEqual([1, 2, 3]);
  });
});
