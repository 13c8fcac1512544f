// A small JSON client over one undici connection pool per origin: at most `connections` sockets.
const tls = require('node:tls');
const { Pool } = require('undici');

/** Authorities trusted besides Node's own (`--ca`): the whole tool talks to one stack. */
let extraAuthorities = [];

/** Also trust `pem` (a certificate authority) for every https:// origin from now on. */
function trustAuthority(pem) {
  extraAuthorities = [...extraAuthorities, pem];
}

/**
 * `json(method, path, {token, body, headers})` resolves to `{status, body, headers}`; the body is
 * parsed JSON (or `{raw}` if it is not JSON). Network failures reject with the undici error.
 */
function createHttp(origin, { connections = 16, timeoutMs = 60_000 } = {}) {
  const pool = new Pool(origin, {
    connections,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 30_000,
    connect: { timeout: 10_000, ...(extraAuthorities.length > 0 ? { ca: [...tls.rootCertificates, ...extraAuthorities] } : {}) },
  });
  async function json(method, path, { token, body, headers = {} } = {}) {
    const response = await pool.request({
      method,
      path,
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.body.text();
    let parsed;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = { raw: text.slice(0, 200) };
    }
    return { status: response.statusCode, body: parsed, headers: response.headers };
  }
  return { json, close: () => pool.close() };
}

/** Throws with the server's error when `response.status` is not `expected`. */
function expectStatus(response, expected, what) {
  if (response.status === expected) return response.body;
  const error = response.body?.error;
  throw new Error(`${what}: expected ${expected}, got ${response.status}${error ? ` ${error.code}: ${error.message}` : ''}`);
}

/** Runs `work(item)` for every item with at most `concurrency` at a time; results in order. */
async function mapLimit(items, concurrency, work) {
  const results = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

module.exports = { createHttp, expectStatus, mapLimit, trustAuthority };
