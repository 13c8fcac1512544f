import { isDependencyFailure, type Config } from '@flashfast/shared';
import { BrokenRecord } from './job-failures';

/**
 * Why processing a purchase failed: a dependency (PostgreSQL, Redis) being down, restarting or
 * failing over is `infrastructure`, retried for a long while and replayed by itself once the
 * dependency is back; anything else (a bug, a broken row) is `processing`, retried a few times,
 * then left to an admin. Both a one-purchase job and a batch job use this one policy.
 */
export type FailureCause = 'infrastructure' | 'processing';

// BullMQ's own words for a job whose worker kept losing its lock (a worker or Redis lost).
const LOST_JOB = /stalled more than allowable limit|Missing lock for job/;

export const failureCause = (error: unknown): FailureCause => {
  if (error instanceof BrokenRecord) return 'processing';
  return isDependencyFailure(error) || (error instanceof Error && LOST_JOB.test(error.message)) ? 'infrastructure' : 'processing';
};

/** The name a job's `backoff.type` gives BullMQ, which then asks the worker's `backoffStrategy`. */
export const BACKOFF_TYPE = 'purchase-retry';

export type RetryVerdict = { retry: true } | { retry: false; cause: FailureCause };

export interface RetryPolicy {
  /** Attempts a job gets: enough for infrastructure failures to be retried for PURCHASE_RETRY_FOR_MS. */
  readonly attempts: number;
  /** Capped exponential delay before the next attempt, after `attemptsMade` failed ones. */
  delayMs(attemptsMade: number): number;
  /** After a failed attempt (`attemptsMade` counts it): try again, or give up, saying why. */
  afterFailure(error: unknown, attemptsMade: number): RetryVerdict;
}

type RetryConfig = Pick<Config, 'PURCHASE_ATTEMPTS' | 'PURCHASE_BACKOFF_MS' | 'PURCHASE_BACKOFF_MAX_MS' | 'PURCHASE_RETRY_FOR_MS'>;

export function retryPolicy(config: RetryConfig): RetryPolicy {
  const delayMs = (attemptsMade: number) =>
    Math.min(config.PURCHASE_BACKOFF_MAX_MS, config.PURCHASE_BACKOFF_MS * 2 ** Math.min(Math.max(attemptsMade - 1, 0), 30));
  // The delays between attempts must add up to the retry window; the attempts' own time adds to it.
  let attempts = 1;
  for (let waited = 0; waited < config.PURCHASE_RETRY_FOR_MS; attempts += 1) waited += delayMs(attempts);
  attempts = Math.max(attempts, config.PURCHASE_ATTEMPTS);
  return {
    attempts,
    delayMs,
    afterFailure: (error, attemptsMade) => {
      const cause = failureCause(error);
      const limit = cause === 'infrastructure' ? attempts : config.PURCHASE_ATTEMPTS;
      return attemptsMade < limit ? { retry: true } : { retry: false, cause };
    },
  };
}
