import { describe, expect, it } from 'vitest';
import { describeEndpoint, parseSmppUrl } from './url.js';

describe('parseSmppUrl', () => {
  it('reads system_id, password, host and port; smpps means TLS', () => {
    expect(parseSmppUrl('smpp://coop%2B1:p%40ss@smsc.example.net:2776')).toEqual({
      tls: false,
      host: 'smsc.example.net',
      port: 2776,
      systemId: 'coop+1',
      password: 'p@ss',
    });
    expect(parseSmppUrl('smpps://coop:pw@10.0.0.5')).toMatchObject({ tls: true, port: 3550 });
    expect(parseSmppUrl('smpp://coop:pw@[::1]')).toMatchObject({ host: '::1', port: 2775 });
  });

  it.each([
    ['http://coop:pw@smsc:2775', /scheme must be smpp: or smpps:, not http:/],
    ['smpp://smsc:2775', /no system_id/],
    ['smpp://coop:toolongpassword@smsc:2775', /password is longer than 8/],
    ['smpp://averyveryverylongsystemid:pw@smsc', /system_id is longer than 15/],
    ['smpp://coop:pw@smsc:2775/path', /takes no path/],
    ['not a url with s3cr3t', /not a URL/],
  ])('rejects %s with a clear error', (url, message) => {
    expect(() => parseSmppUrl(url)).toThrow(message);
  });

  it('never puts the password in an error or in what may be logged', () => {
    const errors = ['smpp://coop:s3cr3t@smsc:2775/x', 'smpp://:s3cr3t@smsc'].map((url) => {
      try {
        parseSmppUrl(url);
        return '';
      } catch (error) {
        return String(error);
      }
    });
    expect(errors.every((text) => text !== '' && !text.includes('s3cr3t'))).toBe(true);
    const logged = describeEndpoint(parseSmppUrl('smpps://coop:s3cr3t@smsc:3551'));
    expect(logged).toEqual({ smsc: 'smpps://smsc:3551', systemId: 'coop' });
  });
});
