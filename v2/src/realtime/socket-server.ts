import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import { findSale, AppError, type Deps, type Redis } from '@flashfast/shared';
import { ANNOUNCEMENTS_NAMESPACE, FLASHSALE_NAMESPACE, adapterKey, saleRoom, userRoom } from './rooms';

const subscription = z.strictObject({ eventId: z.uuid() });

type Ack = (reply: unknown) => void;

const errorReply = (code: string, message: string) => ({ ok: false, error: { code, message } });

/** Validates a client message and always answers through the ack, if the client asked for one. */
function handle(socket: Socket, name: string, work: (eventId: string) => Promise<unknown>): void {
  socket.on(name, async (payload: unknown, ack?: unknown) => {
    const reply: Ack = typeof ack === 'function' ? (ack as Ack) : () => undefined;
    const parsed = subscription.safeParse(payload);
    if (!parsed.success) return reply(errorReply('VALIDATION_ERROR', 'expected {eventId: uuid}'));
    try {
      reply(await work(parsed.data.eventId));
    } catch {
      reply(errorReply('UNAVAILABLE', 'try again shortly'));
    }
  });
}

/**
 * Socket.io on the v2 API: `/flashsale` (stock per sale room, purchase results per user room)
 * and `/announcements`. The Redis adapter makes a message sent by any instance, or by a
 * worker's emitter, reach clients connected to every instance.
 */
export function createSocketServer(deps: Deps, httpServer: HttpServer, pub: Redis, sub: Redis): Server {
  const io = new Server(httpServer, {
    adapter: createAdapter(pub, sub, { key: adapterKey(deps.config.REDIS_KEY_PREFIX) }),
    cors: { origin: true },
    maxHttpBufferSize: 16 * 1024,
  });
  const flashsale = io.of(FLASHSALE_NAMESPACE);

  // A token is optional (anonymous viewers see stock); a bad one is refused, not ignored.
  flashsale.use((socket, next) => {
    const token: unknown = socket.handshake.auth?.token;
    if (token === undefined || token === null) return next();
    try {
      if (typeof token !== 'string') throw new AppError('UNAUTHENTICATED', 'invalid token');
      socket.data.userId = deps.auth.authenticate(token).userId;
      next();
    } catch {
      next(Object.assign(new Error('UNAUTHENTICATED'), { data: { code: 'UNAUTHENTICATED' } }));
    }
  });

  flashsale.on('connection', (socket) => {
    if (typeof socket.data.userId === 'string') void socket.join(userRoom(socket.data.userId));
    handle(socket, 'subscribe', async (eventId) => {
      const event = await findSale(deps.db, eventId);
      if (!event) return errorReply('NOT_FOUND', 'flash-sale event not found');
      await socket.join(saleRoom(eventId));
      return { ok: true, event };
    });
    handle(socket, 'unsubscribe', async (eventId) => {
      await socket.leave(saleRoom(eventId));
      return { ok: true };
    });
  });

  io.of(ANNOUNCEMENTS_NAMESPACE);
  return io;
}
