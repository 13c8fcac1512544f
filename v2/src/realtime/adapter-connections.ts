import { closeRedis, createRedis, publishSafely, type Config, type Redis } from '@flashfast/shared';

/** The two Redis connections of Socket.io's Redis adapter, made the same way in the API process and in tests. */
export interface AdapterConnections {
  pub: Redis;
  sub: Redis;
  /** After io.close(): the adapter's unsubscribes have been sent by then, so QUIT comes after them. */
  close(): Promise<void>;
}

export function createAdapterConnections(config: Pick<Config, 'REDIS_URL'>, processName: string): AdapterConnections {
  // The adapter publishes without awaiting: a publish lost while Redis is down must not crash us.
  const pub = publishSafely(createRedis(config, `${processName}-socket-pub`));
  const sub = createRedis(config, `${processName}-socket-sub`, { subscriber: true });
  return {
    pub,
    sub,
    close: async () => {
      await Promise.allSettled([closeRedis(pub), closeRedis(sub)]);
    },
  };
}
