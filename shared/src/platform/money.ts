/**
 * Money is NUMERIC in PostgreSQL and all arithmetic happens there; node-postgres hands it
 * over as a string ("59.97"), which we turn into a JSON number only at the edge.
 */
export const moneyToJson = (value: string): number => Number(value);

/** Accepts a number with at most two fractional digits, as docs/api.md requires. */
export const hasAtMostTwoDecimals = (value: number): boolean =>
  Number.isFinite(value) && Math.abs(Math.round(value * 100) - value * 100) < 1e-6;
