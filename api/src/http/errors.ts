import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ERROR_CODES, isShambaError, type ErrorCode } from '@shamba/schemas';
import { z } from 'zod';

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
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  STORE_UNAVAILABLE: 503,
  STORE_REJECTED: 500,
  RASTER_INVALID: 422,
  RASTER_TOO_LARGE: 413,
  RASTER_UNSUPPORTED: 415,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PACKET_TOO_LARGE: 413,
  WORKER_FAILED: 503,
  TOO_MANY_REQUESTS: 429,
};

/** RFC 9110 §15 reason phrases: a problem of type `about:blank` is titled with its status's. */
const TITLE: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Every error the API answers: RFC 9457 problem details. The type is `about:blank` (§4.2.1), so
 * the title is the status's phrase; the stable, closed `code` (an extension member, §3.2) is what
 * a client branches on, and `detail` says what went wrong in this request.
 */
export const ProblemSchema = z
  .object({
    type: z.literal('about:blank'),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    code: z.enum([...ERROR_CODES, 'INTERNAL']),
    /** The request's id (also in the `x-request-id` header and the access log). */
    instance: z.string().optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details, with a stable `code`.' });
export type Problem = z.infer<typeof ProblemSchema>;

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

/** A problem's title: its status's reason phrase. */
export const titleOf = (status: number): string => TITLE[status] ?? 'Error';

/** The HTTP status an error is answered with (500 for anything unexpected). */
export function statusOf(error: unknown): ContentfulStatusCode {
  if (isShambaError(error)) return STATUS[error.code];
  if (error instanceof HTTPException && error.status >= 400) {
    return error.status;
  }
  return 500;
}

/** What is said of an error: its code and detail (nothing of an unexpected error's insides). */
function described(error: unknown, status: number): Pick<Problem, 'code' | 'detail'> {
  if (isShambaError(error)) return { code: error.code, detail: error.message };
  // Hono's own refusals (a JSON route sent another media type, a malformed body...).
  if (error instanceof HTTPException && status < 500) {
    const code = status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'INVALID_REQUEST';
    return { code, detail: error.message || TITLE[status] || 'invalid request' };
  }
  return { code: 'INTERNAL', detail: 'internal error' };
}

export function errorResponse(error: unknown, c: Context): Response {
  if (unreadBody(c)) c.header('connection', 'close');
  const status = statusOf(error);
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE };
  if (isShambaError(error)) {
    if (error.code === 'NOT_AUTHENTICATED') headers['WWW-Authenticate'] = 'Bearer';
    // RFC 6585 §4: a 429 may say how long to wait (RFC 9110 §10.2.3, in seconds).
    const retryAfterS = error.details?.retryAfterS;
    if (error.code === 'TOO_MANY_REQUESTS' && typeof retryAfterS === 'number')
      headers['Retry-After'] = String(retryAfterS);
    // RFC 9110 §15.5.6: a 405 lists the methods the resource answers.
    const allow = error.details?.allow;
    if (error.code === 'METHOD_NOT_ALLOWED' && Array.isArray(allow))
      headers.Allow = allow.join(', ');
  }
  const problem: Problem = {
    type: 'about:blank',
    title: titleOf(status),
    status,
    ...described(error, status),
  };
  // RFC 9457 §3.1.5: this occurrence, as the request id the access log carries.
  const requestId: unknown = c.get('requestId');
  if (typeof requestId === 'string') problem.instance = `urn:uuid:${requestId}`;
  return c.body(JSON.stringify(problem), status, headers);
}
