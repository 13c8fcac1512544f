import { Router } from 'express';
import {
  createPurchaseCombiner,
  idempotencyKeysOfSale,
  purchaseOf,
  purchaseRateLimit,
  refuseKnownSoldOut,
  repeatTag,
  requireAuth,
  sendJson,
  AppError,
  type Deps,
  type ReadRepeats,
} from '@flashfast/shared';

// Beyond this many keyed orders a sale is not remembered as sold out (the memory it would take).
const REPEATS_MAX = 200_000;

/** POST /flashsale/:eventId/purchase: decided synchronously (merged with its concurrent twins), the answer is final. */
export function purchaseRoutes(deps: Deps): Router {
  const router = Router();
  const combiner = createPurchaseCombiner(deps);
  const readRepeats: ReadRepeats = async (eventId) =>
    (await idempotencyKeysOfSale(deps.db, eventId, REPEATS_MAX))?.map(({ userId, key }) => repeatTag(userId, 0, key));

  router.post('/:eventId/purchase', requireAuth(deps.auth), refuseKnownSoldOut(deps, 'v1'), purchaseRateLimit(deps), async (req, res) => {
    const input = purchaseOf(req, res);
    const { eventId, userId, quantity } = input;
    const since = deps.soldOut.sales.hearing(eventId);
    deps.metrics.purchasesDeciding.inc();
    try {
      const { order, replayed } = await combiner.submit(input).finally(() => deps.metrics.purchasesDeciding.dec());
      deps.metrics.purchases.inc({ version: 'v1', outcome: replayed ? 'replayed' : 'confirmed' });
      if (!replayed) deps.soldOut.sales.sold(eventId);
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      // The request's child logger is made on first use: not at all when info is off.
      if (deps.logger.isLevelEnabled('info')) req.log.info({ eventId, userId, orderId: order.id, quantity, replayed }, 'purchase confirmed');
      sendJson(res, 201, { order });
    } catch (error) {
      if (error instanceof AppError) deps.metrics.purchases.inc({ version: 'v1', outcome: error.code });
      deps.soldOut.learn(since, input, error, readRepeats);
      throw error;
    }
  });
  return router;
}
