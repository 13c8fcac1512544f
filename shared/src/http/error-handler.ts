import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { AppError, errorBody } from '../platform/app-error';
import { statusOf } from '../platform/error-codes';
import { isDependencyFailure } from '../platform/dependency-failures';
import { sendJson } from './send-json';

/** Errors that body-parser and the router raise before our handlers run (they carry `type`/`status`). */
function fromFrameworkError(error: { type?: string; status?: number; statusCode?: number }): AppError | undefined {
  switch (error.type) {
    case 'entity.parse.failed':
      return new AppError('MALFORMED_JSON', 'request body is not valid JSON');
    case 'entity.too.large':
      return new AppError('PAYLOAD_TOO_LARGE', 'request body is too large');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'unsupported body encoding or charset');
  }
  const status = error.status ?? error.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(status === 404 ? 'NOT_FOUND' : 'VALIDATION_ERROR', 'malformed request');
  }
  return undefined;
}

/** Dependency failures (database or Redis down) become a 503 with Retry-After, never a 500. */
function fromDependencyError(error: unknown): AppError | undefined {
  return isDependencyFailure(error) ? new AppError('UNAVAILABLE', 'a dependency is unavailable, try again shortly', { retryAfterSeconds: 2 }) : undefined;
}

/** A valid token for an account that no longer exists trips a users foreign key: the caller is unknown. */
function fromDatabaseError(error: { code?: string; detail?: string }): AppError | undefined {
  // Any reference to users (orders.user_id, announcements.created_by, ...), whatever the column.
  if (error.code === '23503' && /is not present in table "users"/.test(error.detail ?? '')) {
    return new AppError('UNAUTHENTICATED', 'this account no longer exists');
  }
  return undefined;
}

export const errorHandler: ErrorRequestHandler = (error: unknown, req, res, _next) => {
  const appError =
    error instanceof AppError
      ? error
      : (fromFrameworkError(error as object) ?? fromDependencyError(error as object) ?? fromDatabaseError(error as object));
  if (!appError) {
    req.log.error({ err: error }, 'unhandled error');
  }
  sendError(res, appError ?? new AppError('INTERNAL', 'internal error'));
};

/** The one way an AppError becomes an HTTP answer: status from the table, `{error: {code, message, details?}}`. */
export function sendError(res: Response, error: AppError): void {
  if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
  if (res.headersSent) return;
  sendJson(res, statusOf(error.code), errorBody(error));
}

export const notFoundHandler: RequestHandler = (req) => {
  throw new AppError('NOT_FOUND', `no route for ${req.method} ${req.path}`);
};
