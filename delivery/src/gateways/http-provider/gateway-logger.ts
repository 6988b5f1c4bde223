/**
 * The slice of a pino Logger the adapter uses, so @shamba/delivery needs no pino of its own: a
 * pino Logger is assignable to it.
 */
export interface GatewayLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}
