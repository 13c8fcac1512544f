import { createBatcher, type Batcher } from '../platform/batcher';

export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface Combiner<I, O> {
  submit(item: I): Promise<O>;
  /** Resolves when everything submitted has been decided. */
  drain(): Promise<void>;
}

export interface CombinerOptions<I, O> {
  /** Largest batch; whatever arrived beyond it waits for the next one. */
  maxBatch: number;
  /** Items with the same key are decided one batch at a time, in arrival order (v1: the sale). */
  keyOf(item: I): string;
  /** One result per item, in order; a rejection fails the whole batch. */
  decide(items: I[]): Promise<Settled<O>[]>;
}

interface Lane<I, O> {
  batcher: Batcher<I, Settled<O>>;
  pending: number;
}

/**
 * Merged deduction's combiner: items of one key that arrive while that key's batch is being
 * decided wait, and the next batch takes all of them (up to `maxBatch`). No timer: a lone item is
 * decided at once (on the next turn of the event loop, with whatever arrived in the same turn),
 * and under load batches grow by themselves. Different keys never wait for each other.
 */
export function createCombiner<I, O>(options: CombinerOptions<I, O>): Combiner<I, O> {
  const lanes = new Map<string, Lane<I, O>>();

  const laneOf = (key: string): Lane<I, O> => {
    let lane = lanes.get(key);
    if (!lane) {
      lane = { batcher: createBatcher({ maxSize: options.maxBatch, concurrency: 1, flush: options.decide }), pending: 0 };
      lanes.set(key, lane);
    }
    return lane;
  };

  return {
    submit: async (item) => {
      const key = options.keyOf(item);
      const lane = laneOf(key);
      lane.pending += 1;
      let settled: Settled<O>;
      try {
        settled = await lane.batcher.submit(item);
      } finally {
        // An idle key holds nothing: a sale that sold out long ago leaves no trace.
        lane.pending -= 1;
        if (lane.pending === 0 && lanes.get(key) === lane) lanes.delete(key);
      }
      if (settled.ok) return settled.value;
      throw settled.error;
    },
    drain: async () => {
      await Promise.all([...lanes.values()].map((lane) => lane.batcher.drain()));
    },
  };
}
