import http from 'node:http';

export interface RawRequest {
  method: string;
  /** Sent as is: no normalisation, no percent-encoding, so garbage reaches the server intact. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Stream the body without Content-Length (Transfer-Encoding: chunked). */
  chunked?: boolean;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: unknown;
}

// A private agent: keep-alive speeds up thousands of calls, and no other test shares its sockets.
const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

/** node:http instead of fetch, which would re-encode paths and refuse odd headers before sending. */
export function rawRequest(baseUrl: string, request: RawRequest): Promise<RawResponse> {
  const url = new URL(baseUrl);
  const headers: Record<string, string | string[]> = { ...request.headers };
  if (request.body !== undefined && !request.chunked) {
    headers['content-length'] = String(Buffer.byteLength(request.body));
  }
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: request.method, path: request.path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (request.chunked && request.body !== undefined) {
      const body = Buffer.from(request.body);
      for (let start = 0; start < body.length; start += 4096) req.write(body.subarray(start, start + 4096));
    }
    req.end(request.chunked ? undefined : request.body);
  });
}

/** Why a response breaks the error contract of docs/api.md, or undefined when it honours it. */
export function errorContractViolation(response: RawResponse, allowedStatuses?: readonly number[]): string | undefined {
  if (response.status >= 500) return `server error ${response.status}`;
  if (response.status < 400) return `accepted with ${response.status}`;
  if (allowedStatuses && !allowedStatuses.includes(response.status)) {
    return `status ${response.status}, expected ${allowedStatuses.join(' or ')}`;
  }
  if (!String(response.headers['content-type']).startsWith('application/json')) {
    return `content-type ${response.headers['content-type']}`;
  }
  const error = (response.json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  if (typeof error?.code !== 'string' || typeof error.message !== 'string') return 'body is not {error:{code,message}}';
  if (response.text.includes('$2') || response.text.includes('node_modules')) return 'body leaks internals';
  return undefined;
}

/** Runs `work` over `items` with at most `width` in flight, keeping the input order of the results. */
export async function inPool<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(lanes);
  return results;
}
