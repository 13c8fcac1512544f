import { ERROR_CODES, HTTP_ERROR_STATUS, isErrorCode, isHttpErrorCode, NON_HTTP_ERROR_CODES, statusOf } from './error-codes';

describe('the error-code catalogue', () => {
  it('lists each code once, an HTTP code never also as a non-HTTP one', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    expect(NON_HTTP_ERROR_CODES.filter((code) => isHttpErrorCode(code))).toEqual([]);
  });

  it('gives every HTTP code a 4xx or 5xx status, and a non-HTTP code that reaches HTTP a 500', () => {
    const statuses = Object.values(HTTP_ERROR_STATUS);
    expect(statuses.filter((status) => status < 400 || status > 599)).toEqual([]);
    expect((Object.keys(HTTP_ERROR_STATUS) as (keyof typeof HTTP_ERROR_STATUS)[]).map(statusOf)).toEqual(statuses);
    expect(NON_HTTP_ERROR_CODES.map((code) => statusOf(code))).toEqual(NON_HTTP_ERROR_CODES.map(() => 500));
  });

  it('knows its codes at run time, and nothing else', () => {
    expect(ERROR_CODES.every(isErrorCode)).toBe(true);
    expect(['SOLD_OUT', 'PROCESSING_FAILED', 'sold_out', 'toString', ''].map(isErrorCode)).toEqual([true, true, false, false, false]);
    expect(isHttpErrorCode('toString')).toBe(false);
  });
});
