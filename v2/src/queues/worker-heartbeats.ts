import type { Redis } from '@flashfast/shared';

/**
 * Workers announce themselves: each writes its id with the time into one sorted set every
 * WORKER_HEARTBEAT_MS; one that missed three beats counts as dead. Times are the processes'
 * clocks, which must agree within a beat (NTP).
 */
const heartbeatsKey = (prefix: string): string => `${prefix}worker-heartbeats`;
const MISSED_BEATS = 3;

export interface Heartbeat {
  stop(): Promise<void>;
}

export function startHeartbeat(redis: Redis, prefix: string, workerId: string, intervalMs: number): Heartbeat {
  // A beat that fails (Redis down) is simply missed; the next one after the outage counts again.
  const beat = () => redis.zadd(heartbeatsKey(prefix), Date.now(), workerId).catch(() => undefined);
  void beat();
  const timer = setInterval(() => void beat(), intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await redis.zrem(heartbeatsKey(prefix), workerId).catch(() => undefined);
    },
  };
}

/** Ids of the workers that beat recently; forgets the others. */
export async function liveWorkers(redis: Redis, prefix: string, intervalMs: number): Promise<string[]> {
  const since = Date.now() - MISSED_BEATS * intervalMs;
  await redis.zremrangebyscore(heartbeatsKey(prefix), '-inf', `(${since}`);
  return redis.zrangebyscore(heartbeatsKey(prefix), since, '+inf');
}
