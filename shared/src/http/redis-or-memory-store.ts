import { MemoryStore, type IncrementResponse, type Options, type Store } from 'express-rate-limit';
import { RedisStore } from 'rate-limit-redis';
import { isDependencyFailure } from '../platform/dependency-failures';
import type { Redis } from '../platform/redis';

/**
 * Rate-limit counters in Redis, so a limit holds across instances; while Redis is unreachable,
 * in this instance's memory, so limits still hold per instance (a cluster of N allows up to N
 * times the limit meanwhile) and nothing is refused or waved through because Redis is down.
 */
export class RedisOrMemoryStore implements Store {
  private readonly memory = new MemoryStore();
  private options?: Options;
  /** The Redis store's scripts must be loaded again after a failure (it never retries that by itself). */
  private redisStale = false;

  constructor(
    private readonly redis: Redis,
    private readonly redisStore: RedisStore,
  ) {}

  async init(options: Options): Promise<void> {
    this.options = options;
    this.memory.init(options);
    await this.redisStore.init(options).catch(() => (this.redisStale = true));
  }

  increment(key: string): Promise<IncrementResponse> {
    return this.use((store) => store.increment(key));
  }

  decrement(key: string): Promise<void> {
    return this.use((store) => store.decrement(key));
  }

  resetKey(key: string): Promise<void> {
    return this.use((store) => store.resetKey(key));
  }

  private async use<T>(call: (store: Store) => T | Promise<T>): Promise<T> {
    if (this.redis.status === 'ready') {
      try {
        if (this.redisStale && this.options) {
          await this.redisStore.init(this.options);
          this.redisStale = false;
        }
        return await call(this.redisStore);
      } catch (error) {
        if (!isDependencyFailure(error)) throw error;
        this.redisStale = true;
      }
    }
    return call(this.memory);
  }
}
