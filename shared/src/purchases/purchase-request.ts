import type { Request } from 'express';
import { principalOf } from '../http/authenticate';
import { parseInput } from '../http/validate';
import type { PurchaseInput } from './place-purchase';
import { idempotencyKeyHeader, purchaseBody, purchaseParams } from './purchase.schema';

/** The purchase both versions receive: sale from the path, quantity from the body, key from the header, buyer from the token. */
export function parsePurchaseRequest(req: Request): PurchaseInput {
  const { eventId } = parseInput(purchaseParams, req.params, 'params');
  const { quantity } = parseInput(purchaseBody, req.body, 'body');
  const idempotencyKey = parseInput(idempotencyKeyHeader, req.headers['idempotency-key'], 'headers.idempotency-key');
  return { eventId, userId: principalOf(req).userId, quantity, idempotencyKey };
}
