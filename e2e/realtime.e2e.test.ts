import { createSale, createUser, type TestUser } from '../shared/test/factories';
import type { StockUpdate } from '../v2/src/realtime/rooms';
import { call } from '../shared/test/support/http';
import { purchase } from '../shared/test/support/purchases';
import { nextMessage, socketClients, transportOf } from './support/sockets';
import { accessLog, CLUSTER_START_TIMEOUT, instances, startTestCluster, type TestCluster } from './support/test-cluster';

let test: TestCluster;
let admin: TestUser;
const clients = socketClients();

beforeAll(async () => {
  test = await startTestCluster({ v1: 1, v2: 2, workers: 1 });
  admin = await createUser(test.deps, 'admin');
}, CLUSTER_START_TIMEOUT);
afterAll(async () => {
  clients.closeAll();
  await test?.stop();
}, 60_000);

const soldAtLeast = (eventId: string, units: number) => (message: StockUpdate) =>
  message.eventId === eventId && message.soldQuantity >= units;

describe('Socket.io through nginx', () => {
  it('a WebSocket client connects through nginx (Upgrade passed on), subscribes and sees the stock change', async () => {
    const sale = await createSale(test.deps, { units: 5 });
    const buyer = await createUser(test.deps);
    const socket = await clients.connect(test.baseUrl, { transport: 'websocket' });

    expect(transportOf(socket)).toBe('websocket');
    expect(await socket.emitWithAck('subscribe', { eventId: sale.id })).toMatchObject({ ok: true, event: { id: sale.id, availableStock: 5 } });
    const update = nextMessage(socket, 'stock', soldAtLeast(sale.id, 1));
    expect((await purchase(test.baseUrl, sale.id, buyer.token)).status).toBe(202);

    expect(await update).toEqual({ eventId: sale.id, availableStock: 4, soldQuantity: 1, status: 'live' });
  });

  it('long-polling clients from 20 addresses keep each session on one instance, and both instances serve some', async () => {
    const sale = await createSale(test.deps, { units: 5 });
    const buyer = await createUser(test.deps);
    const addresses = Array.from({ length: 20 }, (_, i) => `127.0.0.${10 + i}`);
    const sockets = await Promise.all(addresses.map((localAddress) => clients.connect(test.baseUrl, { transport: 'polling', localAddress })));

    // Each ack and each pushed update is a further round trip of the same polling session.
    for (const socket of sockets) {
      expect(transportOf(socket)).toBe('polling');
      expect(await socket.emitWithAck('subscribe', { eventId: sale.id })).toMatchObject({ ok: true });
    }
    const updates = sockets.map((socket) => nextMessage(socket, 'stock', soldAtLeast(sale.id, 1)));
    expect((await purchase(test.baseUrl, sale.id, buyer.token)).status).toBe(202);
    for (const update of await Promise.all(updates)) expect(update).toMatchObject({ availableStock: 4, soldQuantity: 1 });

    const polling = accessLog(test).filter((entry) => entry.uri.startsWith('/socket.io/') && addresses.includes(entry.client));
    const upstreamsByClient = new Map<string, Set<string>>();
    for (const entry of polling) upstreamsByClient.set(entry.client, (upstreamsByClient.get(entry.client) ?? new Set()).add(entry.upstream));
    expect(polling.every((entry) => entry.status === 200)).toBe(true);
    expect([...upstreamsByClient.values()].map((upstreams) => upstreams.size)).toEqual(addresses.map(() => 1));
    const v2Addresses = instances(test, 'v2').map((proc) => `127.0.0.1:${proc.port}`);
    expect(new Set(polling.map((entry) => entry.upstream))).toEqual(new Set(v2Addresses));
  });
});

describe('across v2 instances (the Redis adapter)', () => {
  it('a purchase accepted by instance A reaches its buyer on instance B, and stock reaches subscribers everywhere', async () => {
    const [a, b] = instances(test, 'v2');
    const sale = await createSale(test.deps, { units: 3 });
    const buyer = await createUser(test.deps);
    const buyerOnB = await clients.connect(b!.url, { token: buyer.token, transport: 'websocket' });
    const watcherOnB = await clients.connect(b!.url, { transport: 'websocket' });
    const watcherViaNginx = await clients.connect(test.baseUrl, { transport: 'polling' });
    for (const watcher of [watcherOnB, watcherViaNginx]) await watcher.emitWithAck('subscribe', { eventId: sale.id });
    const result = nextMessage<{ requestId: string; status: string; order?: { quantity: number } }>(buyerOnB, 'purchase');
    const stockSeen = [watcherOnB, watcherViaNginx].map((watcher) => nextMessage(watcher, 'stock', soldAtLeast(sale.id, 1)));

    const accepted = await purchase(a!.url, sale.id, buyer.token);

    expect(accepted.status).toBe(202);
    expect(await result).toMatchObject({ requestId: accepted.body.requestId, status: 'confirmed', order: { quantity: 1 } });
    for (const update of await Promise.all(stockSeen)) expect(update).toEqual({ eventId: sale.id, availableStock: 2, soldQuantity: 1, status: 'live' });
  });

  it('an announcement posted through nginx reaches listeners on every instance', async () => {
    const listeners = await Promise.all(instances(test, 'v2').map((proc) => clients.connect(proc.url, { namespace: '/announcements', transport: 'websocket' })));
    const received = listeners.map((listener) => nextMessage<{ message: string }>(listener, 'announcement'));

    const created = await call(test.baseUrl, 'POST', '/api/announcements', { token: admin.token, body: { message: 'Doors open', level: 'info' } });

    expect(created.status).toBe(201);
    for (const announcement of await Promise.all(received)) expect(announcement).toMatchObject({ message: 'Doors open', level: 'info' });
  });
});
