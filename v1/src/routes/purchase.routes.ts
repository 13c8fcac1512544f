import { Router } from 'express';
import {
  idempotencyKeyHeader,
  parseInput,
  placePurchase,
  principalOf,
  purchaseBody,
  purchaseParams,
  purchaseRateLimit,
  requireAuth,
  AppError,
  type Deps,
} from '@flashfast/shared';

/** POST /flashsale/:eventId/purchase: decided synchronously, the answer is final. */
export function purchaseRoutes(deps: Deps): Router {
  const router = Router();
  router.post('/:eventId/purchase', requireAuth(deps.config), purchaseRateLimit(deps), async (req, res) => {
    const { eventId } = parseInput(purchaseParams, req.params, 'params');
    const { quantity } = parseInput(purchaseBody, req.body, 'body');
    const idempotencyKey = parseInput(idempotencyKeyHeader, req.headers['idempotency-key'], 'headers.idempotency-key');
    const { userId } = principalOf(req);
    try {
      const { order, replayed } = await placePurchase(deps.db, { eventId, userId, quantity, idempotencyKey });
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
