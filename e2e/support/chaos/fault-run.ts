import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { createSale, createUsers } from '../../../shared/test/factories';
import type { ChaosWorld } from './chaos-world';
import { sleep } from './host-processes';
import { runSpike, type PurchaseRun } from './spike';

/** The bound: every accepted request decided within this long of the dependency's return. */
export const LIVENESS_BOUND_MS = 60_000;

export interface Fault {
  name: string;
  /** Breaks the dependency and repairs it; resolves when it answers again. */
  inject(world: ChaosWorld): Promise<void>;
}

export interface SpikeShape {
  buyers: number;
  units: number;
  /** Each buyer tries this many purchases (distinct keys); maxPerUser is 1, so at most one is bought. */
  purchasesPerBuyer: number;
  /** The fault starts once this share of the units is accepted: the rest are bought through it. */
  faultAfterShare: number;
}

export interface FaultRunResult {
  eventId: string;
  runs: PurchaseRun[];
  /** When the dependency answered again (epoch ms). */
  returnedAt: number;
  /** The last decision of the sale's requests (PostgreSQL's clock, the same machine's). */
  lastDecisionAt: number;
  /** The last decision of the requests accepted before the dependency returned: the backlog it left. */
  backlogDecidedAt: number;
  undecidedAtFault: number;
  undecidedAfterBound: number;
}

const ROUTES = { v1: (id: string) => `/flashsale/${id}/purchase`, v2: (id: string) => `/api/flashsale/${id}/purchase` };

/** A query that survives the fault: retried until it answers (the test's own pool sees the outage too). */
export async function patiently<T>(query: () => Promise<T>, forMs = 90_000): Promise<T> {
  const deadline = Date.now() + forMs;
  for (;;) {
    try {
      return await query();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(250);
    }
  }
}

const undecided = async (world: ChaosWorld, eventId: string) =>
  Number((await world.deps.db.query<{ n: string }>(`SELECT count(*) AS n FROM purchase_requests WHERE event_id = $1 AND status = 'queued'`, [eventId])).rows[0]!.n);

/**
 * A spike of careful buyers against the version's instances with `fault` injected part-way;
 * then waits (up to the liveness bound after the dependency's return) for every accepted
 * request to be decided, and says when the last one was.
 */
export async function spikeThroughFault(world: ChaosWorld, version: 'v1' | 'v2', shape: SpikeShape, fault: Fault): Promise<FaultRunResult> {
  const sale = await createSale(world.deps, { units: shape.units, maxPerUser: 1 });
  const buyers = await createUsers(world.deps, shape.buyers);
  const purchases = Array.from({ length: shape.purchasesPerBuyer }, () => buyers.map((b) => ({ token: b.token, userId: b.id, key: randomUUID() }))).flat();
  let faulted: Promise<number> | undefined;
  let undecidedAtFault = 0;
  let accepted = 0;
  const acceptedStatus = version === 'v2' ? 202 : 201;
  const startFault = async () => {
    undecidedAtFault = version === 'v2' ? await undecided(world, sale.id) : 0;
    await fault.inject(world);
    return Date.now();
  };
  const runs = await runSpike({
    urls: world.of(version).map((proc) => proc.url),
    path: ROUTES[version](sale.id),
    purchases,
    concurrency: 64,
    giveUpAfterMs: 120_000,
    onFinal: (run) => {
      if (run.final?.status === acceptedStatus && ++accepted === Math.floor(shape.units * shape.faultAfterShare)) faulted = startFault();
    },
  });
  const returnedAt = await (faulted ?? startFault());
  const deadline = returnedAt + LIVENESS_BOUND_MS;
  let left = await patiently(() => undecided(world, sale.id));
  while (left > 0 && Date.now() < deadline) {
    await sleep(250);
    left = await patiently(() => undecided(world, sale.id));
  }
  const { rows } = await patiently(() =>
    world.deps.db.query<{ last: string | null; backlog: string | null }>(
      version === 'v2'
        ? `SELECT (extract(epoch from max(decided_at)) * 1000)::bigint::text AS last,
                  (extract(epoch from max(decided_at) FILTER (WHERE accepted_at < to_timestamp($2 / 1000.0))) * 1000)::bigint::text AS backlog
           FROM purchase_requests WHERE event_id = $1`
        : `SELECT (extract(epoch from max(created_at)) * 1000)::bigint::text AS last, NULL AS backlog FROM orders WHERE event_id = $1 AND $2::bigint IS NOT NULL`,
      [sale.id, returnedAt],
    ),
  );
  const lastDecisionAt = Number(rows[0]?.last ?? 0);
  const backlogDecidedAt = rows[0]?.backlog ? Number(rows[0].backlog) : lastDecisionAt;
  return { eventId: sale.id, runs, returnedAt, lastDecisionAt, backlogDecidedAt, undecidedAtFault, undecidedAfterBound: left };
}

/** Prints, and appends to CHAOS_FIGURES_FILE when set, the time from the dependency's return to the last decision. */
export function reportRecovery(fault: string, result: FaultRunResult): void {
  const since = (at: number) => Math.max(0, at - result.returnedAt) / 1000;
  const seconds = since(result.lastDecisionAt);
  const backlog = since(result.backlogDecidedAt);
  const accepted = result.runs.filter((run) => run.final && run.final.status < 300).length;
  const retried = result.runs.filter((run) => run.answers.length > 1).length;
  const slowest5xx = Math.max(0, ...result.runs.flatMap((run) => run.answers).filter((a) => a.status >= 500).map((a) => a.tookMs ?? 0)) / 1000;
  const figure = {
    fault,
    recoverySeconds: Number(seconds.toFixed(2)),
    backlogSeconds: Number(backlog.toFixed(2)),
    accepted,
    retried,
    slowest5xxSeconds: Number(slowest5xx.toFixed(2)),
    undecidedAtFault: result.undecidedAtFault,
    at: new Date().toISOString(),
  };
  process.stdout.write(
    `[chaos] ${fault}: dependency back -> last decision ${seconds.toFixed(2)} s, requests accepted before its return all decided ${backlog.toFixed(2)} s ` +
      `(accepted ${accepted}, ${retried} purchases retried, slowest 5xx answer ${slowest5xx.toFixed(2)} s, undecided when it struck ${result.undecidedAtFault})\n`,
  );
  if (process.env.CHAOS_FIGURES_FILE) fs.appendFileSync(process.env.CHAOS_FIGURES_FILE, `${JSON.stringify(figure)}\n`);
}
