import { describe, it, expect } from '@jest/globals';
import { auditRun, type Audit, type AuditSpec } from './audit';
import type { PurchaseRecord } from './records';

const request = (buyer: number, extra: Partial<PurchaseRecord>): PurchaseRecord => ({ buyer, userId: `u${buyer}`, quantity: 1, accepted: false, ...extra });

/** A clean v2 run: `sold` buyers confirmed (order o<i>), the rest refused SOLD_OUT. */
function cleanRun({ buyers = 5, stock = 2, sold = 2 } = {}): AuditSpec {
  const records = Array.from({ length: buyers }, (_, i) => ({
    buyer: i,
    userId: `u${i}`,
    startMs: 0,
    endMs: 10,
    status: 202,
    accepted: true,
    quantity: 1,
    decision: i < sold ? { status: 'confirmed', orderId: `o${i}`, atMs: 20 } : { status: 'failed', code: 'SOLD_OUT', atMs: 20 },
  }));
  const orders = Array.from({ length: sold }, (_, i) => ({ id: `o${i}`, userId: `u${i}`, quantity: 1 }));
  return { version: 'v2', stock, maxPerUser: 1, records, orders, event: { id: 'sale', availableStock: stock - sold, soldQuantity: sold }, verification: { checked: buyers, mismatches: 0 } };
}

const failed = (audit: Audit): string[] => audit.checks.filter((c) => !c.ok).map((c) => c.name);

describe('audit of a run', () => {
  it('a sold-out sale whose orders, counters and answers agree passes every check', () => {
    const audit = auditRun(cleanRun());
    expect(failed(audit)).toEqual([]);
    expect(audit.ok).toBe(true);
  });

  it('an oversold sale fails: more units sold than allocated', () => {
    const run = cleanRun();
    run.event = { id: 'sale', availableStock: 0, soldQuantity: 3 };
    run.orders.push({ id: 'o9', userId: 'u9', quantity: 1 });
    expect(failed(auditRun(run))).toEqual(expect.arrayContaining(['available + sold = allocated', 'no oversell', 'every order was told to its buyer, and only those']));
  });

  it('orders that do not add up to the sold counter fail "orders = sold"', () => {
    const run = cleanRun();
    run.orders.pop();
    expect(failed(auditRun(run))).toContain('orders = sold');
  });

  it('a buyer told "confirmed" without an order fails', () => {
    const run = cleanRun();
    run.records[2]!.decision = { status: 'confirmed', orderId: 'ghost', atMs: 30 };
    expect(failed(auditRun(run))).toEqual(['every order was told to its buyer, and only those']);
  });

  it('a user above maxPerUser fails', () => {
    const run = cleanRun();
    run.orders[1]!.userId = 'u0';
    expect(failed(auditRun(run))).toEqual(['no user above maxPerUser']);
  });

  it('a 500 fails "no 5xx"; a 503 OVERLOADED is back-pressure the contract allows', () => {
    const run = cleanRun({ buyers: 6 });
    run.records[5] = request(5, { startMs: 0, endMs: 5, status: 503, code: 'OVERLOADED' });
    expect(failed(auditRun(run))).toEqual([]);
    run.records[4] = request(4, { startMs: 0, endMs: 5, status: 500, code: 'INTERNAL' });
    expect(failed(auditRun(run))).toEqual(['no 5xx']);
  });

  it('an accepted request never decided, and a request never answered, fail', () => {
    const run = cleanRun();
    delete run.records[4]!.decision;
    run.records[3] = request(3, {});
    expect(failed(auditRun(run))).toEqual(expect.arrayContaining(['every request answered', 'every accepted request decided']));
  });

  it('units left unsold while buyers were refused fails when demand exceeded stock', () => {
    const run = cleanRun({ buyers: 5, stock: 3, sold: 2 });
    expect(failed(auditRun(run))).toEqual(['demand >= stock, so every unit sold']);
  });

  it('a status endpoint that disagrees with a decision fails (v2 only)', () => {
    const run = cleanRun();
    run.verification = { checked: 5, mismatches: 1 };
    expect(failed(auditRun(run))).toEqual(['status endpoint agrees with every decision']);
    expect(auditRun({ ...run, version: 'v1' }).checks.map((c) => c.name)).not.toContain('status endpoint agrees with every decision');
  });
});
