import { io as connectSocket } from 'socket.io-client';
import { createSale, createUser, type TestUser } from '../../shared/test/factories';
import { call } from '../../shared/test/support/http';
import { purchase } from '../../shared/test/support/purchases';
import { startV2Stack, type V2Stack } from './support/v2-stack';

let stack: V2Stack;
let admin: TestUser;

beforeAll(async () => {
  stack = await startV2Stack();
  admin = await createUser(stack.deps, 'admin');
});
afterAll(async () => {
  await stack.close();
});

const nextMessage = <T>(socket: { once(event: string, listener: (value: T) => void): unknown }, event: string) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} message`)), 5_000);
    socket.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });

describe('v2 Socket.io /flashsale', () => {
  it('acknowledges a subscription with the sale, and refuses bad or unknown ones in the ack', async () => {
    const sale = await createSale(stack.deps, { units: 7 });
    const socket = await stack.socket();

    expect(await socket.emitWithAck('subscribe', { eventId: sale.id })).toMatchObject({
      ok: true,
      event: { id: sale.id, availableStock: 7, status: 'live' },
    });
    expect(await socket.emitWithAck('subscribe', { eventId: 'nope' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } });
    expect(await socket.emitWithAck('subscribe', 'garbage')).toMatchObject({ ok: false, error: { code: 'VALIDATION_ERROR' } });
    expect(await socket.emitWithAck('subscribe', { eventId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await socket.emitWithAck('unsubscribe', { eventId: sale.id })).toEqual({ ok: true });
  });

  it('refuses a connection whose token is forged, and lets anonymous viewers in', async () => {
    const refused = connectSocket(`${stack.url}/flashsale`, { auth: { token: 'not.a.token' }, transports: ['websocket'], reconnection: false });
    const error = await nextMessage<Error>(refused, 'connect_error');
    expect(error.message).toBe('UNAUTHENTICATED');
    refused.disconnect();
    expect((await stack.socket()).connected).toBe(true);
  });

  it('when an admin switches a sale off, subscribers see status inactive and purchases are refused at once', async () => {
    const sale = await createSale(stack.deps, { units: 5 });
    const buyer = await createUser(stack.deps);
    const socket = await stack.socket();
    await socket.emitWithAck('subscribe', { eventId: sale.id });
    const update = nextMessage(socket, 'stock');

    const patched = await call(stack.url, 'PATCH', `/api/flashsale-events/${sale.id}`, { token: admin.token, body: { isActive: false } });

    expect(patched.status).toBe(200);
    expect(await update).toEqual({ eventId: sale.id, availableStock: 5, soldQuantity: 0, status: 'inactive' });
    const refused = await purchase(stack.url, sale.id, buyer.token);
    expect(refused.body.error?.code).toBe('SALE_INACTIVE');
  });

  it('a connection whose token is logged out is told session_ended and disconnected; the same buyer\'s other session stays', async () => {
    const buyer = await createUser(stack.deps);
    const login = await call<{ token: string }>(stack.url, 'POST', '/api/auth/login', { body: { email: buyer.email, password: buyer.password } });
    expect(login.status).toBe(200);
    const ending = await stack.socket({ token: buyer.token });
    const staying = await stack.socket({ token: login.body.token });
    const ended = nextMessage<{ error: { code: string } }>(ending, 'session_ended');
    const disconnected = nextMessage<string>(ending, 'disconnect');

    expect((await call(stack.url, 'POST', '/api/auth/logout', { token: buyer.token })).status).toBe(204);

    expect(await ended).toMatchObject({ error: { code: 'UNAUTHENTICATED' } });
    expect(await disconnected).toBe('io server disconnect');
    // Two more checks later, the other session is still connected.
    await new Promise((resolve) => setTimeout(resolve, 2 * stack.deps.config.AUTH_REFRESH_MS + 200));
    expect(staying.connected).toBe(true);
  });
});

describe('v2 announcements', () => {
  it('an admin announcement reaches every client on /announcements and is listed afterwards', async () => {
    const listener = await stack.socket({ namespace: '/announcements' });
    const received = nextMessage(listener, 'announcement');

    const created = await call(stack.url, 'POST', '/api/announcements', {
      token: admin.token,
      body: { message: 'Doors open in 5 minutes', level: 'warning' },
    });

    expect(created.status).toBe(201);
    const announcement = { id: expect.any(String), message: 'Doors open in 5 minutes', level: 'warning', createdAt: expect.any(String) };
    expect(created.body).toEqual({ announcement });
    expect(await received).toEqual(announcement);
    const listed = await call<{ items: unknown[] }>(stack.url, 'GET', '/api/announcements');
    expect(listed.body.items[0]).toEqual(announcement);
  });

  it('customers cannot announce, and bad announcements are refused with 400', async () => {
    const customer = await createUser(stack.deps);
    expect((await call(stack.url, 'POST', '/api/announcements', { token: customer.token, body: { message: 'hi' } })).status).toBe(403);
    for (const body of [{}, { message: '' }, { message: 'x'.repeat(1001) }, { message: 'hi', level: 'panic' }, { message: 'hi', extra: 1 }]) {
      expect((await call(stack.url, 'POST', '/api/announcements', { token: admin.token, body })).status).toBe(400);
    }
  });
});
