import type { Express } from 'express';
import { createHttpApp, databaseCheck, type Deps } from '@flashfast/shared';
import { purchaseRoutes } from './routes/purchase.routes';
import { shopPageRoutes } from './routes/shop-page.routes';

/** v1: the shared API without a prefix, the synchronous purchase and the shop page. No listen(). */
export function createApp(deps: Deps): Express {
  return createHttpApp(deps, {
    prefix: '',
    // Ready without Redis: purchases need PostgreSQL only; rate limits fall back to this instance's memory.
    readiness: [databaseCheck(deps)],
    purchaseRoutes: purchaseRoutes(deps),
    mountRoutes: (api) => {
      // Last: only what no API route answers is looked up among the page's files.
      api.use(shopPageRoutes(deps.config));
    },
  });
}
