import { Emitter } from '@socket.io/redis-emitter';
import { findSale, type Deps, type Redis } from '@flashfast/shared';
import type { PurchaseOutcome } from '../purchases/purchase-requests.repository';
import { FLASHSALE_NAMESPACE, adapterKey, saleRoom, userRoom, type StockUpdate } from './rooms';
import { StockPublisher } from './stock-publisher';

export interface Notifier {
  purchaseDecided(userId: string, outcome: PurchaseOutcome): void;
  stockChanged(eventId: string): void;
  flush(): Promise<void>;
}

export const readStockUpdate = async (deps: Pick<Deps, 'db'>, eventId: string): Promise<StockUpdate | undefined> => {
  const sale = await findSale(deps.db, eventId);
  return sale && { eventId, availableStock: sale.availableStock, soldQuantity: sale.soldQuantity, status: sale.status };
};

/** Pushes from a process without a Socket.io server (the worker), through the Redis adapter's channels. */
export function createEmitterNotifier(deps: Deps, redis: Redis): Notifier {
  const flashsale = new Emitter(redis, { key: adapterKey(deps.config.REDIS_KEY_PREFIX) }).of(FLASHSALE_NAMESPACE);
  const stock = new StockPublisher({
    redis,
    keyPrefix: deps.config.REDIS_KEY_PREFIX,
    intervalMs: deps.config.STOCK_EMIT_INTERVAL_MS,
    read: (eventId) => readStockUpdate(deps, eventId),
    emit: (update) => flashsale.to(saleRoom(update.eventId)).emit('stock', update),
  });
  return {
    purchaseDecided: (userId, outcome) => flashsale.to(userRoom(userId)).emit('purchase', outcome),
    stockChanged: (eventId) => stock.changed(eventId),
    flush: () => stock.flush(),
  };
}
