import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { isIP } from 'node:net';
import { ipv6Bytes } from '../remote/address-policy.js';

/** What the test DNS server answers for one name: addresses, no such name, or nothing at all. */
export type DnsAnswer = { addresses: readonly string[] } | 'nxdomain' | 'silent';

const TYPE_A = 1;
const TYPE_AAAA = 28;

/**
 * A DNS server on 127.0.0.1 (UDP, port 0) for the tests of name resolution: each name answers
 * as `answers` says (A and AAAA records from its addresses; names not listed: NXDOMAIN), and
 * every name asked is recorded. Messages as RFC 1035 §4.1 lays them out; one question each.
 */
export async function serveDns(answers: Record<string, DnsAnswer>) {
  const socket = createSocket('udp4');
  const asked: string[] = [];
  socket.on('message', (query, peer) => {
    const labels: string[] = [];
    let at = 12;
    while (query[at] !== 0 && at < query.length) {
      labels.push(query.toString('latin1', at + 1, at + 1 + query[at]!));
      at += 1 + query[at]!;
    }
    const questionEnd = at + 5; // the root label, QTYPE, QCLASS
    const type = query.readUInt16BE(at + 1);
    const name = labels.join('.').toLowerCase();
    asked.push(name);
    const answer = answers[name] ?? 'nxdomain';
    if (answer === 'silent') return;
    const family = type === TYPE_A ? 4 : type === TYPE_AAAA ? 6 : 0;
    const records = answer === 'nxdomain' ? [] : answer.addresses.filter((a) => isIP(a) === family);
    const header = Buffer.alloc(12);
    query.copy(header, 0, 0, 2); // ID
    // QR, AA, RD copied, RA; RCODE 3 is NXDOMAIN.
    header.writeUInt16BE(
      0x8400 | (query.readUInt16BE(2) & 0x0100) | 0x80 | (answer === 'nxdomain' ? 3 : 0),
      2,
    );
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(records.length, 6);
    const rr = records.map((address) => {
      const data =
        family === 4
          ? Buffer.from(address.split('.').map(Number))
          : Buffer.from(ipv6Bytes(address));
      const fixed = Buffer.alloc(12);
      fixed.writeUInt16BE(0xc00c, 0); // the name, as a pointer to the question's
      fixed.writeUInt16BE(type, 2);
      fixed.writeUInt16BE(1, 4); // class IN
      fixed.writeUInt32BE(0, 6); // TTL: never cached
      fixed.writeUInt16BE(data.length, 10);
      return Buffer.concat([fixed, data]);
    });
    socket.send(
      Buffer.concat([header, query.subarray(12, questionEnd), ...rr]),
      peer.port,
      peer.address,
    );
  });
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return {
    /** For `RemoteAccess.dnsServers`. */
    server: `127.0.0.1:${socket.address().port}`,
    /** The names asked, in order (one entry per query: A and AAAA are two). */
    asked: () => [...asked],
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
