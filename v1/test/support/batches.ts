import { randomUUID } from 'node:crypto';
import type { Deps } from '@flashfast/shared';
import { createUser, type TestUser } from '../../../shared/test/factories';
import { call, type CallResult } from '../../../shared/test/support/http';
import { saleLedger } from '../../../shared/test/support/sale-ledger';

/**
 * Polls until `done`. The bound only names what never happened, well before Jest's timeout: on
 * a machine shared by several runs, 200 requests may take tens of seconds to reach the server
 * (the former 12 s was exceeded under a load of 20 on 2 cores).
 */
const until = async (what: string, done: () => Promise<boolean>): Promise<void> => {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (await done()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting until ${what}`);
};

export type Answer = CallResult<{ order?: { id: string; eventId: string; userId: string }; error?: { code: string } }>;

export const purchase = (url: string, eventId: string, token: string, quantity = 1, key?: string): Promise<Answer> =>
  call(url, 'POST', `/flashsale/${eventId}/purchase`, { token, body: { quantity }, headers: key ? { 'Idempotency-Key': key } : undefined });

export const codesOf = (answers: Answer[]): string[] => answers.map((answer) => (answer.status === 201 ? '201' : answer.body.error!.code));

export const count = (values: string[], value: string): number => values.filter((v) => v === value).length;

/** Batches decided so far by this app: how many, and how many purchases they held. */
export async function batchTotals(deps: Deps): Promise<{ batches: number; purchases: number }> {
  const { values } = await deps.metrics.purchaseBatchSize.get();
  const of = (suffix: string) => values.find((value) => value.metricName?.endsWith(suffix))?.value ?? 0;
  return { batches: of('_count'), purchases: of('_sum') };
}

/**
 * Fires `burst` so that it lands in one batch (when the app's PURCHASE_BATCH_MAX allows): each
 * sale's row is locked by a transaction of the test, as a long batch of another instance would
 * hold it; an opening purchase per sale (by `openers`, fresh users by default) starts a batch
 * that waits for that lock; the burst is sent and waits behind it in the combiner; `meanwhile`
 * runs; then the locks are let go. Answers come in the burst's order.
 */
export async function landTogether(
  deps: Deps,
  url: string,
  eventIds: string[],
  burst: () => Promise<Answer>[],
  options: { openers?: TestUser[]; meanwhile?: () => Promise<void> } = {},
): Promise<Answer[]> {
  const openers = options.openers ?? (await Promise.all(eventIds.map(() => createUser(deps))));
  const holder = await deps.db.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('SELECT 1 FROM flash_sale_events WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE', [eventIds]);
    const opening = eventIds.map((eventId, i) => purchase(url, eventId, openers[i]!.token, 1, `opener-${randomUUID()}`));
    await until('every opener waits for its sale', async () => (await lockWaiters(deps)) >= eventIds.length);
    const fired = burst();
    await until('the burst waits in the combiner', async () => (await deps.metrics.purchasesDeciding.get()).values[0]?.value === eventIds.length + fired.length);
    await options.meanwhile?.();
    await holder.query('COMMIT');
    const answers = await Promise.all(fired);
    for (const opened of await Promise.all(opening)) expect(opened.status).toBe(201);
    return answers;
  } finally {
    await holder.query('ROLLBACK').catch(() => undefined);
    holder.release();
  }
}

async function lockWaiters(deps: Deps): Promise<number> {
  const { rows } = await deps.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return rows[0]!.n;
}

/**
 * A fault in the database for one sale's order writes (not `spared`'s): the first order row
 * written fails with `fault` ('deadlock': SQLSTATE 40P01; 'lost-connection': the backend is
 * terminated mid-statement). Later writes pass. Returns the undo.
 */
export async function failFirstOrderWrite(deps: Deps, eventId: string, spared: string[], fault: 'deadlock' | 'lost-connection'): Promise<() => Promise<void>> {
  const name = `fault_${randomUUID().replaceAll('-', '')}`;
  const action =
    fault === 'deadlock'
      ? `RAISE EXCEPTION 'injected deadlock' USING ERRCODE = '40P01'`
      : 'PERFORM pg_terminate_backend(pg_backend_pid())';
  const sparedList = spared.map((id) => `'${id}'::uuid`).join(', ') || 'NULL';
  await deps.db.query(`CREATE SEQUENCE ${name}`);
  await deps.db.query(`
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.user_id NOT IN (${sparedList}) AND nextval('${name}') = 1 THEN ${action}; END IF;
      RETURN NEW;
    END $$`);
  await deps.db.query(`CREATE TRIGGER ${name} BEFORE INSERT ON orders FOR EACH ROW WHEN (NEW.event_id = '${eventId}'::uuid) EXECUTE FUNCTION ${name}()`);
  return async () => {
    await deps.db.query(`DROP TRIGGER IF EXISTS ${name} ON orders`);
    await deps.db.query(`DROP FUNCTION IF EXISTS ${name}()`);
    await deps.db.query(`DROP SEQUENCE IF EXISTS ${name}`);
  };
}

/** What the database holds for a sale: counters, orders, and units per buyer. */
export const ledger = (deps: Deps, eventId: string) => saleLedger(deps.db, eventId);
