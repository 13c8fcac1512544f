import type { Server } from 'socket.io';
import type { Broadcaster } from '../services';
import { ANNOUNCEMENTS_NAMESPACE, FLASHSALE_NAMESPACE, saleRoom, userRoom } from './rooms';

/** Broadcasts through this instance's Socket.io server; the Redis adapter fans out to the others. */
export function ioBroadcaster(io: () => Server | undefined): Broadcaster {
  return {
    stock: (update) => io()?.of(FLASHSALE_NAMESPACE).to(saleRoom(update.eventId)).emit('stock', update),
    purchase: (userId, outcome) => io()?.of(FLASHSALE_NAMESPACE).to(userRoom(userId)).emit('purchase', outcome),
    announcement: (announcement) => io()?.of(ANNOUNCEMENTS_NAMESPACE).emit('announcement', announcement),
  };
}
