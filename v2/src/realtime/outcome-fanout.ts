import type { Server } from 'socket.io';
import type { Logger, Redis } from '@flashfast/shared';
import type { DecidedPurchase } from './notifier';
import { FLASHSALE_NAMESPACE, outcomesChannel, userRoom } from './rooms';

/**
 * Every API instance hears each batch's message of decided purchases (workers publish one per
 * batch) and pushes each buyer's outcome to that buyer's room on this instance only (`local`):
 * the instances between them reach every connected buyer, without one adapter message per buyer.
 * `sub` is a connection in subscriber mode (the adapter's: it ignores channels not its own).
 */
export function fanOutOutcomes(io: Server, sub: Redis, keyPrefix: string, logger: Logger): void {
  const channel = outcomesChannel(keyPrefix);
  const flashsale = io.of(FLASHSALE_NAMESPACE);
  sub.subscribe(channel).catch((error: unknown) => logger.warn({ err: error, channel }, 'could not subscribe to decided purchases'));
  sub.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    let decided: DecidedPurchase[];
    try {
      decided = JSON.parse(message) as DecidedPurchase[];
    } catch {
      return;
    }
    for (const { userId, outcome } of decided) flashsale.local.to(userRoom(userId)).emit('purchase', outcome);
  });
}
