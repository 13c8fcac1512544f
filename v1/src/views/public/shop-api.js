// The shop page's talk with the API: requests with the caller's token, and error texts.
// An ES module loaded by shop.js; no build step.

export const REASONS = {
  SOLD_OUT: 'not enough stock left',
  LIMIT_EXCEEDED: 'that would pass the limit per customer for this sale',
  SALE_NOT_STARTED: 'the sale has not started yet',
  SALE_ENDED: 'the sale has ended',
  SALE_INACTIVE: 'the sale is switched off',
  EMAIL_TAKEN: 'an account with this email already exists',
  RATE_LIMITED: 'too many attempts, wait a moment',
  OVERLOADED: 'the shop is very busy, try again in a moment',
  UNAVAILABLE: 'the shop is briefly unavailable, try again shortly',
  PROCESSING_FAILED: 'the purchase could not be processed',
  NETWORK: 'the shop could not be reached',
};
export const STATUS_LABELS = { sold_out: 'Sold out', ended: 'Ended', scheduled: 'Not started', inactive: 'Paused' };

export class ApiError extends Error {
  constructor(code, message, details) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

/** `CODE: reason (field: problem; ...)`, from an API error body or a thrown ApiError. */
export function describeError(error) {
  const code = error.code || 'ERROR';
  const fields = Array.isArray(error.details)
    ? error.details.map((issue) => `${String(issue.path).replace(/^body\./, '')}: ${issue.message}`).join('; ')
    : '';
  return `${code}: ${REASONS[code] || error.message || 'something went wrong'}${fields ? ` (${fields})` : ''}`;
}

/**
 * A JSON request; `base` is '' for v1 (this origin) or v2's origin. An error answer throws an
 * ApiError; an UNAUTHENTICATED one for a signed-in user also calls `onSessionEnded`.
 */
export function createApi({ token, onSessionEnded }) {
  return async function api(method, path, { base = '', body } = {}) {
    const headers = { Accept: 'application/json' };
    const current = token();
    if (current) headers.Authorization = `Bearer ${current}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError('NETWORK', REASONS.NETWORK);
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) return data;
    const error = data.error || {};
    if (error.code === 'UNAUTHENTICATED' && current) onSessionEnded();
    throw new ApiError(error.code || `HTTP_${response.status}`, error.message || response.statusText, error.details);
  };
}
