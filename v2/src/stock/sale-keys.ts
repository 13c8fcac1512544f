/**
 * Redis keys of one sale. The `{saleId}` hash tag puts them all in one Redis Cluster slot,
 * so every Lua script touching them stays valid on a cluster.
 */
export interface SaleKeys {
  meta: string;
  stock: string;
  held: string;
  pending: string;
  requests: string;
  decided: string;
  admissions: string;
  rate: string;
  rebuildLock: string;
}

export function saleKeys(prefix: string, saleId: string): SaleKeys {
  const base = `${prefix}sale:{${saleId}}`;
  return {
    meta: `${base}:meta`,
    stock: `${base}:stock`,
    held: `${base}:held`,
    pending: `${base}:pending`,
    requests: `${base}:requests`,
    decided: `${base}:decided`,
    admissions: `${base}:admissions`,
    rate: `${base}:rate`,
    rebuildLock: `${base}:rebuild-lock`,
  };
}

/** The set of sales loaded into Redis, for the sweep of orphaned admissions. */
export const loadedSalesKey = (prefix: string): string => `${prefix}loaded-sales`;

/** The field that maps a repeated request to the first one: by Idempotency-Key, else by content. */
export const dedupField = (userId: string, quantity: number, idempotencyKey?: string): string =>
  idempotencyKey === undefined ? `dup:${userId}:${quantity}` : `idem:${userId}:${idempotencyKey}`;
