import { isPurchaseRefusal, type Db, type PurchaseRefusal, type Redis, type SoldOutChannel } from '@flashfast/shared';
import { dedupField, loadedSalesKey, saleKeys, type SaleKeys } from './sale-keys';
import { readSaleSettings, readSaleSnapshot, type SaleSettings } from './sale-snapshot.repository';
import { withLock } from './redis-lock';
import { stockScripts, type RunScript } from './stock-scripts';

const KEEP_AFTER_END_MS = 24 * 3600 * 1000;
// A rebuild that takes longer loses its lock to the next process (which rebuilds again: harmless).
const REBUILD_LOCK_MS = 10_000;
// Beyond this many requests a sale is not remembered as sold out (the memory its dedup fields would take).
const REQUEST_FIELDS_MAX = 200_000;

export type Admission =
  | { kind: 'missing' }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | { kind: 'existing'; requestId: string; quantity: number }
  | { kind: 'refused'; code: PurchaseRefusal }
  | { kind: 'accepted'; acceptedAt: number };

export type Decision =
  | { kind: 'decided-before'; marker: string }
  | { kind: 'failed'; code: PurchaseRefusal }
  | { kind: 'reserved'; unitsLeft: number };

export interface PurchaseRef {
  requestId: string;
  userId: string;
  eventId: string;
  quantity: number;
  idempotencyKey?: string;
}

const asRefusal = (code: string | undefined): PurchaseRefusal => {
  if (code === undefined || !isPurchaseRefusal(code)) throw new Error(`unknown refusal from Lua: ${code}`);
  return code;
};

/** An admission whose request row was not yet seen in PostgreSQL. */
export interface Admitted {
  requestId: string;
  userId: string;
  quantity: number;
  dedupField: string;
  acceptedAt: number;
}

/** The sale's live counters in Redis: what the API admits and what the worker reserves. */
/** The per-user purchase limit the admission script counts: attempts per window. */
export interface AttemptLimit {
  max: number;
  windowMs: number;
}

export class SaleStock {
  private readonly run: RunScript;

  constructor(
    private readonly redis: Redis,
    private readonly db: Db,
    private readonly prefix: string,
    /** Tells every API process that units of a sale may be claimable again (the sold-out fast path). */
    private readonly soldOut?: Pick<SoldOutChannel, 'announce'>,
    private readonly attempts: AttemptLimit = { max: Number.MAX_SAFE_INTEGER, windowMs: 60_000 },
  ) {
    this.run = stockScripts(redis);
  }

  keys(eventId: string): SaleKeys {
    return saleKeys(this.prefix, eventId);
  }

  async admit(ref: PurchaseRef): Promise<Admission> {
    const k = this.keys(ref.eventId);
    const reply = (await this.run('admitPurchase', [k.meta, k.stock, k.held, k.pending, k.requests, k.admissions, k.rate], [
      ref.userId,
      ref.quantity,
      ref.requestId,
      dedupField(ref.userId, ref.quantity, ref.idempotencyKey),
      this.attempts.max,
      this.attempts.windowMs,
    ])) as string[];
    switch (reply[0]) {
      case 'MISSING':
        return { kind: 'missing' };
      case 'RATE_LIMITED':
        return { kind: 'rate-limited', retryAfterSeconds: Number(reply[1]) };
      case 'EXISTING': {
        const [requestId, quantity] = reply[1]!.split(':');
        return { kind: 'existing', requestId: requestId!, quantity: Number(quantity) };
      }
      case 'REFUSED':
        return { kind: 'refused', code: asRefusal(reply[1]) };
      default:
        return { kind: 'accepted', acceptedAt: Number(reply[1]) };
    }
  }

