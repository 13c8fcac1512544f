/** Socket.io names shared by the API's server and the worker's emitter. */
export const FLASHSALE_NAMESPACE = '/flashsale';
export const ANNOUNCEMENTS_NAMESPACE = '/announcements';
export const saleRoom = (eventId: string): string => `sale:${eventId}`;
export const userRoom = (userId: string): string => `user:${userId}`;
/** The Redis channel prefix of the adapter; the emitter must use the same. */
export const adapterKey = (redisKeyPrefix: string): string => `${redisKeyPrefix}socket.io`;

export interface StockUpdate {
  eventId: string;
  availableStock: number;
  soldQuantity: number;
  status: string;
}
/** The Redis channel of decided purchases: one message per worker batch, fanned out by every API instance. */
export const outcomesChannel = (redisKeyPrefix: string): string => `${redisKeyPrefix}purchase-outcomes`;
