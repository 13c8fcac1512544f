// How long an announcement that units came back takes to reach another process's sold-out memory:
// two SoldOutChannels (the compiled production module), each with its own Redis connections, one
// announcing, the other timed until it has forgotten the sale.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { SoldOutChannel } from '@flashfast/shared/purchases/sold-out-channel';
import type { Logger } from '@flashfast/shared/platform/logger';
import { percentile } from '../../scripts/lib/stats';

const quiet = { warn: () => undefined, debug: () => undefined } as unknown as Logger;

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!done()) throw new Error('the sold-out channel never subscribed');
}

/** `samples` announcements one after the other; returns their delays in milliseconds. */
export interface AnnouncementDelay {
  samples: number;
  p50: number | null;
  p99: number | null;
  max: number | undefined;
}

export async function announcementDelay({ redisUrl, prefix, samples = 200 }: { redisUrl: string; prefix: string; samples?: number }): Promise<AnnouncementDelay> {
  const config = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, SOLD_OUT_MEMORY_MS: 60_000 };
  const redis = [new Redis(redisUrl), new Redis(redisUrl)];
  const [announcer, listener] = redis.map((connection, i) => new SoldOutChannel(config, connection, quiet, `bench-announce-${i}`)) as [SoldOutChannel, SoldOutChannel];
  try {
    listener.listen();
    await until(() => listener.sales.isListening);
    let heard: ((eventId: string) => void) | undefined;
    const forget = listener.sales.forget.bind(listener.sales);
    listener.sales.forget = (eventId: string) => {
      forget(eventId);
      heard?.(eventId);
    };
    const delays: number[] = [];
    for (let i = 0; i < samples; i += 1) {
      const eventId = randomUUID();
      const arrived = new Promise<number>((resolve) => (heard = (id) => id === eventId && resolve(performance.now())));
      const sent = performance.now();
      await announcer.announce(eventId);
      delays.push((await arrived) - sent);
    }
    delays.sort((a, b) => a - b);
    return { samples, p50: percentile(delays, 0.5), p99: percentile(delays, 0.99), max: delays.at(-1) };
  } finally {
    await Promise.all([announcer.close(), listener.close()]);
    for (const connection of redis) connection.disconnect();
  }
}

