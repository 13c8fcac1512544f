import { Redis } from 'ioredis';
import type { Config } from './config';
import { redactUrl } from './dependency-failures';
import type { Logger } from './logger';

export type { Redis };

/**
 * A Redis connection that fails commands fast while Redis is down. `subscriber`: a connection
 * for (un)subscribing only, written to in call order (no auto-pipelining, see below).
 */
export function createRedis(config: Pick<Config, 'REDIS_URL'>, connectionName: string, { subscriber = false } = {}): Redis {
  const redis = new Redis(config.REDIS_URL, {
    connectionName,
    // Fail commands fast while Redis is down instead of queueing them without bound.
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    // Commands issued in the same tick by concurrent requests share one write to the socket.
    // Not on a subscriber: ioredis (5.x) lists PUNSUBSCRIBE as "unpsubscribe" among the commands
    // kept out of auto-pipelines, so a PUNSUBSCRIBE waits a tick, a QUIT right after it goes
    // first, and the PUNSUBSCRIBE (which Socket.io's adapter never awaits) rejects unhandled.
    enableAutoPipelining: !subscriber,
  });
  // ioredis reconnects by itself; an unhandled 'error' event would crash the process.
  redis.on('error', () => undefined);
  return redis;
}

/**
 * Logs a connection's losses and recoveries once each, with its address, instead of one line
 * per reconnection attempt (a wrong REDIS_URL would otherwise flood the log).
 */
export function logConnectionState(redis: Redis, logger: Logger, config: Pick<Config, 'REDIS_URL'>, connection: string): void {
  const address = redactUrl(config.REDIS_URL);
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ connection, key: 'REDIS_URL', address, reason: error.message }, 'Redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info({ connection, address }, 'Redis connection restored');
  });
}

/**
 * Publishing is fire-and-forget (Socket.io's emitter and adapter never await it): a publish
 * that fails while Redis is down resolves to 0 (no receiver) instead of rejecting unhandled.
 * The message is lost; clients catch up from the next message or by asking.
 */
export function publishSafely(redis: Redis, onFailure: (error: unknown) => void = () => undefined): Redis {
  const publish = redis.publish.bind(redis) as (channel: string, message: string | Buffer) => Promise<number>;
  redis.publish = ((channel: string, message: string | Buffer) =>
    publish(channel, message).catch((error: unknown) => {
      onFailure(error);
      return 0;
    })) as Redis['publish'];
  return redis;
}
