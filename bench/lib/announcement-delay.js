// How long an announcement that units came back takes to reach another process's sold-out memory:
// two SoldOutChannels (the compiled production module), each with its own Redis connections, one
// announcing, the other timed until it has forgotten the sale.
const { randomUUID } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const { Redis } = require('ioredis');
const { SoldOutChannel } = require('../../shared/dist/purchases/sold-out-channel');
const { percentile } = require('./stats');

const quiet = { warn: () => undefined, debug: () => undefined };

async function until(done) {
  for (let i = 0; i < 500 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!done()) throw new Error('the sold-out channel never subscribed');
}

/** `samples` announcements one after the other; returns their delays in milliseconds. */
async function announcementDelay({ redisUrl, prefix, samples = 200 }) {
  const config = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: prefix, SOLD_OUT_MEMORY_MS: 60_000 };
  const redis = [new Redis(redisUrl), new Redis(redisUrl)];
  const [announcer, listener] = redis.map((connection, i) => new SoldOutChannel(config, connection, quiet, `bench-announce-${i}`));
  try {
    listener.listen();
    await until(() => listener.sales.isListening);
    let heard;
    const forget = listener.sales.forget.bind(listener.sales);
    listener.sales.forget = (eventId) => {
      forget(eventId);
      heard?.(eventId);
    };
    const delays = [];
    for (let i = 0; i < samples; i += 1) {
      const eventId = randomUUID();
      const arrived = new Promise((resolve) => (heard = (id) => id === eventId && resolve(performance.now())));
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

module.exports = { announcementDelay };
