import { ShambaError, type ErrorCode } from '@shamba/schemas';
import { expect } from 'vitest';
import { statusOf, titleOf } from '../http/errors.js';

/**
 * The whole RFC 9457 problem the API answers a ShambaError of `code` with (or `INTERNAL`), with
 * `detail` as given (a string, or an asymmetric matcher); only the request's id varies.
 */
export function problem(
  code: ErrorCode | 'INTERNAL',
  detail: unknown,
  options: { requestId?: boolean } = {},
) {
  const status = code === 'INTERNAL' ? 500 : statusOf(new ShambaError(code, ''));
  return {
    type: 'about:blank',
    title: titleOf(status),
    status,
    code,
    detail,
    // An app without the request observer (a route tested alone) has no request id.
    instance:
      options.requestId === false
        ? undefined
        : (expect.stringMatching(/^urn:uuid:[0-9a-f-]{36}$/) as unknown),
  };
}
