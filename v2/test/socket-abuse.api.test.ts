import { randomUUID } from 'node:crypto';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { createSale, createUser, type TestSale, type TestUser } from '../../shared/test/factories';
import { eventually } from '../../shared/test/support/eventually';
import { call } from '../../shared/test/support/http';
import { startV2Stack, type V2Stack } from './support/v2-stack';

// Behind one trusted proxy (as behind nginx), so each client can be a different address.
// The well-behaved viewer probes back to back (two messages a probe: over the default 20/s on a
// quiet machine, where it was cut off as a flooder); the flooder sends thousands a second.
const env = { SOCKET_EMITS_PER_SECOND: '1000', TRUST_PROXY_HOPS: '1', SOCKET_MAX_CONNECTIONS_PER_ADDRESS: '3', SOCKET_MAX_SUBSCRIPTIONS: '2', SOCKET_FLOOD_COOLDOWN_MS: '60000' };
/** How long a freed connection place may take to be reusable (polled, not slept). */
const LIVENESS_MS = 10_000;

let stack: V2Stack;
let sale: TestSale;
let buyer: TestUser;
const opened: Socket[] = [];

beforeAll(async () => {
  stack = await startV2Stack({ env });
  sale = await createSale(stack.deps, { units: 10 });
  buyer = await createUser(stack.deps);
});
afterAll(async () => {
  for (const socket of opened) socket.disconnect();
  await stack.close();
});

/** A client that nginx would have forwarded from `address`; resolves connected, or rejects with the refusal. */
function connectFrom(address: string): Promise<Socket> {
  const socket = connectSocket(`${stack.url}/flashsale`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { 'x-forwarded-for': address },
  });
  opened.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => reject(error));
  });
}

/** Why the handshake of a client from `address` is refused (the engine's 403 body), or 'accepted'. */
async function handshakeFrom(address: string): Promise<string> {
  const response = await fetch(`${stack.url}/socket.io/?EIO=4&transport=polling`, { headers: { 'x-forwarded-for': address } });
  const text = await response.text();
  return response.status === 403 ? (JSON.parse(text) as { message: string }).message : `accepted (${response.status})`;
}

describe('v2 Socket.io abuse is contained', () => {
  it('a client flooding `subscribe` is disconnected; meanwhile every HTTP request and other socket subscription succeeds', async () => {
    const viewer = await connectFrom('198.51.100.1');
    const failures: string[] = [];
    // A request that never answers fails the test by Jest's timeout: no time bound of our own.
    const probe = async (phase: 'before' | 'during') => {
      const [saleRead, orders] = await Promise.all([
        call(stack.url, 'GET', `/api/flashsale-events/${sale.id}`),
        call(stack.url, 'GET', '/api/orders', { token: buyer.token }),
      ]);
      for (const response of [saleRead, orders]) if (response.status !== 200) failures.push(`${phase}: HTTP ${response.status}`);
      const ack = (await viewer.emitWithAck('subscribe', { eventId: sale.id })) as { ok: boolean };
      if (!ack.ok) failures.push(`${phase}: subscribe ${JSON.stringify(ack)}`);
      await viewer.emitWithAck('unsubscribe', { eventId: sale.id });
    };
    for (let i = 0; i < 20; i += 1) await probe('before');
    const memoryBefore = process.memoryUsage().rss;

    const flooder = await connectFrom('203.0.113.66');
    let disconnectedFor: string | undefined;
    flooder.on('disconnect', (reason) => (disconnectedFor = reason));
    // Far more messages than the emit budget allows, until the server cuts the flooder off (or,
    // if it never does, until the client has sent a million: the assertion below then says so).
    let sent = 0;
    const flood = (async () => {
      while (disconnectedFor === undefined && sent < 1_000_000) {
        for (let i = 0; i < 200; i += 1) flooder.emit('subscribe', { eventId: randomUUID() });
        sent += 200;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    // Probes run while the flood runs, and a little after it ended.
    let floodOver = false;
    void flood.then(() => (floodOver = true));
    const probing = (async () => {
      let during = 0;
      while (!floodOver || during < 20) {
        await probe('during');
        during += 1;
      }
    })();
    await Promise.all([flood, probing]);
    const memoryAfter = process.memoryUsage().rss;

    expect(disconnectedFor).toBe('io server disconnect');
    expect(failures).toEqual([]);
    // Generous: the unguarded server grew ~230 MB under one such client.
    expect(memoryAfter - memoryBefore).toBeLessThan(150 * 2 ** 20);

    // The flooding address is turned away for the cool-down; others still connect.
    await expect(connectFrom('203.0.113.66')).rejects.toThrow();
    expect(await handshakeFrom('203.0.113.66')).toBe('FLOODING');
    await connectFrom('198.51.100.2');
  });

  it('caps connections per client address (as X-Forwarded-For names it through the trusted proxy), and frees the place on disconnect', async () => {
    const first = await connectFrom('192.0.2.10');
    await connectFrom('192.0.2.10');
    await connectFrom('6.6.6.6, 192.0.2.10'); // a forged left part changes nothing
    await expect(connectFrom('192.0.2.10')).rejects.toThrow();
    expect(await handshakeFrom('192.0.2.10')).toBe('TOO_MANY_CONNECTIONS');
    await connectFrom('192.0.2.11');

    first.disconnect();
    await eventually(
      () => connectFrom('192.0.2.10').then(() => true, () => false),
      (connected) => connected,
      LIVENESS_MS,
    );
  });

  it('caps the sales one connection follows, also when it asks for many at once', async () => {
    const sales = await Promise.all([1, 2, 3, 4, 5].map(() => createSale(stack.deps, { units: 1 })));
    const socket = await connectFrom('192.0.2.20');

    const acks = (await Promise.all(sales.map((s) => socket.emitWithAck('subscribe', { eventId: s.id })))) as Array<{ ok: boolean; error?: { code: string } }>;
    expect(acks.filter((ack) => ack.ok)).toHaveLength(2);
    expect(acks.filter((ack) => !ack.ok).map((ack) => ack.error?.code)).toEqual(['TOO_MANY_SUBSCRIPTIONS', 'TOO_MANY_SUBSCRIPTIONS', 'TOO_MANY_SUBSCRIPTIONS']);

    const followed = sales.filter((_, i) => acks[i]!.ok);
    await socket.emitWithAck('unsubscribe', { eventId: followed[0]!.id });
    const refused = sales.find((_, i) => !acks[i]!.ok)!;
    expect(await socket.emitWithAck('subscribe', { eventId: refused.id })).toMatchObject({ ok: true });
    // Subscribing again to a sale it follows is no new subscription.
    expect(await socket.emitWithAck('subscribe', { eventId: followed[1]!.id })).toMatchObject({ ok: true });
  });
});
