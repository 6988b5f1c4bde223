import { describe, expect, it } from 'vitest';
import { checkUrl, isPublicAddress } from './address-policy.js';

// The address check behind every remote scene read (SSRF, issue 13 case 6).
describe('isPublicAddress', () => {
  it('refuses every special-purpose address and its IPv6 disguises, and passes public ones', () => {
    const notPublic = [
      '0.0.0.0',
      '127.0.0.1',
      '127.255.0.9',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254', // cloud metadata
      '100.64.0.1', // CGNAT
      '224.0.0.1', // multicast
      '255.255.255.255',
      '::',
      '::1',
      '::ffff:127.0.0.1', // IPv4-mapped loopback
      '::ffff:7f00:1', // the same, in hex
      '::ffff:169.254.169.254',
      '::127.0.0.1', // IPv4-compatible, deprecated
      '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
      '2002:7f00:1::', // 6to4 of 127.0.0.1
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'fe80::1%lo',
      'ff02::1',
      'not an address',
    ];
    const isPublic = ['1.1.1.1', '8.8.8.8', '52.92.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'];
    expect(notPublic.filter(isPublicAddress)).toEqual([]);
    expect(isPublic.filter(isPublicAddress)).toEqual(isPublic);
  });
});

describe('checkUrl', () => {
  const refusal = { code: 'INVALID_REQUEST', message: 'the scene URL was refused' };

  it('refuses loopback in every spelling the URL parser normalises, and localhost after DNS', async () => {
    for (const url of [
      'http://127.0.0.1:8080/item.json',
      'http://2130706433:8080/item.json',
      'http://0x7f000001/item.json',
      'http://0177.0.0.1/item.json',
      'http://127.1/item.json',
      'http://[::1]:8080/item.json',
      'http://[::ffff:127.0.0.1]/item.json',
      'http://localhost:8080/item.json',
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00::1]/x',
      'file:///etc/passwd',
      'ftp://example.com/x',
      'http://user:secret@1.1.1.1/x',
    ]) {
      await expect(checkUrl(url, undefined), url).rejects.toMatchObject(refusal);
    }
  });

  it('lets a listed private address through, and only that one; a host allow-list binds too', async () => {
    const access = { allowPrivateAddresses: ['127.0.0.1'] };
    expect(await checkUrl('http://2130706433:9/x', access)).toMatchObject({
      host: '127.0.0.1',
      address: '127.0.0.1',
      family: 4,
    });
    await expect(checkUrl('http://127.0.0.2:9/x', access)).rejects.toMatchObject(refusal);
    await expect(checkUrl('http://169.254.169.254/', access)).rejects.toMatchObject(refusal);
    const hosts = { allowPrivateAddresses: true, hosts: ['127.0.0.1', '*.example.org'] };
    expect((await checkUrl('http://127.0.0.1/x', hosts)).address).toBe('127.0.0.1');
    await expect(checkUrl('http://10.0.0.1/x', hosts)).rejects.toMatchObject(refusal);
    await expect(checkUrl('http://example.org.evil.test/x', hosts)).rejects.toMatchObject(refusal);
  });
});
