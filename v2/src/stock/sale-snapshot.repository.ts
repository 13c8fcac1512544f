import type { DbClient, Queryable } from '@flashfast/shared';
import { dedupField } from './sale-keys';

export interface SaleSettings {
  is_active: boolean;
  start_ms: string;
  end_ms: string;
  max_per_user: number;
  available_stock: number;
}

export async function readSaleSettings(db: Queryable, eventId: string): Promise<SaleSettings | undefined> {
  const { rows } = await db.query<SaleSettings>(
    `SELECT is_active, (extract(epoch from start_time) * 1000)::bigint::text AS start_ms,
            (extract(epoch from end_time) * 1000)::bigint::text AS end_ms, max_per_user, available_stock
     FROM flash_sale_events WHERE id = $1`,
    [eventId],
  );
  return rows[0];
}

/** What load-sale needs to rebuild a sale's counters (see its header for the shape). */
export interface SaleSnapshot {
  available: number;
  held: [string, number][];
  queued: [string, string, number, string][];
  keyed: [string, string][];
}

/** Settings, confirmed holdings and queued requests, all from one REPEATABLE READ snapshot. */
export async function readSaleSnapshot(
  client: DbClient,
  eventId: string,
): Promise<{ settings: SaleSettings; snapshot: SaleSnapshot } | undefined> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const settings = await readSaleSettings(client, eventId);
    if (!settings) return undefined;
    const held = await client.query<{ user_id: string; quantity: number }>(
      'SELECT user_id, quantity FROM event_user_quotas WHERE event_id = $1 AND quantity > 0',
      [eventId],
    );
    const requests = await client.query<{ id: string; user_id: string; quantity: number; idempotency_key: string | null; status: string }>(
      `SELECT id, user_id, quantity, idempotency_key, status FROM purchase_requests
       WHERE event_id = $1 AND (status = 'queued' OR idempotency_key IS NOT NULL)`,
      [eventId],
    );
    const field = (r: { user_id: string; quantity: number; idempotency_key: string | null }) =>
      dedupField(r.user_id, r.quantity, r.idempotency_key ?? undefined);
    return {
      settings,
      snapshot: {
        available: settings.available_stock,
        held: held.rows.map((row) => [row.user_id, row.quantity]),
        queued: requests.rows.filter((r) => r.status === 'queued').map((r) => [r.id, r.user_id, r.quantity, field(r)]),
        keyed: requests.rows.filter((r) => r.idempotency_key !== null).map((r) => [field(r), `${r.id}:${r.quantity}`]),
      },
    };
  } finally {
    await client.query('COMMIT');
  }
}
