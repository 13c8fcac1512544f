import type { ErrorCode } from './error-codes';

export interface AppErrorOptions {
  /** Sent as `error.details`: field issues for VALIDATION_ERROR, check states for /readyz. */
  details?: unknown;
  /** Seconds a client should wait before retrying (429, 503): sent as Retry-After. */
  retryAfterSeconds?: number;
}

/** An error the client is told about: a code of the catalogue (never an HTTP status) and a message. */
export class AppError extends Error {
  readonly details?: unknown;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: AppErrorOptions = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** The `{error: {code, message, details?}}` body an AppError is told with, over HTTP and Socket.io alike. */
export const errorBody = (error: AppError): { error: { code: ErrorCode; message: string; details?: unknown } } => ({
  error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) },
});

export const notFound = (what: string): AppError => new AppError('NOT_FOUND', `${what} not found`);