  /** Takes an admission back; `field` defaults to the request's own dedup field. */
  async undoAdmission(ref: PurchaseRef, field = dedupField(ref.userId, ref.quantity, ref.idempotencyKey)): Promise<void> {
    const k = this.keys(ref.eventId);
    const undone = await this.run('undoAdmission', [k.pending, k.requests, k.admissions], [ref.userId, ref.quantity, ref.requestId, field]);
    if (undone === 1) await this.soldOut?.announce(ref.eventId);
  }

  /** Every dedup field of the sale: what a retry could map to an earlier request; undefined if too many. */
  async requestFields(eventId: string): Promise<string[] | undefined> {
    const key = this.keys(eventId).requests;
    if ((await this.redis.hlen(key)) > REQUEST_FIELDS_MAX) return undefined;
    return this.redis.hkeys(key);
  }

  /** These requests' rows are in PostgreSQL: their admissions are no longer at risk. */
  async admissionsWritten(eventId: string, requestIds: string[]): Promise<void> {
    if (requestIds.length > 0) await this.redis.hdel(this.keys(eventId).admissions, ...requestIds);
  }

  /** Admissions older than `ageMs` (by the Redis clock) whose rows were not seen written. */
  async staleAdmissions(eventId: string, ageMs: number): Promise<Admitted[]> {
    const [now, entries] = await Promise.all([this.redisNow(), this.redis.hgetall(this.keys(eventId).admissions)]);
    return Object.entries(entries)
      .filter(([requestId]) => requestId !== '_')
      .map(([requestId, value]) => {
        const [acceptedAt, userId, quantity, ...field] = value.split('|');
        return { requestId, userId: userId!, quantity: Number(quantity), dedupField: field.join('|'), acceptedAt: Number(acceptedAt) };
      })
      .filter((admitted) => now - admitted.acceptedAt >= ageMs);
  }

  /** How long ago (Redis clock) this request was admitted, if its row was not seen written yet. */
  async admissionAge(eventId: string, requestId: string): Promise<number | undefined> {
    const [now, entry] = await Promise.all([this.redisNow(), this.redis.hget(this.keys(eventId).admissions, requestId)]);
    return entry === null ? undefined : now - Number(entry.split('|')[0]);
  }

  private async redisNow(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }

  /** Units claimed by accepted, undecided requests over every loaded sale: the backlog, from Redis alone. */
  async claimedUnits(): Promise<number> {
    const sales = await this.loadedSales();
    const claims = await Promise.all(sales.map((eventId) => this.redis.hget(this.keys(eventId).pending, '*')));
    return claims.reduce((sum, claim) => sum + Number(claim ?? 0), 0);
  }

  async loadedSales(): Promise<string[]> {
    return this.redis.smembers(loadedSalesKey(this.prefix));
  }

  async forgetLoadedSale(eventId: string): Promise<void> {
    await this.redis.srem(loadedSalesKey(this.prefix), eventId);
  }

  /**
   * Decides a batch of one sale's requests in one script call, in order; `token` names this
   * run's reservations (a re-run finds an earlier run's token in the marker). Undefined when the
   * sale's counters are missing (nothing was decided).
   */
  async decideBatch(eventId: string, refs: PurchaseRef[], token: string): Promise<Decision[] | undefined> {
    const k = this.keys(eventId);
    const args: (string | number)[] = [token];
    for (const ref of refs) args.push(ref.requestId, ref.userId, ref.quantity, dedupField(ref.userId, ref.quantity, ref.idempotencyKey));
    const reply = (await this.run('decideBatch', [k.meta, k.stock, k.held, k.pending, k.requests, k.decided], args)) as string[];
    if (reply[0] === 'MISSING') return undefined;
    const decisions: Decision[] = [];
    for (let i = 0; i < reply.length; i += 2) {
      const detail = reply[i + 1]!;
      if (reply[i] === 'DECIDED') decisions.push({ kind: 'decided-before', marker: detail });
      else if (reply[i] === 'FAILED') decisions.push({ kind: 'failed', code: asRefusal(detail) });
      else decisions.push({ kind: 'reserved', unitsLeft: Number(detail) });
    }
    // A request's claim ended without a reservation: its units are claimable again.
    if (decisions.some((decision) => decision.kind === 'failed')) await this.soldOut?.announce(eventId);
    return decisions;
  }

