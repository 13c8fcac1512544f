// The audit of one target's run: what the sale, its orders and every buyer's answer must agree on.
// Pure: the caller fetches the sale and its orders (see sale-state.ts) and passes them in.
import type { PurchaseRecord, Version } from './records';
import type { Order, SaleEvent } from './sale-state';
import type { Verification } from './settle';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Audit {
  ok: boolean;
  checks: Check[];
}

export interface AuditSpec {
  version: Version;
  stock: number;
  maxPerUser: number;
  records: PurchaseRecord[];
  event: SaleEvent;
  orders: Order[];
  verification?: Verification;
}

/** A 503 with one of these codes is the contract's back-pressure, not a server failure. */
const CONTRACTUAL_503 = new Set(['OVERLOADED', 'UNAVAILABLE']);

const check = (name: string, ok: unknown, detail: string): Check => ({ name, ok: Boolean(ok), detail });

/**
 * `records`: one per request (see stats.summarise). `event`: GET /flashsale-events/:id's event.
 * `orders`: every order of the sale. `stock`: units allocated to the sale. `verification`:
 * for v2, how many decisions the HTTP status endpoint contradicted (or undefined if not checked).
 */
export function auditRun({ version, stock, maxPerUser, records, event, orders, verification }: AuditSpec): Audit {
  const checks: Check[] = [];
  const unanswered = records.filter((r) => r.endMs === undefined || r.error);
  checks.push(
    check('every request answered', unanswered.length === 0, unanswered.length === 0 ? `${records.length} answers` : `${unanswered.length} of ${records.length} without an HTTP answer (${firstErrors(unanswered)})`),
  );
  const contractual = (r: PurchaseRecord): boolean => r.status === 503 && CONTRACTUAL_503.has(r.code ?? '');
  const failures = records.filter((r) => (r.status ?? 0) >= 500 && !contractual(r));
  const backPressure = records.filter(contractual).length;
  checks.push(check('no 5xx', failures.length === 0, `${failures.length} server errors${backPressure ? `; ${backPressure} contractual 503 (back-pressure, Retry-After)` : ''}`));

  const accepted = records.filter((r) => r.accepted);
  if (version === 'v2') {
    const undecided = accepted.filter((r) => !r.decision || !['confirmed', 'failed'].includes(r.decision.status));
    checks.push(check('every accepted request decided', undecided.length === 0, `${accepted.length - undecided.length} of ${accepted.length} decided`));
    if (verification !== undefined) {
      checks.push(check('status endpoint agrees with every decision', verification.mismatches === 0, `${verification.checked} read back, ${verification.mismatches} differ`));
    }
  }

  const allocated = event.availableStock + event.soldQuantity;
  checks.push(check('available + sold = allocated', allocated === stock, `${event.availableStock} + ${event.soldQuantity} = ${allocated}, allocated ${stock}`));
  checks.push(check('no oversell', event.soldQuantity <= stock && event.availableStock >= 0, `sold ${event.soldQuantity} of ${stock}`));
  const orderUnits = orders.reduce((n, order) => n + order.quantity, 0);
  checks.push(check('orders = sold', orderUnits === event.soldQuantity, `${orders.length} orders, ${orderUnits} units; sale says sold ${event.soldQuantity}`));

  const told = new Set(records.filter((r) => r.decision?.status === 'confirmed').map((r) => r.decision?.orderId));
  const stored = new Set<string | undefined>(orders.map((order) => order.id));
  const untold = [...stored].filter((id) => !told.has(id)).length;
  const missing = [...told].filter((id) => !stored.has(id)).length;
  checks.push(check('every order was told to its buyer, and only those', untold === 0 && missing === 0, `${told.size} confirmations, ${stored.size} orders; ${missing} confirmed without an order, ${untold} orders nobody was told of`));

  const perUser = new Map<string, number>();
  for (const order of orders) perUser.set(order.userId, (perUser.get(order.userId) ?? 0) + order.quantity);
  const over = [...perUser.values()].filter((units) => units > maxPerUser).length;
  checks.push(check('no user above maxPerUser', over === 0, `${perUser.size} buyers hold units, ${over} above ${maxPerUser}`));

  const demand = records.reduce((n, r) => n + (r.quantity ?? 1), 0);
  if (demand >= stock && failures.length === 0 && unanswered.length === 0) {
    checks.push(check('demand >= stock, so every unit sold', event.soldQuantity === stock, `demand ${demand}, sold ${event.soldQuantity} of ${stock}`));
  }
  return { ok: checks.every((c) => c.ok), checks };
}

function firstErrors(records: PurchaseRecord[]): string {
  const counts: Record<string, number> = {};
  for (const r of records) {
    const key = r.error ?? 'no answer';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.entries(counts)
    .map(([key, n]) => `${key} x${n}`)
    .join(', ');
}

/** The audit as text lines, for the console. */
export function formatAudit(version: string, audit: Audit): string {
  const lines = [`audit ${version}: ${audit.ok ? 'PASSED' : 'FAILED'}`];
  for (const c of audit.checks) lines.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  return lines.join('\n');
}

