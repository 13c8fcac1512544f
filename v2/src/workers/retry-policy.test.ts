import { DependencyUnavailable } from '@flashfast/shared';
import { BrokenRecord, DecideAgain } from './job-failures';
import { failureCause, retryPolicy } from './retry-policy';

const defaults = { PURCHASE_ATTEMPTS: 5, PURCHASE_BACKOFF_MS: 200, PURCHASE_BACKOFF_MAX_MS: 5_000, PURCHASE_RETRY_FOR_MS: 120_000 };
const totalDelay = (policy: ReturnType<typeof retryPolicy>) =>
  Array.from({ length: policy.attempts - 1 }, (_, i) => policy.delayMs(i + 1)).reduce((a, b) => a + b, 0);

describe('retry policy', () => {
  it('backs off exponentially from PURCHASE_BACKOFF_MS, capped at PURCHASE_BACKOFF_MAX_MS', () => {
    const policy = retryPolicy(defaults);
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((n) => policy.delayMs(n))).toEqual([200, 400, 800, 1600, 3200, 5000, 5000, 5000]);
  });

  it('gives infrastructure failures enough attempts that their delays alone cover the retry window', () => {
    for (const window of [60_000, 120_000, 1_000]) {
      const policy = retryPolicy({ ...defaults, PURCHASE_RETRY_FOR_MS: window });
      expect(totalDelay(policy)).toBeGreaterThanOrEqual(window);
      // and not much more than one capped delay beyond it
      expect(totalDelay(policy) - window).toBeLessThan(defaults.PURCHASE_BACKOFF_MAX_MS);
    }
  });

  it('retries a dependency failure for the whole window, anything else PURCHASE_ATTEMPTS times', () => {
    const policy = retryPolicy(defaults);
    const lost = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const bug = new TypeError("Cannot read properties of undefined (reading 'id')");
    expect(policy.afterFailure(lost, 5)).toEqual({ retry: true });
    expect(policy.afterFailure(lost, policy.attempts)).toEqual({ retry: false, cause: 'infrastructure' });
    expect(policy.afterFailure(bug, 4)).toEqual({ retry: true });
    expect(policy.afterFailure(bug, 5)).toEqual({ retry: false, cause: 'processing' });
  });

  it('calls down, restarting, paused and failing-over dependencies infrastructure, and a broken row processing', () => {
    const infrastructure = [
      new Error('Connection terminated unexpectedly'),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      new Error('Query read timeout'),
      Object.assign(new Error('Reached the max retries per request limit (which is 2).'), { name: 'MaxRetriesPerRequestError' }),
      new Error("READONLY You can't write against a read only replica."),
      new DependencyUnavailable('stock counters are being rebuilt'),
      new DecideAgain('reservation was released but the request is undecided; deciding again'),
      new Error('job stalled more than allowable limit'),
    ];
    expect(infrastructure.map(failureCause)).toEqual(infrastructure.map(() => 'infrastructure'));
    const processing = [
      Object.assign(new Error('injected write failure'), { code: 'P0001' }),
      new RangeError('bad'),
      new BrokenRecord('purchase request 1 has no row'),
      // A broken record is never taken for a dependency failure, whatever its message says.
      new BrokenRecord('Connection terminated while reading request 1'),
    ];
    expect(processing.map(failureCause)).toEqual(processing.map(() => 'processing'));
  });
});
