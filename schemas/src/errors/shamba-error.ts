/**
 * The one error type that crosses package boundaries. Codes are a closed set; the edges (HTTP
 * routes, MQTT hooks, the CLI) map them to status codes once.
 */
export const ERROR_CODES = [
  'INVALID_PAYLOAD',
  'INVALID_TOPIC',
  'OUT_OF_RANGE',
  'TIME_IN_FUTURE',
  'UNKNOWN_DEVICE',
  'NOT_AUTHORIZED',
  'NOT_AUTHENTICATED',
  'NOT_FOUND',
  'INVALID_REQUEST',
  'STORE_UNAVAILABLE',
  'STORE_REJECTED',
  'WORKER_FAILED',
  'INVALID_CONFIG',
  'RASTER_INVALID',
  'RASTER_TOO_LARGE',
  'RASTER_UNSUPPORTED',
  /** An MQTT packet over the broker's size limit (recorded against the device that sent it). */
  'PACKET_TOO_LARGE',
  /** Too many failed attempts from one client (HTTP 429 with Retry-After). */
  'TOO_MANY_REQUESTS',
  /** A route that exists, asked with a method it does not answer (HTTP 405 with Allow). */
  'METHOD_NOT_ALLOWED',
  /** A request body in a media type the route does not read (HTTP 415). */
  'UNSUPPORTED_MEDIA_TYPE',
  /** A state change that conflicts with what is stored (an id taken, a job not done: HTTP 409). */
  'CONFLICT',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class ShambaError extends Error {
  override readonly name = 'ShambaError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
  }

  readonly details: Record<string, unknown> | undefined;
}

export function isShambaError(error: unknown, code?: ErrorCode): error is ShambaError {
  return error instanceof ShambaError && (code === undefined || error.code === code);
}
