import { AppError, type FlashSaleEvent } from '@flashfast/shared';

export interface SaleLookupOptions {
  find(eventId: string): Promise<FlashSaleEvent | undefined>;
  /** How long an answer (found or not) is reused. */
  ttlMs: number;
  /** Look-ups in flight at once: socket traffic never takes more of the database pool than this. */
  concurrency: number;
  /** Look-ups waiting beyond which `subscribe` is answered UNAVAILABLE instead of queued. */
  maxWaiting: number;
  maxEntries: number;
}

/**
 * The sales `subscribe` acks with: one query per sale per `ttlMs` however many clients ask (the
 * same promise is shared while it runs), and at most `concurrency` queries at once, so a flood of
 * subscriptions cannot crowd HTTP requests out of the database pool.
 */
export class SaleLookup {
  private readonly cache = new Map<string, { atMs: number; sale: Promise<FlashSaleEvent | undefined> }>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly options: SaleLookupOptions) {}

  find(eventId: string): Promise<FlashSaleEvent | undefined> {
    const now = Date.now();
    const cached = this.cache.get(eventId);
    if (cached && now - cached.atMs < this.options.ttlMs) return cached.sale;
    const sale = this.limited(() => this.options.find(eventId));
    this.cache.delete(eventId);
    this.cache.set(eventId, { atMs: now, sale });
    sale.catch(() => this.cache.delete(eventId));
    // Oldest first (a Map keeps insertion order): an unbounded set of ids cannot grow it without bound.
    for (const key of this.cache.keys()) {
      if (this.cache.size <= this.options.maxEntries) break;
      this.cache.delete(key);
    }
    return sale;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running < this.options.concurrency) {
      this.running += 1;
    } else {
      if (this.waiting.length >= this.options.maxWaiting) throw new AppError('UNAVAILABLE', 'too many subscriptions at once');
      // Woken with the slot of a finished look-up: `running` already counts this one.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
