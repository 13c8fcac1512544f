import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import { errorBody, findSale, setSecurityHeaders, AppError, type Deps, type ErrorCode, type Redis } from '@flashfast/shared';
import { ConnectionGuard } from './connection-guard';
import { fanOutOutcomes } from './outcome-fanout';
import { ANNOUNCEMENTS_NAMESPACE, FLASHSALE_NAMESPACE, adapterKey, saleRoom, userRoom } from './rooms';
import { SaleLookup } from './sale-lookup';
import { checkSessions } from './session-check';

const subscription = z.strictObject({ eventId: z.uuid() });

type Ack = (reply: unknown) => void;

/** A refused client message: the HTTP error body (one error model), acknowledged with `ok: false`. */
const errorReply = (code: ErrorCode, message: string) => ({ ok: false, ...errorBody(new AppError(code, message)) });

/** Validates a client message and always answers through the ack, if the client asked for one. */
function handle(socket: Socket, name: string, work: (eventId: string) => Promise<unknown>): void {
  socket.on(name, async (payload: unknown, ack?: unknown) => {
    const reply: Ack = typeof ack === 'function' ? (ack as Ack) : () => undefined;
    const parsed = subscription.safeParse(payload);
    if (!parsed.success) return reply(errorReply('VALIDATION_ERROR', 'expected {eventId: uuid}'));
    try {
      reply(await work(parsed.data.eventId));
    } catch (error) {
      reply(error instanceof AppError ? { ok: false, ...errorBody(error) } : errorReply('UNAVAILABLE', 'try again shortly'));
    }
  });
}

const subscriptionsOf = (socket: Socket): number => [...socket.rooms].filter((room) => room.startsWith('sale:')).length;

/**
 * Socket.io on the v2 API: `/flashsale` (stock per sale room, purchase results per user room)
 * and `/announcements`. The Redis adapter makes a message sent by any instance, or by a
 * worker's emitter, reach clients connected to every instance. ConnectionGuard and SaleLookup
 * keep one abusive client from slowing anyone else down.
 */
export function createSocketServer(deps: Deps, httpServer: HttpServer, pub: Redis, sub: Redis): Server {
  const guard = new ConnectionGuard(deps.config, deps.logger);
  const io = new Server(httpServer, {
    adapter: createAdapter(pub, sub, { key: adapterKey(deps.config.REDIS_KEY_PREFIX) }),
    cors: { origin: true },
    maxHttpBufferSize: 16 * 1024,
    allowRequest: guard.allowRequest,
  });
  guard.attach(io);
  const sales = new SaleLookup({
    find: (eventId) => findSale(deps.db, eventId),
    ttlMs: deps.config.SOCKET_SALE_CACHE_MS,
    concurrency: 2,
    maxWaiting: 1_000,
    maxEntries: 10_000,
  });
  // Socket.io answers its own HTTP requests (long-polling, its client script) before Express
  // sees them; put first, this listener gives them the API's security headers too.
  httpServer.prependListener('request', (_req, res) => setSecurityHeaders(res));
  const flashsale = io.of(FLASHSALE_NAMESPACE);

  // A token is optional (anonymous viewers see stock); a bad one is refused, not ignored.
  flashsale.use((socket, next) => {
    const token: unknown = socket.handshake.auth?.token;
    if (token === undefined || token === null) return next();
    try {
      if (typeof token !== 'string') throw new AppError('UNAUTHENTICATED', 'invalid token');
      socket.data.userId = deps.auth.authenticate(token).userId;
      socket.data.token = token;
      next();
    } catch {
      // Socket.io's own refusal shape (an Error with `data`), its code from the one catalogue.
      const code: ErrorCode = 'UNAUTHENTICATED';
      next(Object.assign(new Error(code), { data: { code } }));
    }
  });

  flashsale.on('connection', (socket) => {
    guard.track(socket);
    if (typeof socket.data.userId === 'string') void socket.join(userRoom(socket.data.userId));
    handle(socket, 'subscribe', async (eventId) => {
      if (!socket.rooms.has(saleRoom(eventId)) && subscriptionsOf(socket) >= deps.config.SOCKET_MAX_SUBSCRIPTIONS) {
        return errorReply('TOO_MANY_SUBSCRIPTIONS', `at most ${deps.config.SOCKET_MAX_SUBSCRIPTIONS} sales per connection: unsubscribe first`);
      }
      // Joined before the look-up, so concurrent subscribes count against the cap; left if it fails.
      await socket.join(saleRoom(eventId));
      const event = await sales.find(eventId).catch(async (error: unknown) => {
        await socket.leave(saleRoom(eventId));
        throw error;
      });
      if (event) return { ok: true, event };
      await socket.leave(saleRoom(eventId));
      return errorReply('NOT_FOUND', 'flash-sale event not found');
    });
    handle(socket, 'unsubscribe', async (eventId) => {
      await socket.leave(saleRoom(eventId));
      return { ok: true };
    });
  });

  const stopChecking = checkSessions(flashsale, deps.auth, deps.config.AUTH_REFRESH_MS, deps.logger);
  httpServer.once('close', stopChecking);

  io.of(ANNOUNCEMENTS_NAMESPACE).on('connection', (socket) => guard.track(socket));
  fanOutOutcomes(io, sub, deps.config.REDIS_KEY_PREFIX, deps.logger);
  return io;
}
