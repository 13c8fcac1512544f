import { Router, type Response } from 'express';
import { z } from 'zod';
import {
  notFound,
  parseInput,
  principalOf,
  purchaseOf,
  refuseKnownSoldOut,
  requireAuth,
  AppError,
  type Deps,
} from '@flashfast/shared';
import { acceptPurchase } from '../purchases/accept-purchase';
import { findOutcome } from '../purchases/purchase-requests.repository';
import type { ApiServices } from '../services';

const statusParams = z.strictObject({ requestId: z.uuid() });

/**
 * The 202 of a spike, written straight to Node's response without a generic serialiser: both
 * values are ours (a UUID and a fixed path), nothing in them needs escaping.
 */
function sendAccepted(res: Response, statusUrl: string, requestId: string): void {
  res.statusCode = 202;
  res.setHeader('Location', statusUrl);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(`{"requestId":"${requestId}","status":"queued","statusUrl":"${statusUrl}"}`);
}

/** POST /api/flashsale/:eventId/purchase (202, decided later) and the status of a request. */
export function purchaseRoutes(deps: Deps, services: ApiServices): Router {
  const router = Router();
  const authenticated = requireAuth(deps.auth);

  // A retry of an admitted request is answered 202 even when the sale is sold out: the fast
  // path leaves every dedup field the sale's Redis state holds to the full path.
  const readRepeats = (eventId: string) => services.stock.requestFields(eventId);

  // No rate-limit middleware: the per-user limit is counted by the admission script (one Redis
  // round trip per purchase, not two).
  router.post('/:eventId/purchase', authenticated, refuseKnownSoldOut(deps, 'v2'), async (req, res) => {
    const input = purchaseOf(req, res);
    const since = deps.soldOut.sales.hearing(input.eventId);
    try {
      const { requestId, replayed } = await acceptPurchase(services, input);
      deps.metrics.purchases.inc({ version: 'v2', outcome: replayed ? 'replayed' : 'accepted' });
      if (!replayed) deps.soldOut.sales.sold(input.eventId);
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      sendAccepted(res, `${req.baseUrl}/purchases/${requestId}`, requestId);
    } catch (error) {
      if (error instanceof AppError) deps.metrics.purchases.inc({ version: 'v2', outcome: error.code });
      deps.soldOut.learn(since, input, error, readRepeats);
      throw error;
    }
  });

  router.get('/purchases/:requestId', authenticated, async (req, res) => {
    const { requestId } = parseInput(statusParams, req.params, 'params');
    const outcome = await findOutcome(deps.db, requestId, principalOf(req).userId);
    if (!outcome) throw notFound('purchase request');
    res.json(outcome);
  });

  return router;
}
