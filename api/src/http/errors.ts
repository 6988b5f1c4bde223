import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isShambaError, type ErrorCode } from '@shamba/schemas';

/** ShambaError codes to HTTP status, once, at the edge (STYLE.md). */
const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  INVALID_PAYLOAD: 400,
  INVALID_TOPIC: 400,
  OUT_OF_RANGE: 400,
  TIME_IN_FUTURE: 400,
  INVALID_REQUEST: 400,
  INVALID_CONFIG: 500,
  NOT_AUTHENTICATED: 401,
  NOT_AUTHORIZED: 403,
  NOT_FOUND: 404,
  UNKNOWN_DEVICE: 404,
  STORE_UNAVAILABLE: 503,
  STORE_REJECTED: 500,
  RASTER_INVALID: 422,
  RASTER_TOO_LARGE: 413,
  RASTER_UNSUPPORTED: 415,
  PACKET_TOO_LARGE: 413,
  WORKER_FAILED: 503,
  TOO_MANY_REQUESTS: 429,
};

/**
 * A refusal sent before the request's body was read (too large by its declared length, not
 * allowed, ...) leaves the rest of the body on the connection, which then cannot carry another
 * request: the client is told to close it.
 */
function unreadBody(c: Context): boolean {
  const raw = c.req.raw;
  const hasBody =
    Number(raw.headers.get('content-length') ?? 0) > 0 || raw.headers.has('transfer-encoding');
  return hasBody && !raw.bodyUsed;
}

/** The HTTP status an error is answered with (500 for anything not a ShambaError). */
export function statusOf(error: unknown): ContentfulStatusCode {
  return isShambaError(error) ? STATUS[error.code] : 500;
}

export function errorResponse(error: unknown, c: Context): Response {
  if (unreadBody(c)) c.header('connection', 'close');
  if (isShambaError(error)) {
    const headers: Record<string, string> = {};
    if (error.code === 'NOT_AUTHENTICATED') headers['WWW-Authenticate'] = 'Bearer';
    // RFC 6585 §4: a 429 may say how long to wait (RFC 9110 §10.2.3, in seconds).
    const retryAfterS = error.details?.retryAfterS;
    if (error.code === 'TOO_MANY_REQUESTS' && typeof retryAfterS === 'number')
      headers['Retry-After'] = String(retryAfterS);
    return c.json(
      { error: { code: error.code, message: error.message } },
      STATUS[error.code],
      headers,
    );
  }
  return c.json({ error: { code: 'INTERNAL', message: 'internal error' } }, 500);
}
