import type { Express } from 'express';
import { listen } from '@flashfast/shared';

export interface ServedApp {
  url: string;
  /** For an https:// URL signed by a local authority: that authority (PEM), for clients to trust. */
  ca?: string;
  close(): Promise<void>;
}

/** Listens on an ephemeral loopback port, so many parallel requests share one real server. */
export async function serveApp(app: Express): Promise<ServedApp> {
  const running = await listen(app, 0, '127.0.0.1');
  return { url: `http://127.0.0.1:${running.port}`, close: () => running.close(1_000) };
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CallResult<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small fetch client for concurrent scenarios (supertest serialises poorly at hundreds of requests). */
export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<CallResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as T, headers: response.headers };
}
