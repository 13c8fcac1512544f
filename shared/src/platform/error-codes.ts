/**
 * The one catalogue of error codes FlashFast sends, at run time: in HTTP answers, Socket.io
 * acknowledgements and v2 purchase outcomes alike. docs/openapi.yaml's `ErrorCode` lists exactly the
 * HTTP codes (a test holds it to this table), and their statuses live here and nowhere else.
 */
export const HTTP_ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  MALFORMED_JSON: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  EMAIL_TAKEN: 409,
  SOLD_OUT: 409,
  LIMIT_EXCEEDED: 409,
  SALE_NOT_STARTED: 409,
  SALE_ENDED: 409,
  SALE_INACTIVE: 409,
  INSUFFICIENT_PRODUCT_STOCK: 409,
  PRODUCT_IN_USE: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  LAST_ADMIN: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  OVERLOADED: 503,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const satisfies Record<string, number>;

export type HttpErrorCode = keyof typeof HTTP_ERROR_STATUS;

/**
 * Codes no HTTP answer carries: `PROCESSING_FAILED` ends a v2 purchase an admin gave up on (its
 * outcome, over HTTP and Socket.io), `TOO_MANY_SUBSCRIPTIONS` refuses a socket's subscribe.
 */
export const NON_HTTP_ERROR_CODES = ['PROCESSING_FAILED', 'TOO_MANY_SUBSCRIPTIONS'] as const;

export type ErrorCode = HttpErrorCode | (typeof NON_HTTP_ERROR_CODES)[number];

export const ERROR_CODES: readonly ErrorCode[] = [...(Object.keys(HTTP_ERROR_STATUS) as HttpErrorCode[]), ...NON_HTTP_ERROR_CODES];

export const isHttpErrorCode = (code: string): code is HttpErrorCode => Object.hasOwn(HTTP_ERROR_STATUS, code);

export const isErrorCode = (code: string): code is ErrorCode => (ERROR_CODES as readonly string[]).includes(code);

/** The HTTP status of a code. A code meant for outcomes or sockets that reaches HTTP is a bug: 500. */
export const statusOf = (code: ErrorCode): number => (isHttpErrorCode(code) ? HTTP_ERROR_STATUS[code] : 500);
