import type { Response } from 'express';

/**
 * Writes `body` as the JSON answer with `status`, straight to Node's response: the same bytes and
 * Content-Type as `res.status(status).json(body)`, without Express's send (no ETag: an API answer
 * marked `no-store` is never revalidated). For the hot answers: purchases, refusals, errors.
 */
export function sendJson(res: Response, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
