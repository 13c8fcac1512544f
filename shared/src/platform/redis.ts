import { Redis } from 'ioredis';
import type { Config } from './config';

export type { Redis };

export function createRedis(config: Pick<Config, 'REDIS_URL'>, connectionName: string): Redis {
  const redis = new Redis(config.REDIS_URL, {
    connectionName,
    // Fail commands fast while Redis is down instead of queueing them without bound.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    // Commands issued in the same tick by concurrent requests share one write to the socket.
    enableAutoPipelining: true,
  });
  // ioredis reconnects by itself; an unhandled 'error' event would crash the process.
  redis.on('error', () => undefined);
  return redis;
}
