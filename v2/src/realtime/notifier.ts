import { Emitter } from '@socket.io/redis-emitter';
import { findSale, type Deps, type Redis } from '@flashfast/shared';
import type { PurchaseOutcome } from '../purchases/purchase-requests.repository';
import { FLASHSALE_NAMESPACE, adapterKey, outcomesChannel, saleRoom, type StockUpdate } from './rooms';
import { StockPublisher } from './stock-publisher';

/** A buyer's decided purchase, as one entry of a batch's message. */
export interface DecidedPurchase {
  userId: string;
  outcome: PurchaseOutcome;
}

export interface Notifier {
  /** Every outcome of a batch in one message; each buyer still gets their own `purchase` push. */
  purchasesDecided(decided: DecidedPurchase[]): void;
  stockChanged(eventId: string): void;
  flush(): Promise<void>;
}

export const readStockUpdate = async (deps: Pick<Deps, 'db'>, eventId: string): Promise<StockUpdate | undefined> => {
  const sale = await findSale(deps.db, eventId);
  return sale && { eventId, availableStock: sale.availableStock, soldQuantity: sale.soldQuantity, status: sale.status };
};

/**
 * Pushes from a process without a Socket.io server (the worker): stock through the Redis
 * adapter's channels (coalesced), decided purchases as one message per batch on their own
 * channel, which each API instance fans out to the buyers connected to it (outcome-fanout.ts)
 * instead of one adapter message per buyer.
 */
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
    purchasesDecided: (decided) => void redis.publish(outcomesChannel(deps.config.REDIS_KEY_PREFIX), JSON.stringify(decided)),
    stockChanged: (eventId) => stock.changed(eventId),
    flush: () => stock.flush(),
  };
}
