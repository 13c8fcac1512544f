import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../platform/app-error';
import type { Deps } from '../platform/deps';
import { sendError } from '../http/error-handler';
import type { PurchaseInput } from './place-purchase';
import { purchaseRefused } from './purchase-refusals';
import { parsePurchaseRequest } from './purchase-request';
import type { SaleWideRefusal } from './sold-out-sales';

// Built once: the fast path answers a flood, and these carry no per-request detail.
const REFUSALS: Record<SaleWideRefusal, AppError> = {
  SOLD_OUT: purchaseRefused('SOLD_OUT'),
  SALE_ENDED: purchaseRefused('SALE_ENDED'),
  SALE_INACTIVE: purchaseRefused('SALE_INACTIVE'),
};

/** The purchase a request asks for: parsed once, by the fast path when it could, else now (400 if bad). */
export function purchaseOf(req: Request, res: Response): PurchaseInput {
  return (res.locals.purchase as PurchaseInput | undefined) ?? parsePurchaseRequest(req);
}

/**
 * Both versions' sold-out fast path: mount after requireAuth, before the purchase rate limit. A
 * purchase of a sale this process knows refuses it gets the same 409 the full path would give,
 * without PostgreSQL or Redis. Bad input passes on, to be refused after the rate limit as before.
 */
export function refuseKnownSoldOut(deps: Pick<Deps, 'soldOut' | 'metrics'>, version: 'v1' | 'v2'): RequestHandler {
  deps.soldOut.listen();
  return (req, res, next) => {
    let purchase: PurchaseInput;
    try {
      purchase = parsePurchaseRequest(req);
    } catch {
      next();
      return;
    }
    res.locals.purchase = purchase;
    const refusal = deps.soldOut.sales.refusalFor(purchase);
    if (refusal === undefined) {
      next();
      return;
    }
    deps.metrics.purchases.inc({ version, outcome: refusal });
    deps.metrics.refusedInProcess.inc({ version, outcome: refusal });
    // Answered here rather than thrown: the same answer the error handler would write, without
    // the walk through the remaining middleware to reach it.
    sendError(res, REFUSALS[refusal]);
  };
}
