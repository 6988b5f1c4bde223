import { ShambaError } from '@shamba/schemas';
import { describe, expect, it } from 'vitest';
import { parseHttpGatewayUrl } from './gateway-url.js';

describe('parseHttpGatewayUrl', () => {
  it('reads the username, key and host of the CLI form', () => {
    expect(parseHttpGatewayUrl('https://shamba-coop:atsk_0123abcd@api.africastalking.com')).toEqual(
      {
        baseUrl: 'https://api.africastalking.com',
        username: 'shamba-coop',
        apiKey: 'atsk_0123abcd',
      },
    );
  });

  it('keeps an http port and path prefix, decodes escapes and reads ?from= as the sender id', () => {
    expect(parseHttpGatewayUrl('http://sandbox:k%2Fe%40y@127.0.0.1:8123/at/?from=SHAMBA')).toEqual({
      baseUrl: 'http://127.0.0.1:8123/at',
      username: 'sandbox',
      apiKey: 'k/e@y',
      senderId: 'SHAMBA',
    });
  });

  it.each([
    ['api.africastalking.com', 'not a URL'],
    ['smpp://u:secretkey@host:2775', 'scheme smpp:'],
    ['https://api.africastalking.com', 'USERNAME:APIKEY@'],
    ['https://onlyuser@api.africastalking.com', 'USERNAME:APIKEY@'],
    ['https://u:secret%zzkey@api.africastalking.com', '%-escape'],
  ])('refuses %s as INVALID_CONFIG without repeating the key', (url, reason) => {
    let caught: unknown;
    try {
      parseHttpGatewayUrl(url);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ShambaError);
    const error = caught as ShambaError;
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.message).toContain(reason);
    expect(error.message).not.toContain('secret');
  });
});
