import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDns } from '../testing/index.js';
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
      '::ffff:0:127.0.0.1', // IPv4-translated loopback (RFC 2765 §2.1)
      '::ffff:0:a9fe:a9fe', // IPv4-translated metadata address
      '100::1', // discard-only
      '3fff::1', // documentation (RFC 9637)
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

describe('checkUrl with names', () => {
  let dns: Awaited<ReturnType<typeof serveDns>>;
  beforeAll(async () => {
    dns = await serveDns({
      'scenes.test': { addresses: ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'] },
      'intranet.test': { addresses: ['10.0.0.5'] },
      'split.test': { addresses: ['93.184.215.14', 'fd00::5'] },
    });
  });
  afterAll(() => dns.close());
  const at = (name: string) => checkUrl(`http://${name}/item.json`, { dnsServers: [dns.server] });
  const outcome = (name: string) =>
    at(name).then(
      (target) => ({ address: target.address, family: target.family }),
      (error: { code: string; message: string }) => ({ code: error.code, message: error.message }),
    );

  it('refuses a name that does not resolve exactly as one that resolves to a private address', async () => {
    expect(
      Object.fromEntries(
        await Promise.all(
          ['scenes.test', 'intranet.test', 'split.test', 'nowhere.test'].map(
            async (name) => [name, await outcome(name)] as const,
          ),
        ),
      ),
    ).toEqual({
      'scenes.test': { address: '93.184.215.14', family: 4 },
      'intranet.test': { code: 'INVALID_REQUEST', message: 'the scene URL was refused' },
      // One private address among public ones is enough to refuse the name.
      'split.test': { code: 'INVALID_REQUEST', message: 'the scene URL was refused' },
      'nowhere.test': { code: 'INVALID_REQUEST', message: 'the scene URL was refused' },
    });
    // Both families asked of the given server, for every name.
    expect(dns.asked().filter((n) => n === 'nowhere.test')).toEqual([
      'nowhere.test',
      'nowhere.test',
    ]);
  });
});
