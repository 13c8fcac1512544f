// The tools give every run a Redis key prefix of its own, and remove its keys when the run ends.
import { Redis } from 'ioredis';

/** Deletes every key under `prefix` (SCAN and UNLINK: never KEYS or FLUSHALL on a shared Redis). */
export async function deleteKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 1000 }) as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
}
