import { Router } from 'express';
import { parsePurchaseRequest, placePurchase, purchaseRateLimit, requireAuth, AppError, type Deps } from '@flashfast/shared';

/** POST /flashsale/:eventId/purchase: decided synchronously, the answer is final. */
export function purchaseRoutes(deps: Deps): Router {
  const router = Router();
  router.post('/:eventId/purchase', requireAuth(deps.auth), purchaseRateLimit(deps), async (req, res) => {
    const input = parsePurchaseRequest(req);
    const { eventId, userId, quantity } = input;
    try {
      const { order, replayed } = await placePurchase(deps.db, input);
      deps.metrics.purchases.inc({ version: 'v1', outcome: replayed ? 'replayed' : 'confirmed' });
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      req.log.info({ eventId, userId, orderId: order.id, quantity, replayed }, 'purchase confirmed');
      res.status(201).json({ order });
    } catch (error) {
      if (error instanceof AppError) deps.metrics.purchases.inc({ version: 'v1', outcome: error.code });
      throw error;
    }
  });
  return router;
}
