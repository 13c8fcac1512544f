import { listen, type Deps, type RunningServer } from '@flashfast/shared';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { createApp } from '../../src/app';
import { createAdapterConnections } from '../../src/realtime/adapter-connections';
import { ioBroadcaster } from '../../src/realtime/io-broadcaster';
import { createSocketServer } from '../../src/realtime/socket-server';
import { createApiServices, type ApiServices } from '../../src/services';
import { startPurchaseWorker, type PurchaseWorker } from '../../src/workers/purchase-worker';
import { closeTestDeps, createTestDeps } from '../../../shared/test/support/test-deps';
import { testRedisUrl } from '../../../shared/test/support/test-services';

export interface V2Stack {
  deps: Deps;
  services: ApiServices;
  url: string;
  server: RunningServer;
  worker?: PurchaseWorker;
  startWorker(): PurchaseWorker;
  /** A Socket.io client on /flashsale (or another namespace), connected before it resolves. */
  socket(options?: { token?: string; namespace?: string }): Promise<Socket>;
  close(): Promise<void>;
}

/**
 * The v2 API (HTTP + Socket.io with the Redis adapter) on an ephemeral port, and optionally
 * an in-process worker, on the machine's real PostgreSQL and Redis. `redisDb` gives a test
 * its own Redis database, for tests that flush it.
 */
export async function startV2Stack(options: { worker?: boolean; redisDb?: number; env?: Record<string, string> } = {}): Promise<V2Stack> {
  const deps = await createTestDeps({
    ...(options.redisDb === undefined ? {} : { REDIS_URL: testRedisUrl(options.redisDb) }),
    WORKER_LOCK_MS: '5000',
    RECONCILE_INTERVAL_MS: '500',
    RECONCILE_MIN_AGE_MS: '1000',
    PURCHASE_BACKOFF_MS: '50',
    ...options.env,
  });
  const services = createApiServices(deps);
  const adapter = createAdapterConnections(deps.config, 'test');
  const realtime: { io?: ReturnType<typeof createSocketServer> } = {};
  const server = await listen(createApp(deps, services, ioBroadcaster(() => realtime.io)), 0, '127.0.0.1');
  const ioServer = (realtime.io = createSocketServer(deps, server.server, adapter.pub, adapter.sub));
  const url = `http://127.0.0.1:${server.port}`;
  const sockets: Socket[] = [];

  const stack: V2Stack = {
    deps,
    services,
    url,
    server,
    startWorker: () => (stack.worker = startPurchaseWorker(deps)),
    socket: ({ token, namespace = '/flashsale' } = {}) =>
      new Promise<Socket>((resolve, reject) => {
        const socket = connectSocket(`${url}${namespace}`, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false });
        sockets.push(socket);
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
      }),
    close: async () => {
      for (const socket of sockets) socket.disconnect();
      await stack.worker?.close();
      await new Promise<void>((resolve) => ioServer.close(() => resolve()));
      await server.close(500);
      await services.close();
      await adapter.close();
      await closeTestDeps(deps);
    },
  };
  if (options.worker) stack.startWorker();
  return stack;
}
