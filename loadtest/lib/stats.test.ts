import { describe, it, expect } from '@jest/globals';
import { latencySummary, summarise, movingRate, binWidth, answerLabel } from './stats';
import type { PurchaseRecord } from './records';

/** A request record: buyer 0 unless `extra` says otherwise. */
const request = (extra: Partial<PurchaseRecord> = {}): PurchaseRecord => ({ buyer: 0, userId: 'u0', quantity: 1, accepted: false, ...extra });
const answer = (startMs: number, endMs: number, status: number, extra: Partial<PurchaseRecord> = {}): PurchaseRecord => request({ startMs, endMs, status, ...extra });

describe('latency percentiles', () => {
  it('uses the nearest rank: p50 of 1..100 is 50, p95 is 95, p99 is 99', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(latencySummary(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('a single value is every percentile; no values give nulls', () => {
    expect(latencySummary([7])).toEqual({ count: 1, p50: 7, p95: 7, p99: 7, max: 7 });
    expect(latencySummary([])).toEqual({ count: 0, p50: null, p95: null, p99: null, max: null });
  });
});

describe('run figures', () => {
  it('v1: every rate with its success rate; sell-out at the last 201; every decision is the API\'s', () => {
    const records = [
      answer(0, 100, 201, { accepted: true, decision: { status: 'confirmed', atMs: 100 } }),
      answer(0, 400, 201, { accepted: true, decision: { status: 'confirmed', atMs: 400 } }),
      answer(10, 500, 409, { code: 'SOLD_OUT', decision: { status: 'failed', code: 'SOLD_OUT', atMs: 500 } }),
      answer(10, 1000, 409, { code: 'SOLD_OUT', decision: { status: 'failed', code: 'SOLD_OUT', atMs: 1000 } }),
    ];
    const s = summarise(records, { stock: 2 });
    expect(s).toMatchObject({ requests: 4, answered: 4, accepted: 2, confirmed: 2, unitsSold: 2, answeredPerSecond: 4, answeredSuccessRate: 0.5, decidedPerSecond: 4, decidedSuccessRate: 0.5 });
    // While units lasted (to the last 201 at 400 ms): 2 bought of the 2 answers by then.
    expect(s).toMatchObject({ lastAcceptedSeconds: 0.4, acceptedWhileSellingPerSecond: 5, acceptedWhileSellingSuccessRate: 1 });
    expect(s.decidedByApi).toEqual({ 201: 2, '409 SOLD_OUT': 2 });
    expect(s.decidedByWorker).toEqual({});
    expect(s.timeToSellOutSeconds).toBe(0.4);
    expect(s.firstSoldOutSeconds).toBe(0.5);
    expect(s.timeToLastDecisionSeconds).toBe(1);
    expect(s.answers).toEqual({ 201: 2, '409 SOLD_OUT': 2 });
    expect(s.latencyMs['409 SOLD_OUT']).toMatchObject({ count: 2, p50: 490, max: 990 });
  });

  it('v2: decisions come after the answers; the undecided, unanswered and errors are counted', () => {
    const records = [
      answer(0, 50, 202, { accepted: true, decision: { status: 'confirmed', atMs: 900 } }),
      answer(0, 60, 202, { accepted: true }),
      answer(0, 70, 503, { code: 'OVERLOADED' }),
      request({ startMs: 5, endMs: 80, error: 'ECONNRESET' }),
      request(),
    ];
    const s = summarise(records, { stock: 10 });
    expect(s.timeToLastDecisionSeconds).toBe(0.9);
    expect(s.timeToSellOutSeconds).toBeNull();
    expect(s.errors).toEqual({ transport: 1, serverErrors: 0, status5xx: 1, unanswered: 1, undecided: 1 });
    expect(s.answers).toEqual({ 202: 2, '503 OVERLOADED': 1, 'error ECONNRESET': 1, unanswered: 1 });
  });

  it("v2: the API's immediate 409s and the worker's decisions are told apart", () => {
    const records = [
      answer(0, 50, 202, { accepted: true, decision: { status: 'confirmed', atMs: 400 } }),
      answer(0, 60, 202, { accepted: true, decision: { status: 'failed', code: 'SOLD_OUT', atMs: 500 } }),
      answer(0, 70, 409, { code: 'SOLD_OUT', decision: { status: 'failed', code: 'SOLD_OUT', atMs: 70 } }),
      answer(0, 80, 409, { code: 'SOLD_OUT', decision: { status: 'failed', code: 'SOLD_OUT', atMs: 80 } }),
    ];
    const s = summarise(records, { stock: 1 });
    expect(s.decidedByApi).toEqual({ '409 SOLD_OUT': 2 });
    expect(s.decidedByWorker).toEqual({ confirmed: 1, 'failed SOLD_OUT': 1 });
    expect(s).toMatchObject({ decided: 4, decidedSuccessRate: 0.25, answeredSuccessRate: 0.5, acceptedWhileSellingSuccessRate: 1, lastAcceptedSeconds: 0.06 });
  });

  it('labels answers by status and error code', () => {
    expect(answerLabel(request({ status: 201 }))).toBe('201');
    expect(answerLabel(request({ status: 409, code: 'LIMIT_EXCEEDED' }))).toBe('409 LIMIT_EXCEEDED');
    expect(answerLabel(request({ error: 'UND_ERR_HEADERS_TIMEOUT' }))).toBe('error UND_ERR_HEADERS_TIMEOUT');
  });
});

describe('throughput over time', () => {
  it('a moving window shows the rate of answers that come in waves, where fixed bins show zeros between them', () => {
    // Waves of 4 answers every 400 ms, as a closed-loop client sees a server that answers in batches.
    const records = [0, 400, 800, 1200].flatMap((waveMs) => [1, 2, 3, 4].map(() => ({ t: waveMs + 390 })));
    // Fixed 200 ms bins, as the report drew them before: every other one empty.
    const bins = [0, 1, 2, 3, 4, 5, 6, 7].map((bin) => (records.filter((r) => Math.floor(r.t / 200) === bin).length * 1000) / 200);
    const moving = movingRate(records, (r) => [['answers', r.t]], 200, 800).map((row) => row.perSecond);

    expect(bins).toEqual([0, 20, 0, 20, 0, 20, 0, 20]);
    // From 800 ms on, every window holds two waves: 8 answers in 0.8 s.
    expect(moving.slice(4, 9)).toEqual([10, 10, 10, 10, 10]);
    expect(moving[0]).toBe(0);
  });

  it('bin widths give about the asked number of bins, in whole 10 ms', () => {
    expect(binWidth(12_000, 120)).toBe(100);
    expect(binWidth(50, 100)).toBe(10);
    expect(binWidth(3_333, 100)).toBe(40);
  });
});
