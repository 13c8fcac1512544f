import type { ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * What every answer of an app carries, whoever serves it (npm start, or behind nginx, which adds
 * HSTS since it holds the TLS, and gives its own answers these same headers: nginx.conf).
 * - nosniff: a browser takes our JSON for JSON, never for a script or a page.
 * - no-referrer: nothing we serve links elsewhere; no URL of ours leaks to another site.
 * - frame-ancestors 'none' (and X-Frame-Options for older browsers): nobody frames the shop page
 *   to trick a shopper into clicking "Buy".
 * - default-src 'none': an API answer is data; if a browser ever renders one as a document, it
 *   may load and run nothing. The shop page replaces it with its own policy.
 * - no-store: answers are per user and change by the millisecond (stock); no cache keeps them.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
});

export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/** Express middleware: set first, so a route that needs another policy (the shop page) overrides it. */
export const securityHeaders: RequestHandler = (_req, res, next) => {
  setSecurityHeaders(res);
  next();
};
