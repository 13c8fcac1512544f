import type { Express } from 'express';
import { createHttpApp, defaultReadinessChecks, type Deps } from '@flashfast/shared';
import { purchaseRoutes } from './routes/purchase.routes';

/** v1: the shared API without a prefix, plus the synchronous purchase. No listen(). */
export function createApp(deps: Deps): Express {
  return createHttpApp(deps, {
    prefix: '',
    readiness: defaultReadinessChecks(deps),
    mountRoutes: (api) => api.use('/flashsale', purchaseRoutes(deps)),
  });
}
