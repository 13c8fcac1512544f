import { DependencyUnavailable } from '@flashfast/shared';

/*
 * What a failed batch job tells the worker (retry-policy.ts reads it; BullMQ counts the attempts).
 * A domain refusal (SOLD_OUT, LIMIT_EXCEEDED, ...) is no failure: it is the decision, written as
 * the request's outcome. A dependency failure (a driver's error, or DependencyUnavailable) is
 * retried for the whole retry window. Anything else is retried PURCHASE_ATTEMPTS times, then
 * dead-lettered `processing` and ended with BullMQ's UnrecoverableError; the buyer sees the
 * request queued until an admin replays it or discards it (PROCESSING_FAILED, error-codes.ts).
 */

/**
 * A decision was undone under the worker (its reservation released while PostgreSQL still has
 * the request undecided) and is forgotten: the next attempt decides it afresh. Retried like a
 * dependency failure, since nothing is broken.
 */
export class DecideAgain extends DependencyUnavailable {
  constructor(message: string) {
    super(message);
    this.name = 'DecideAgain';
  }
}

/**
 * PostgreSQL's records contradict what the worker relies on (a request without its row): a bug
 * or a hand-edited row. Retried a few times, then left to an admin as a `processing` dead letter.
 */
export class BrokenRecord extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokenRecord';
  }
}