  /** Gives back a live reservation's units (only the one named `token`, if given); true when units went back. */
  async release(ref: Pick<PurchaseRef, 'requestId' | 'userId' | 'eventId'>, token = ''): Promise<boolean> {
    const k = this.keys(ref.eventId);
    const released = (await this.run('releaseReservation', [k.stock, k.held, k.decided], [ref.requestId, ref.userId, token])) === 1;
    if (released) await this.soldOut?.announce(ref.eventId);
    return released;
  }

  /** Forgets a request's decision so that it can be decided again (replay from the dead-letter queue). */
  async forgetDecision(eventId: string, requestId: string): Promise<void> {
    await this.redis.hdel(this.keys(eventId).decided, requestId);
  }

  /** PostgreSQL refused a reservation as sold out: if it has nothing left, neither has Redis. */
  async syncSoldOut(eventId: string): Promise<void> {
    const settings = await readSaleSettings(this.db, eventId);
    if (settings?.available_stock === 0) await this.redis.set(this.keys(eventId).stock, 0, 'XX');
  }

  async unitsLeft(eventId: string): Promise<number | undefined> {
    const value = await this.redis.get(this.keys(eventId).stock);
    return value === null ? undefined : Number(value);
  }

  /** After an admin created or changed the sale: settings now, counters if they are not there yet. */
  async loadSale(eventId: string): Promise<void> {
    const settings = await readSaleSettings(this.db, eventId);
    if (!settings) return;
    await this.writeSettings(eventId, settings, '');
    if ((await this.unitsLeft(eventId)) === undefined) await this.rebuild(eventId);
  }

  /**
   * Rebuilds missing counters from PostgreSQL, the source of truth: available units minus
   * reservations still in flight. One process rebuilds at a time; the others see MISSING
   * (their callers answer 503 or retry) until it is done.
   */
  async rebuild(eventId: string): Promise<'LOADED' | 'KEPT' | 'BUSY' | 'NO_SALE'> {
    const rebuilt = await withLock(this.redis, this.keys(eventId).rebuildLock, REBUILD_LOCK_MS, async () => {
      const client = await this.db.connect();
      try {
        const read = await readSaleSnapshot(client, eventId);
        if (!read) return 'NO_SALE';
        return (await this.writeSettings(eventId, read.settings, JSON.stringify(read.snapshot))) as 'LOADED' | 'KEPT';
      } finally {
        client.release();
      }
    });
    return rebuilt ?? 'BUSY';
  }

  /** Rebuilds, or waits (up to `waitMs`) for the process that is rebuilding; BUSY if it is not done by then. */
  async rebuildOrWait(eventId: string, waitMs = 1_500): Promise<'LOADED' | 'KEPT' | 'BUSY' | 'NO_SALE'> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const result = await this.rebuild(eventId);
      if (result !== 'BUSY') return result;
      if ((await this.unitsLeft(eventId)) !== undefined) return 'KEPT';
      if (Date.now() >= deadline) return 'BUSY';
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private async writeSettings(eventId: string, s: SaleSettings, snapshot: string): Promise<string> {
    const k = this.keys(eventId);
    const expireAt = Number(s.end_ms) + KEEP_AFTER_END_MS;
    await this.redis.sadd(loadedSalesKey(this.prefix), eventId);
    const loaded = (await this.run('loadSale', [k.meta, k.stock, k.held, k.pending, k.requests, k.decided, k.admissions], [
      s.is_active ? 1 : 0,
      s.start_ms,
      s.end_ms,
      s.max_per_user,
      expireAt,
      snapshot,
    ])) as string;
    // New settings or rebuilt counters: what any process learned of this sale may be out of date.
    await this.soldOut?.announce(eventId);
    return loaded;
  }
}
