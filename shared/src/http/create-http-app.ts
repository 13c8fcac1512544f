import express, { Router, type Express } from 'express';
import type { Deps } from '../platform/deps';
import { authRoutes } from '../auth/auth.routes';
import { ordersRoutes } from '../orders/orders.routes';
import { productsRoutes } from '../products/products.routes';
import { salesRoutes, type SaleHooks } from '../sales/sales.routes';
import { usersRoutes } from '../users/users.routes';
import { crossOrigin } from './cross-origin';
import { errorHandler, notFoundHandler } from './error-handler';
import { openApiRoutes } from './openapi.routes';
import { opsRoutes, type ReadinessCheck } from './ops.routes';
import { requestContext } from './request-context';
import { securityHeaders } from './security-headers';

export interface HttpAppOptions {
  /** '' for v1, '/api' for v2. */
  prefix: string;
  readiness: ReadinessCheck[];
  /** The version's purchase routes (`{prefix}/flashsale/...`): mounted first, the hot path of a spike. */
  purchaseRoutes: Router;
  /** Adds the version's other routes to the prefixed router. */
  mountRoutes: (api: Router) => void;
  saleHooks?: SaleHooks;
  /** Answer browsers on other origins (v2: the shop page is served by v1). */
  crossOrigin?: boolean;
}

/** The Express app both versions share: middleware, the common routes, errors. No listen(). */
export function createHttpApp(deps: Deps, options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // A hop count, never `true`: only our own proxies may set the client address.
  app.set('trust proxy', deps.config.TRUST_PROXY_HOPS === 0 ? false : deps.config.TRUST_PROXY_HOPS);
  app.use(requestContext(deps.logger, deps.metrics));
  app.use(securityHeaders);
  if (options.crossOrigin) app.use(crossOrigin);
  app.use(express.json({ limit: deps.config.BODY_LIMIT, type: ['application/json', 'application/*+json'] }));
  // Before every other router: in a spike nearly every request is a purchase, and each router
  // it would walk through first costs it a little (measured: bench/README.md).
  app.use(`${options.prefix}/flashsale`, options.purchaseRoutes);
  app.use(opsRoutes(deps, options.readiness));
  app.use(openApiRoutes());

  const api = Router();
  api.use('/auth', authRoutes(deps));
  api.use('/products', productsRoutes(deps));
  api.use('/flashsale-events', salesRoutes(deps, options.saleHooks));
  api.use('/orders', ordersRoutes(deps));
  api.use('/users', usersRoutes(deps));
  options.mountRoutes(api);
  app.use(options.prefix || '/', api);

  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
