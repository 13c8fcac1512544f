import { createSale, createUser } from '../shared/test/factories';
import { eventually } from '../shared/test/support/eventually';
import { purchase } from '../shared/test/support/purchases';
import { nextMessage, socketClients, transportOf } from './support/sockets';
import { accessLog, CLUSTER_START_TIMEOUT, startTestCluster, type TestCluster } from './support/test-cluster';
import { trustInThisFile } from './support/trust';

// What a browser or a client meets through the HTTPS edge: the security headers on every kind of
// answer, and Socket.io over TLS (wss://, and long-polling over HTTPS) with its pushes.
let test: TestCluster;
const clients = socketClients();

beforeAll(async () => {
  test = await startTestCluster({ v1: 1, v2: 1, workers: 1, tls: true });
}, CLUSTER_START_TIMEOUT);
afterAll(async () => {
  clients.closeAll();
  await test?.stop();
}, 60_000);
trustInThisFile(() => test?.ca);

describe('security headers on every answer through the edge', () => {
  const COMMON = {
    'strict-transport-security': 'max-age=31536000',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
  const API_POLICY = "default-src 'none'; frame-ancestors 'none'";

  it.each([
    { what: 'a v1 answer', path: '/products', status: 200, policy: API_POLICY },
    { what: 'a v2 answer', path: '/api/products', status: 200, policy: API_POLICY },
    { what: "an app's error", path: '/api/flashsale-events/not-a-uuid', status: 400, policy: API_POLICY },
    { what: "nginx's own error", path: '/metrics', status: 404, policy: API_POLICY },
    { what: 'a Socket.io long-polling handshake', path: '/socket.io/?EIO=4&transport=polling', status: 200, policy: API_POLICY },
    { what: 'the shop page (its own policy)', path: '/', status: 200, policy: expect.stringMatching(/^default-src 'none'; script-src 'self'.*frame-ancestors 'none'$/) },
  ])('$what: $status with HSTS, nosniff, no referrer, no framing, a CSP, and no server version', async ({ path, status, policy }) => {
    const response = await fetch(`${test.baseUrl}${path}`);
    await response.arrayBuffer();
    const headers = Object.fromEntries(response.headers);

    expect(response.status).toBe(status);
    expect(headers).toMatchObject({ ...COMMON, 'content-security-policy': policy, server: 'nginx' });
    expect(headers['x-powered-by']).toBeUndefined();
  });
});

describe('Socket.io over TLS', () => {
  it('a WebSocket client on wss:// receives the stock and its own purchase result, pushed by the worker', async () => {
    const sale = await createSale(test.deps, { units: 4 });
    const buyer = await createUser(test.deps);
    const socket = await clients.connect(test.baseUrl, { token: buyer.token, transport: 'websocket', ca: test.ca });
    expect(transportOf(socket)).toBe('websocket');
    expect(await socket.emitWithAck('subscribe', { eventId: sale.id })).toMatchObject({ ok: true });
    const stock = nextMessage(socket, 'stock', (message: { eventId: string; soldQuantity: number }) => message.eventId === sale.id && message.soldQuantity >= 1);
    const result = nextMessage<{ requestId: string; status: string }>(socket, 'purchase');

    const accepted = await purchase(test.baseUrl, sale.id, buyer.token);

    expect(accepted.status).toBe(202);
    expect(await result).toMatchObject({ requestId: accepted.body.requestId, status: 'confirmed', order: { quantity: 1 } });
    expect(await stock).toEqual({ eventId: sale.id, availableStock: 3, soldQuantity: 1, status: 'live' });
    // nginx logs a WebSocket when it closes: it was an upgrade (101) on the TLS listener.
    socket.disconnect();
    const webSocketLine = async () => accessLog(test).find((line) => line.uri.startsWith('/socket.io/') && line.uri.includes('transport=websocket'));
    const { value: logged } = await eventually(webSocketLine, (line) => line !== undefined, 10_000);
    expect(logged).toMatchObject({ scheme: 'https', status: 101 });
  });

  it('a client held to long-polling over HTTPS (the fallback) gets the same pushes', async () => {
    const sale = await createSale(test.deps, { units: 2 });
    const buyer = await createUser(test.deps);
    const socket = await clients.connect(test.baseUrl, { token: buyer.token, transport: 'polling', ca: test.ca });
    expect(transportOf(socket)).toBe('polling');
    await socket.emitWithAck('subscribe', { eventId: sale.id });
    const stock = nextMessage(socket, 'stock', (message: { eventId: string; soldQuantity: number }) => message.eventId === sale.id && message.soldQuantity >= 1);
    const result = nextMessage<{ requestId: string; status: string }>(socket, 'purchase');

    const accepted = await purchase(test.baseUrl, sale.id, buyer.token);

    expect(await result).toMatchObject({ requestId: accepted.body.requestId, status: 'confirmed' });
    expect(await stock).toMatchObject({ availableStock: 1, soldQuantity: 1 });
  });
});
