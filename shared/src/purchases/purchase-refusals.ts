import { AppError } from '../platform/app-error';

/** The reasons a purchase is refused, in both versions, before any stock moves. */
export type PurchaseRefusal = 'SALE_INACTIVE' | 'SALE_NOT_STARTED' | 'SALE_ENDED' | 'SOLD_OUT' | 'LIMIT_EXCEEDED';

/** Why a queued v2 purchase ended `failed`: a refusal, or an admin gave up on it (a dead letter discarded). */
export type PurchaseFailureCode = PurchaseRefusal | 'PROCESSING_FAILED';

const MESSAGES: Record<PurchaseRefusal, string> = {
  SALE_INACTIVE: 'this flash sale is switched off',
  SALE_NOT_STARTED: 'this flash sale has not started yet',
  SALE_ENDED: 'this flash sale has ended',
  SOLD_OUT: 'not enough units left for this quantity',
  LIMIT_EXCEEDED: 'this purchase would exceed the per-user limit of this sale',
};

export const isPurchaseRefusal = (code: string): code is PurchaseRefusal => code in MESSAGES;

export const purchaseRefused = (code: PurchaseRefusal): AppError => new AppError(code, MESSAGES[code]);
