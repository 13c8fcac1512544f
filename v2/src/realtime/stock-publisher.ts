import type { Redis } from '@flashfast/shared';
import type { StockUpdate } from './rooms';

export interface StockPublisherOptions {
  redis: Redis;
  keyPrefix: string;
  intervalMs: number;
  /** The sale's state now, from PostgreSQL (undefined if it does not exist). */
  read(eventId: string): Promise<StockUpdate | undefined>;
  emit(update: StockUpdate): void;
}

/**
 * Coalesces stock changes: at most one `stock` message per sale per interval across every
 * process (a Redis NX key is the shared gate), and always one more after the last change,
 * read fresh from PostgreSQL, so the final state is the last thing subscribers see.
 */
export class StockPublisher {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly dirty = new Set<string>();
  /** Set by flush(): a tick still waiting on Redis then schedules nothing more after shutdown. */
  private closed = false;

  constructor(private readonly options: StockPublisherOptions) {}

  changed(eventId: string): void {
    this.dirty.add(eventId);
    if (!this.timers.has(eventId)) this.schedule(eventId, 0);
  }

  /** Publishes whatever is pending now (shutdown). */
  async flush(): Promise<void> {
    this.closed = true;
    for (const [eventId, timer] of this.timers) {
      clearTimeout(timer);
      this.timers.delete(eventId);
      await this.publish(eventId).catch(() => undefined);
    }
  }

  private schedule(eventId: string, delayMs: number): void {
    if (this.closed) return;
    const timer = setTimeout(() => void this.tick(eventId), delayMs);
    this.timers.set(eventId, timer);
  }

  private async tick(eventId: string): Promise<void> {
    try {
      const gate = `${this.options.keyPrefix}stock-gate:{${eventId}}`;
      const open = await this.options.redis.set(gate, '1', 'PX', this.options.intervalMs, 'NX');
      if (open !== 'OK') return this.schedule(eventId, this.options.intervalMs / 2);
      await this.publish(eventId);
      this.timers.delete(eventId);
      // Changes that arrived while we read get their own, later message.
      if (this.dirty.has(eventId)) this.schedule(eventId, this.options.intervalMs);
    } catch {
      this.schedule(eventId, this.options.intervalMs);
    }
  }

  private async publish(eventId: string): Promise<void> {
    this.dirty.delete(eventId);
    const update = await this.options.read(eventId);
    if (update) this.options.emit(update);
  }
}
