/**
 * Groups concurrent calls into one `flush` of many items: while a flush runs, new items wait
 * and go together into the next one. Under load batches grow by themselves; when idle an item
 * is flushed on the next tick, so batching adds no fixed delay.
 */
export interface Batcher<I, O> {
  submit(item: I): Promise<O>;
  /** Resolves when every submitted item has been flushed. */
  drain(): Promise<void>;
}

export interface BatcherOptions<I, O> {
  /** Most items in one flush, or most total weight when `weigh` is given (a lone heavier item still goes alone). */
  maxSize: number;
  /** How much of `maxSize` an item takes (default 1): v2's worker counts purchases, not jobs. */
  weigh?(item: I): number;
  /** Flushes running at once; more overlap I/O, fewer make bigger batches. */
  concurrency?: number;
  /** Returns one result per item, in order; a rejection fails every item of the batch. */
  flush(items: I[]): Promise<O[]>;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(error: unknown): void;
}

export function createBatcher<I, O>(options: BatcherOptions<I, O>): Batcher<I, O> {
  const concurrency = options.concurrency ?? 1;
  const weigh = options.weigh ?? (() => 1);
  let waiting: Waiting<I, O>[] = [];
  let running = 0;
  let scheduled = false;
  let idle: (() => void)[] = [];

  const schedule = () => {
    if (scheduled || running >= concurrency || waiting.length === 0) return;
    scheduled = true;
    setImmediate(flushNext);
  };

  const settleIdle = () => {
    if (running > 0 || waiting.length > 0) return;
    const callbacks = idle;
    idle = [];
    for (const callback of callbacks) callback();
  };

  async function flushNext(): Promise<void> {
    scheduled = false;
    let count = 0;
    for (let weight = 0; count < waiting.length; count += 1) {
      weight += weigh(waiting[count]!.item);
      if (weight > options.maxSize && count > 0) break;
    }
    const batch = waiting.slice(0, count);
    waiting = waiting.slice(count);
    running += 1;
    schedule();
    try {
      const results = await options.flush(batch.map((entry) => entry.item));
      batch.forEach((entry, index) => entry.resolve(results[index] as O));
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    } finally {
      running -= 1;
      schedule();
      settleIdle();
    }
  }

  return {
    submit: (item) =>
      new Promise<O>((resolve, reject) => {
        waiting.push({ item, resolve, reject });
        schedule();
      }),
    drain: () =>
      new Promise<void>((resolve) => {
        idle.push(resolve);
        settleIdle();
      }),
  };
}
