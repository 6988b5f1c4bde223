/**
 * One send on the wire: the POST with its timeout, and the HTTP-level failures mapped to
 * SmsSendError (AT SMS docs: the key travels in the `apiKey` header, the body is form-encoded,
 * the answer is JSON when `Accept: application/json`; a taken send answers 201 Created).
 */
import { SmsSendError } from '../sms-gateway.js';

export interface ProviderRequest {
  /** The send endpoint, `{baseUrl}/version1/messaging`. */
  url: string;
  apiKey: string;
  fetch: typeof fetch;
  timeoutMs: number;
  /** Aborted when the gateway closes. */
  inFlight: Set<AbortController>;
}

/** The most of an error body quoted in a message: the provider's reason fits well within it. */
const MAX_QUOTED_BODY = 200;

/** POSTs the form; the parsed JSON answer, or an SmsSendError saying whether to retry. */
export async function sendOnce(request: ProviderRequest, form: URLSearchParams): Promise<unknown> {
  const { status, body } = await post(request, form);
  if (status === 200 || status === 201) {
    try {
      return JSON.parse(body) as unknown;
    } catch (error) {
      // Whether the provider took the message is unknown: retrying is the dispatcher's call.
      throw new SmsSendError('SMS provider answered with a body that is not JSON', true, {
        cause: error,
      });
    }
  }
  throw httpError(status, scrub(body.slice(0, MAX_QUOTED_BODY).trim(), request.apiKey));
}

/** Removes every occurrence of the API key from text that may echo it. */
export function scrub(text: string, apiKey: string): string {
  return apiKey === '' ? text : text.split(apiKey).join('[redacted]');
}

async function post(
  request: ProviderRequest,
  form: URLSearchParams,
): Promise<{ status: number; body: string }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort('timeout'), request.timeoutMs);
  request.inFlight.add(controller);
  try {
    const response = await request.fetch(request.url, {
      method: 'POST',
      headers: {
        apiKey: request.apiKey,
        Accept: 'application/json',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: form.toString(),
      // A redirect means a wrong base URL; following it would turn the POST into a GET.
      redirect: 'manual',
      signal: controller.signal,
    });
    // The body is read under the same timer: a provider that stalls mid-answer times out too.
    return { status: response.status, body: await response.text() };
  } catch (error) {
    throw transportError(error, controller.signal, request);
  } finally {
    clearTimeout(timer);
    request.inFlight.delete(controller);
  }
}

function transportError(error: unknown, signal: AbortSignal, request: ProviderRequest) {
  if (signal.aborted && signal.reason === 'timeout') {
    return new SmsSendError(`SMS provider did not answer within ${request.timeoutMs} ms`, true, {
      cause: error,
    });
  }
  if (signal.aborted) {
    return new SmsSendError('SMS send aborted: the gateway closed', true, { cause: error });
  }
  const why = scrub(describe(error), request.apiKey);
  return new SmsSendError(`SMS provider unreachable: ${why}`, true, { cause: error });
}

/** 401/403: the credentials; 408, 429 and 5xx pass with time; any other 4xx or 3xx never will. */
function httpError(status: number, body: string): SmsSendError {
  const quoted = body === '' ? '' : `: ${body}`;
  if (status === 401 || status === 403) {
    return new SmsSendError(
      `SMS provider refused the credentials (HTTP ${status})${quoted}`,
      false,
    );
  }
  const retryable = status === 408 || status === 429 || status >= 500;
  return new SmsSendError(`SMS provider answered HTTP ${status}${quoted}`, retryable);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : null;
  return code === null ? error.message : `${error.message} (${code})`;
}
