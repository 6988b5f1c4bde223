/**
 * The CLI's form of the HTTP provider's settings, one URL:
 * `https://USERNAME:APIKEY@api.africastalking.com` (`?from=SENDER` for a sender id or short
 * code; `http://` for a provider on loopback in tests). Pure (WHATWG URL is a global).
 * Errors never repeat the URL: it holds the API key.
 */
import { ShambaError } from '@shamba/schemas';

export interface HttpGatewaySettings {
  /** Scheme, host, port and path prefix, without credentials or query. */
  baseUrl: string;
  username: string;
  apiKey: string;
  senderId?: string;
}

export function parseHttpGatewayUrl(text: string): HttpGatewaySettings {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('it is not a URL (expected https://USERNAME:APIKEY@HOST)');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid(`scheme ${url.protocol} is not http: or https:`);
  }
  const username = decoded(url.username);
  const apiKey = decoded(url.password);
  if (username === '' || apiKey === '') {
    throw invalid('it needs USERNAME:APIKEY@ before the host');
  }
  const senderId = url.searchParams.get('from') ?? '';
  const baseUrl = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  return { baseUrl, username, apiKey, ...(senderId === '' ? {} : { senderId }) };
}

function decoded(component: string): string {
  try {
    return decodeURIComponent(component);
  } catch {
    throw invalid('its USERNAME:APIKEY has a broken %-escape');
  }
}

function invalid(reason: string): ShambaError {
  return new ShambaError('INVALID_CONFIG', `SMS gateway URL: ${reason}`);
}
