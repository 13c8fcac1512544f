import { describe, it, expect } from '@jest/globals';
import { classify } from './spike';
import { formatProgress } from './progress';

describe('classifying purchase answers', () => {
  it('a v1 201 is accepted and decided at once, with its order', () => {
    expect(classify('v1', 201, { order: { id: 'o1' } }, 12)).toEqual({ status: 201, code: undefined, accepted: true, decision: { status: 'confirmed', orderId: 'o1', atMs: 12 } });
  });

  it('a v2 202 is accepted and waits for the worker', () => {
    const body = { requestId: 'r1', status: 'queued', statusUrl: '/api/flashsale/purchases/r1' };
    expect(classify('v2', 202, body, 5)).toEqual({ status: 202, code: undefined, accepted: true, requestId: 'r1', statusUrl: body.statusUrl });
  });

  it('a 409 is a final refusal in both versions; a 503 or 429 is neither accepted nor decided', () => {
    expect(classify('v2', 409, { error: { code: 'SOLD_OUT' } }, 7).decision).toEqual({ status: 'failed', code: 'SOLD_OUT', atMs: 7 });
    expect(classify('v1', 503, { error: { code: 'OVERLOADED' } }, 7)).toEqual({ status: 503, code: 'OVERLOADED', accepted: false });
    expect(classify('v1', 429, { error: { code: 'RATE_LIMITED' } }, 7).decision).toBeUndefined();
  });
});

describe('progress line', () => {
  it('shows the spike as sent, answered with its rate, accepted and errors', () => {
    const state = { phase: 'v1 spike', t0: 1000, total: 100, sent: 60, answered: 50, accepted: 10, failed: 1 };
    expect(formatProgress(state, 3000)).toBe('[   2.0s] v1 spike: sent 60/100, answered 50 (25/s), accepted 10, errors 1');
  });

  it('shows how many v2 decisions are in', () => {
    expect(formatProgress({ phase: 'v2 decisions', t0: 0, total: 9, decided: 4 }, 500)).toBe('[   0.5s] v2 decisions: 4/9 decided');
  });
});
