import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server } from 'socket.io';
import { createAdapterConnections } from '../src/realtime/adapter-connections';
import { ANNOUNCEMENTS_NAMESPACE, FLASHSALE_NAMESPACE } from '../src/realtime/rooms';
import { testRedisUrl } from '../../shared/test/support/test-services';

describe("Socket.io's Redis adapter connections", () => {
  it('when the API stops (io.close, then its connections quit at once), every unsubscribe the adapter sent is answered, none rejected', async () => {
    const adapter = createAdapterConnections({ REDIS_URL: testRedisUrl() }, 'test');
    // The adapter never awaits its unsubscribes: keep them, to see how each one ended.
    const unsubscribes: Promise<unknown>[] = [];
    for (const name of ['punsubscribe', 'unsubscribe'] as const) {
      const original = adapter.sub[name].bind(adapter.sub) as (...args: unknown[]) => Promise<unknown>;
      Object.assign(adapter.sub, { [name]: (...args: unknown[]) => unsubscribes[unsubscribes.push(original(...args)) - 1] });
    }
    const io = new Server(createServer(), { adapter: createAdapter(adapter.pub, adapter.sub, { key: `test:${randomUUID().slice(0, 8)}:socket.io` }) });
    io.of(FLASHSALE_NAMESPACE);
    io.of(ANNOUNCEMENTS_NAMESPACE);
    await adapter.sub.ping();

    await new Promise<void>((resolve) => io.close(() => resolve()));
    await adapter.close();

    // Three namespaces ('/' too), each one PUNSUBSCRIBE and one UNSUBSCRIBE.
    const settled = await Promise.allSettled(unsubscribes);
    expect(settled.map((result) => result.status)).toEqual(Array(6).fill('fulfilled'));
  });
});
