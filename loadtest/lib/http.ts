// A small JSON client over one undici connection pool per origin: at most `connections` sockets.
import tls from 'node:tls';
import { Pool, type Dispatcher } from 'undici';

export interface JsonResponse {
  status: number;
  /** Parsed JSON, `{ raw }` when it was not JSON, null when empty. */
  body: unknown;
  headers: Dispatcher.ResponseData['headers'];
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Http {
  json(method: Dispatcher.HttpMethod, path: string, options?: RequestOptions): Promise<JsonResponse>;
  close(): Promise<void>;
}

/** Authorities trusted besides Node's own (`--ca`): the whole tool talks to one stack. */
let extraAuthorities: string[] = [];

/** Also trust `pem` (a certificate authority) for every https:// origin from now on. */
export function trustAuthority(pem: string): void {
  extraAuthorities = [...extraAuthorities, pem];
}

/**
 * `json(method, path, {token, body, headers})` resolves to `{status, body, headers}`; the body is
 * parsed JSON (or `{raw}` if it is not JSON). Network failures reject with the undici error.
 */
export function createHttp(origin: string, { connections = 16, timeoutMs = 60_000 } = {}): Http {
  const pool = new Pool(origin, {
    connections,
    pipelining: 1,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    keepAliveTimeout: 30_000,
    connect: { timeout: 10_000, ...(extraAuthorities.length > 0 ? { ca: [...tls.rootCertificates, ...extraAuthorities] } : {}) },
  });
  async function json(method: Dispatcher.HttpMethod, path: string, { token, body, headers = {} }: RequestOptions = {}): Promise<JsonResponse> {
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
    let parsed: unknown;
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
/** `T`: the body's shape the API documents for that answer (docs/api.md). */
export function expectStatus<T>(response: JsonResponse, expected: number, what: string): T {
  if (response.status === expected) return response.body as T;
  const error = (response.body as { error?: { code: string; message: string } } | null)?.error;
  throw new Error(`${what}: expected ${expected}, got ${response.status}${error ? ` ${error.code}: ${error.message}` : ''}`);
}

/** Runs `work(item)` for every item with at most `concurrency` at a time; results in order. */
export async function mapLimit<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

