import type { Express } from 'express';
import { createHttpApp, defaultReadinessChecks, type Deps } from '@flashfast/shared';
import { adminQueuesRoutes } from './admin/queues.routes';
import { readStockUpdate } from './realtime/notifier';
import { announcementsRoutes } from './routes/announcements.routes';
import { purchaseRoutes } from './routes/purchase.routes';
import type { ApiServices, Broadcaster } from './services';

/** v2: the shared API under /api, queued purchases, announcements and queue admin. No listen(). */
export function createApp(deps: Deps, services: ApiServices, broadcaster: Broadcaster): Express {
  return createHttpApp(deps, {
    prefix: '/api',
    readiness: defaultReadinessChecks(deps),
    // The shop page is served by v1; under `npm start` that is another origin.
    crossOrigin: true,
    purchaseRoutes: purchaseRoutes(deps, services),
    mountRoutes: (api) => {
      api.use('/announcements', announcementsRoutes(deps, broadcaster));
      api.use('/admin/queues', adminQueuesRoutes(deps, services, broadcaster));
    },
    saleHooks: {
      // Redis counters follow every change an admin makes; subscribers see the new state.
      // If Redis is unreachable now, the first purchase rebuilds the counters from PostgreSQL,
      // and PostgreSQL's own checks refuse what stale settings would let through.
      afterChange: async (sale) => {
        try {
          await services.stock.loadSale(sale.id);
          const update = await readStockUpdate(deps, sale.id);
          if (update) broadcaster.stock(update);
        } catch (error) {
          deps.logger.warn({ err: error, eventId: sale.id }, 'could not load the sale into Redis');
        }
      },
    },
  });
}
