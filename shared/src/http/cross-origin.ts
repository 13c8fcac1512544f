import type { RequestHandler } from 'express';

const ALLOWED_METHODS = 'GET, POST, PATCH, DELETE';
const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, X-Request-Id';
// What a page may read besides the CORS-safelisted headers: where to poll, when to retry, replays.
const EXPOSED_HEADERS = 'Location, Retry-After, X-Request-Id, Idempotent-Replayed';

/**
 * Lets a page on another origin call the API (the shop page served by v1 on :3001 calling v2 on
 * :3002 under `npm start`; behind nginx both share one origin and this is unused). Any origin,
 * never credentials: callers authenticate with a bearer token only, which a browser never attaches
 * on its own, so a foreign page can do nothing it could not do with curl. Socket.io on the same
 * server already accepts any origin for the same reason.
 */
export const crossOrigin: RequestHandler = (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  if (!preflight) return next();
  res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
  res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
  res.setHeader('Access-Control-Max-Age', '600');
  res.status(204).end();
};
