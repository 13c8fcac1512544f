import type { Redis } from '@flashfast/shared';
import { StockPublisher } from './stock-publisher';

describe('StockPublisher after flush (shutdown)', () => {
  it('a tick still waiting on Redis when flush() runs schedules no new one, so nothing touches Redis after the stop', async () => {
    let releaseGate: (value: string | null) => void = () => undefined;
    const calls: string[] = [];
    const redis = {
      set: (key: string) => {
        calls.push(key);
        return new Promise<string | null>((resolve) => (releaseGate = resolve));
      },
    } as unknown as Redis;
    const publisher = new StockPublisher({ redis, keyPrefix: 't:', intervalMs: 20, read: async () => undefined, emit: () => undefined });

    publisher.changed('sale-1');
    await new Promise((resolve) => setTimeout(resolve, 10)); // the tick is now waiting on the gate
    await publisher.flush();
    releaseGate(null); // gate closed: before the fix, the tick rescheduled itself for ever
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(calls).toHaveLength(1);
  });
});
