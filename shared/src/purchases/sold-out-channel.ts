import { Redis } from 'ioredis';
import type { Config } from '../platform/config';
import type { Logger } from '../platform/logger';
import { AppError } from '../platform/app-error';
import { isSaleWideRefusal, SoldOutSales, type Hearing, type PurchaseAsked } from './sold-out-sales';

/** Every earlier purchase of a sale that a retry could replay (repeat tags); undefined: too many to hold. */
export type ReadRepeats = (eventId: string) => Promise<Iterable<string> | undefined>;

/**
 * The sold-out knowledge of one process and the Redis pub/sub channel that keeps every process's
 * knowledge honest: whoever gives units back (or changes a sale) announces it, every process
 * that listens forgets that sale. Pub/sub delivers in milliseconds, but at most once: a process
 * whose subscription drops forgets everything and learns nothing until it is subscribed again.
 */
export class SoldOutChannel {
  readonly sales: SoldOutSales;
  private readonly channel: string;
  private subscriber?: Redis;
  /** Sales whose repeats are being read: one read per sale at a time, however many refusals. */
  private readonly learning = new Set<string>();

  constructor(
    private readonly config: Pick<Config, 'REDIS_URL' | 'REDIS_KEY_PREFIX' | 'SOLD_OUT_MEMORY_MS'>,
    private readonly redis: Redis,
    private readonly logger: Logger,
    private readonly processName: string,
  ) {
    this.sales = new SoldOutSales(config.SOLD_OUT_MEMORY_MS);
    this.channel = `${config.REDIS_KEY_PREFIX}sold-out:forget`;
  }

  /** Starts listening for announcements (processes that answer purchases); idempotent. */
  listen(): void {
    if (this.subscriber || this.config.SOLD_OUT_MEMORY_MS === 0) return;
    const subscriber = new Redis(this.config.REDIS_URL, {
      connectionName: `${this.processName}-sold-out`,
      // Subscribed by hand on every 'ready', so that "listening" means subscribed now.
      autoResubscribe: false,
      maxRetriesPerRequest: null,
    });
    this.subscriber = subscriber;
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, eventId: string) => this.sales.forget(eventId));
    subscriber.on('close', () => this.sales.setListening(false));
    subscriber.on('ready', () => {
      subscriber.subscribe(this.channel).then(
        () => this.sales.setListening(true),
        (error: unknown) => this.logger.warn({ err: error }, 'could not subscribe to sold-out announcements'),
      );
    });
  }

  /**
   * The full path refused `purchase` (a decision that began at `since`): a refusal that holds
   * for the whole sale is remembered, once the sale's repeats are read (in the background).
   */
  learn(since: Hearing, purchase: PurchaseAsked, error: unknown, readRepeats: ReadRepeats): void {
    if (!(error instanceof AppError) || !isSaleWideRefusal(error.code)) return;
    const { eventId, quantity } = purchase;
    const refusal = error.code;
    if (this.learning.has(eventId) || this.sales.lesson(eventId, since, refusal, quantity) !== 'needs-repeats') return;
    this.learning.add(eventId);
    readRepeats(eventId)
      .then((repeats) => {
        if (repeats) this.sales.know(eventId, since, refusal, quantity, new Set(repeats));
      })
      .catch((cause: unknown) => this.logger.debug({ err: cause, eventId }, 'could not read the repeats of a sold-out sale'))
      .finally(() => this.learning.delete(eventId));
  }

  /**
   * Units of this sale may be buyable again (released, refused after admission, an admin
   * change): every process stops refusing it. Never throws; if Redis cannot take the message,
   * the processes' memory expires after SOLD_OUT_MEMORY_MS.
   */
  async announce(eventId: string): Promise<void> {
    this.sales.forget(eventId);
    try {
      await this.redis.publish(this.channel, eventId);
    } catch (error) {
      this.logger.warn({ err: error, eventId }, 'could not announce that a sale may have units again');
    }
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.sales.setListening(false);
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }
}
