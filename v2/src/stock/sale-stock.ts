import { isPurchaseRefusal, type Db, type PurchaseRefusal, type Redis } from '@flashfast/shared';
import { dedupField, saleKeys, type SaleKeys } from './sale-keys';
import { stockScripts, type RunScript } from './stock-scripts';

const KEEP_AFTER_END_MS = 24 * 3600 * 1000;

export type Admission =
  | { kind: 'missing' }
  | { kind: 'existing'; requestId: string; quantity: number }
  | { kind: 'refused'; code: PurchaseRefusal }
  | { kind: 'accepted'; acceptedAt: number };

export type Decision =
  | { kind: 'missing' }
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

interface SaleSettings {
  is_active: boolean;
  start_ms: string;
  end_ms: string;
  max_per_user: number;
  available_stock: number;
}

/** The sale's live counters in Redis: what the API admits and what the worker reserves. */
export class SaleStock {
  private readonly run: RunScript;

  constructor(
    private readonly redis: Redis,
    private readonly db: Db,
    private readonly prefix: string,
  ) {
    this.run = stockScripts(redis);
  }

  keys(eventId: string): SaleKeys {
    return saleKeys(this.prefix, eventId);
  }

  async admit(ref: PurchaseRef): Promise<Admission> {
    const k = this.keys(ref.eventId);
    const reply = (await this.run('admitPurchase', [k.meta, k.stock, k.held, k.pending, k.requests], [
      ref.userId,
      ref.quantity,
      ref.requestId,
      dedupField(ref.userId, ref.quantity, ref.idempotencyKey),
    ])) as string[];
    switch (reply[0]) {
      case 'MISSING':
        return { kind: 'missing' };
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

  async undoAdmission(ref: PurchaseRef): Promise<void> {
    const k = this.keys(ref.eventId);
    await this.run('undoAdmission', [k.pending, k.requests], [
      ref.userId,
      ref.quantity,
      ref.requestId,
      dedupField(ref.userId, ref.quantity, ref.idempotencyKey),
    ]);
  }

  /** `token` names this run's reservation; a re-run finds the earlier run's token in the marker. */
  async decide(ref: PurchaseRef, acceptedAt: number, token: string): Promise<Decision> {
    const k = this.keys(ref.eventId);
    const reply = (await this.run('decidePurchase', [k.meta, k.stock, k.held, k.pending, k.requests, k.decided], [
      ref.requestId,
      ref.userId,
      ref.quantity,
      acceptedAt,
      dedupField(ref.userId, ref.quantity, ref.idempotencyKey),
      token,
    ])) as string[];
    switch (reply[0]) {
      case 'MISSING':
        return { kind: 'missing' };
      case 'DECIDED':
        return { kind: 'decided-before', marker: reply[1]! };
      case 'FAILED':
        return { kind: 'failed', code: asRefusal(reply[1]) };
      default:
        return { kind: 'reserved', unitsLeft: Number(reply[1]) };
    }
  }

  /** Gives back a live reservation's units (only the one named `token`, if given); true when units went back. */
  async release(ref: Pick<PurchaseRef, 'requestId' | 'userId' | 'eventId'>, token = ''): Promise<boolean> {
    const k = this.keys(ref.eventId);
    return (await this.run('releaseReservation', [k.stock, k.held, k.decided], [ref.requestId, ref.userId, token])) === 1;
  }

  /** Forgets a request's decision so that it can be decided again (replay from the dead-letter queue). */
  async forgetDecision(eventId: string, requestId: string): Promise<void> {
    await this.redis.hdel(this.keys(eventId).decided, requestId);
  }

  /** PostgreSQL refused a reservation as sold out: if it has nothing left, neither has Redis. */
  async syncSoldOut(eventId: string): Promise<void> {
    const settings = await this.readSettings(eventId);
    if (settings?.available_stock === 0) await this.redis.set(this.keys(eventId).stock, 0, 'XX');
  }

  async unitsLeft(eventId: string): Promise<number | undefined> {
    const value = await this.redis.get(this.keys(eventId).stock);
    return value === null ? undefined : Number(value);
  }

  /** After an admin created or changed the sale: settings now, counters if they are not there yet. */
  async loadSale(eventId: string): Promise<void> {
    const settings = await this.readSettings(eventId);
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
    const k = this.keys(eventId);
    if ((await this.redis.set(k.rebuildLock, '1', 'PX', 10_000, 'NX')) !== 'OK') return 'BUSY';
    try {
      const client = await this.db.connect();
      try {
        // One snapshot for settings, confirmed holdings and queued requests.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const settings = await this.readSettings(eventId, client);
        if (!settings) return 'NO_SALE';
        const held = await client.query<{ user_id: string; quantity: number }>(
          'SELECT user_id, quantity FROM event_user_quotas WHERE event_id = $1 AND quantity > 0',
          [eventId],
        );
        const requests = await client.query<{ id: string; user_id: string; quantity: number; idempotency_key: string | null; status: string }>(
          `SELECT id, user_id, quantity, idempotency_key, status FROM purchase_requests
           WHERE event_id = $1 AND (status = 'queued' OR idempotency_key IS NOT NULL)`,
          [eventId],
        );
        await client.query('COMMIT');
        const field = (r: { user_id: string; quantity: number; idempotency_key: string | null }) =>
          dedupField(r.user_id, r.quantity, r.idempotency_key ?? undefined);
        const snapshot = {
          available: settings.available_stock,
          held: held.rows.map((row) => [row.user_id, row.quantity]),
          queued: requests.rows.filter((r) => r.status === 'queued').map((r) => [r.id, r.user_id, r.quantity, field(r)]),
          keyed: requests.rows.filter((r) => r.idempotency_key !== null).map((r) => [field(r), `${r.id}:${r.quantity}`]),
        };
        return (await this.writeSettings(eventId, settings, JSON.stringify(snapshot))) as 'LOADED' | 'KEPT';
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    } finally {
      await this.redis.del(k.rebuildLock);
    }
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

  private async readSettings(eventId: string, db: Pick<Db, 'query'> = this.db): Promise<SaleSettings | undefined> {
    const { rows } = await db.query<SaleSettings>(
      `SELECT is_active, (extract(epoch from start_time) * 1000)::bigint::text AS start_ms,
              (extract(epoch from end_time) * 1000)::bigint::text AS end_ms, max_per_user, available_stock
       FROM flash_sale_events WHERE id = $1`,
      [eventId],
    );
    return rows[0];
  }

  private async writeSettings(eventId: string, s: SaleSettings, snapshot: string): Promise<string> {
    const k = this.keys(eventId);
    const expireAt = Number(s.end_ms) + KEEP_AFTER_END_MS;
    return (await this.run('loadSale', [k.meta, k.stock, k.held, k.pending, k.requests, k.decided], [
      s.is_active ? 1 : 0,
      s.start_ms,
      s.end_ms,
      s.max_per_user,
      expireAt,
      snapshot,
    ])) as string;
  }
}
