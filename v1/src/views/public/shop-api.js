// The shop page's talk with the API: requests with the caller's token; an error answer becomes an
// ApiError with the API's code, which shop-words.js turns into a sentence. ES module, no build step.

export class ApiError extends Error {
  /**
   * @param {string} code the API's error code, or NETWORK when no answer came
   * @param {string} message the API's own message (for developers; the page shows shop-words.js)
   * @param {{details?: unknown, retryAfterSeconds?: number}} [extra]
   */
  constructor(code, message, { details, retryAfterSeconds } = {}) {
    super(message);
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

const retryAfterOf = (response) => {
  const seconds = Number(response.headers.get('Retry-After'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
};

/**
 * A JSON request; `base` is '' for v1 (this origin) or v2's origin. An error answer throws an
 * ApiError; an UNAUTHENTICATED one for a signed-in user also calls `onSessionEnded`.
 */
export function createApi({ token, onSessionEnded }) {
  /** @param {string} method @param {string} path @param {{ base?: string, body?: unknown }} [options] */
  return async function api(method, path, { base = '', body } = {}) {
    const headers = { Accept: 'application/json' };
    const current = token();
    if (current) headers.Authorization = `Bearer ${current}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError('NETWORK', 'no answer');
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) return data;
    const error = data.error || {};
    if (error.code === 'UNAUTHENTICATED' && current) onSessionEnded();
    throw new ApiError(error.code || `HTTP_${response.status}`, error.message || response.statusText, {
      details: error.details,
      retryAfterSeconds: retryAfterOf(response),
    });
  };
}
