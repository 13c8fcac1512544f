import type { Db } from '../platform/db';
import type { Logger } from '../platform/logger';
import type { Redis } from '../platform/redis';
import { deleteChangesOlderThan, readChangesSince, readRecentChanges } from './auth-changes.repository';
import type { RevocationList } from './revocation-list';

export interface RevocationFeedOptions {
  list: RevocationList;
  /** A pool of its own: a read must not queue behind a spike's purchases in the main pool. */
  db: Db;
  /** A connection in subscriber mode, and one to publish with. */
  subscriber: Redis;
  publisher: Redis;
  channel: string;
  refreshMs: number;
  /** How far back the first read looks, and how old a stored change may get (seconds). */
  keepSeconds: number;
  logger: Logger;
}

const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Keeps a RevocationList current: reads `auth_changes` from PostgreSQL every `refreshMs`, and at
 * once when another process announces a change on the Redis channel. The poll alone keeps the
 * promise (Redis down, a message lost); the message only makes it faster.
 */
export class RevocationFeed {
  private horizon: string | undefined;
  /** When the snapshot of the last successful read was taken (ms): every change committed before is applied. */
  private confirmedAtMs = 0;
  private current: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  private failing = false;
  private timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: RevocationFeedOptions) {}

  /** The first read must succeed: a process that cannot tell revoked tokens from good ones does not serve. */
  async start(): Promise<void> {
    const { subscriber, channel, refreshMs } = this.options;
    await this.refresh();
    this.timers.push(
      setInterval(() => void this.refresh().catch(() => undefined), refreshMs).unref(),
      setInterval(() => void this.prune(), PRUNE_EVERY_MS).unref(),
    );
    subscriber.on('message', () => void this.refresh().catch(() => undefined));
    // After a reconnect, messages sent meanwhile are lost: read now rather than at the next tick.
    subscriber.on('ready', () => void this.refresh().catch(() => undefined));
    // Only once ready: ioredis writes SUBSCRIBE (a command allowed while Redis loads) even during its
    // connection handshake, after which the handshake's INFO fails and the subscription is lost.
    // After a reconnect, ioredis subscribes again by itself.
    const subscribe = () =>
      void subscriber.subscribe(channel).catch((error: unknown) => this.options.logger.warn({ err: error, channel }, 'cannot subscribe to account changes; polling only'));
    if (subscriber.status === 'ready') subscribe();
    else subscriber.once('ready', subscribe);
    void this.prune();
  }

  /** Milliseconds since the last read's snapshot: how late this process may be to hear of a change. */
  get ageMs(): number {
    return Date.now() - this.confirmedAtMs;
  }

  /**
   * Resolves after a read that started after this call, so a change committed before the call is
   * applied. Calls during a read share the one read queued after it.
   */
  refresh(): Promise<void> {
    if (!this.current) {
      this.current = this.read().finally(() => (this.current = undefined));
      return this.current;
    }
    this.next ??= this.current
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.refresh();
      });
    return this.next;
  }

  /** Tells every other process to read now (best effort: their poll catches up anyway). */
  announce(): void {
    this.options.publisher.publish(this.options.channel, '1').catch(() => undefined);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.current?.catch(() => undefined);
    // disconnect, not quit: a subscriber has nothing to flush, and quit waits for a Redis that may be down.
    this.options.subscriber.disconnect();
    await this.options.db.end().catch(() => undefined);
  }

  private async read(): Promise<void> {
    const { db, list, keepSeconds, logger } = this.options;
    const startedAtMs = Date.now();
    try {
      const read = this.horizon === undefined ? await readRecentChanges(db, keepSeconds) : await readChangesSince(db, this.horizon);
      list.apply(read.changes);
      this.horizon = read.horizon;
      this.confirmedAtMs = startedAtMs;
      list.prune(startedAtMs);
      if (this.failing) logger.info('account changes readable again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) logger.warn({ err: error }, 'cannot read account changes; authenticated requests get 503 once this is AUTH_MAX_STALENESS_MS old');
      this.failing = true;
      throw error;
    }
  }

  private async prune(): Promise<void> {
    await deleteChangesOlderThan(this.options.db, this.options.keepSeconds).catch(() => undefined);
  }
}
