import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../platform/logger';
import type { Metrics } from '../platform/metrics';
import type { Principal } from '../auth/tokens';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
    principal?: Principal;
  }
}

const CLIENT_REQUEST_ID = /^[\w.-]{1,64}$/;

/** Gives every request an id (the caller's X-Request-Id if sane), a child logger and a duration metric. */
export function requestContext(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const header = req.headers['x-request-id'];
    req.id = typeof header === 'string' && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
    // The child logger is made on first use: most requests on the hot path never log.
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', { get: () => (child ??= logger.child({ reqId: req.id })), configurable: true });
    res.setHeader('X-Request-Id', req.id);
    const stopTimer = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      // The route pattern, not the raw path, keeps label cardinality bounded.
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      stopTimer({ method: req.method, route, status: String(res.statusCode) });
      // The client and scheme as the app understood them (behind proxies: TRUST_PROXY_HOPS).
      if (logger.isLevelEnabled('debug')) {
        req.log.debug({ method: req.method, url: req.originalUrl, status: res.statusCode, client: req.ip, secure: req.secure }, 'request');
      }
    });
    next();
  };
}
