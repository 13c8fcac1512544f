/**
 * One classification of failures for the HTTP edge and the worker: a dependency (PostgreSQL,
 * Redis) that is down, restarting, paused or failing over, as opposed to a bug or bad data.
 * Dependency failures are retried and answered 503; anything else is not retried for long.
 */

/** Thrown by our own code for "not now, try again" states (counters being rebuilt, say). */
export class DependencyUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DependencyUnavailable';
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
// PostgreSQL: admin/crash shutdown, starting up, too many connections, statement timeout,
// serialization failure, deadlock, lock not available; class 08 is "connection exception".
const POSTGRES_CODES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '40001', '40P01', '55P03']);
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection is closed|Stream isn't writeable|^(READONLY|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN)\b|Command timed out|Reached the max retries per request|\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT)\b/;

interface ErrorLike {
  name?: string;
  code?: unknown;
  message?: unknown;
}

export function isDependencyFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as ErrorLike;
  if (e instanceof DependencyUnavailable || e.name === 'MaxRetriesPerRequestError') return true;
  if ((e as { code?: unknown }).code === 'UNAVAILABLE' && e.name === 'AppError') return true;
  const code = typeof e.code === 'string' ? e.code : '';
  if (NETWORK_CODES.has(code) || POSTGRES_CODES.has(code) || code.startsWith('08')) return true;
  return typeof e.message === 'string' && MESSAGES.test(e.message);
}

/**
 * A write that failed this way was certainly not applied (the statement never reached a
 * server). Any other dependency failure may have been applied before the connection broke.
 */
export function wasNeverSent(error: unknown): boolean {
  const e = (error ?? {}) as ErrorLike;
  const code = typeof e.code === 'string' ? e.code : '';
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', '57P03', '53300'].includes(code)) return true;
  return typeof e.message === 'string' && /timeout exceeded when trying to connect/.test(e.message);
}

/** A connection URL fit for logs: the password is replaced, everything else kept. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
