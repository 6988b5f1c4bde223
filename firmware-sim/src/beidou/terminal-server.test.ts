import { createConnection, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { formatTxa, parseFki, parseTxr } from '@shamba/schemas';
import { serveTerminal, type TerminalServer } from './terminal-server.js';
import { createShortMessageNetwork, createTerminal } from './terminal.js';

const COOP_CARD = '0400001';
const FARM_CARD = '0455501';
const T = Date.parse('2026-12-03T06:00:00Z');

/** A host on the serial line over TCP: writes sentences, collects every line the terminal sends. */
async function host(port: number) {
  const socket: Socket = createConnection({ host: '127.0.0.1', port });
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.setEncoding('latin1');
  const lines: string[] = [];
  let buffered = '';
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\r\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
  });
  const closed = new Promise((resolve) => socket.once('close', resolve));
  const nextLine = async (count: number) => {
    while (lines.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
    return lines[count - 1]!;
  };
  return { socket, lines, closed, nextLine };
}

let server: TerminalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('serveTerminal', () => {
  it("answers each sentence as the card does, at the clock's time", async () => {
    const network = createShortMessageNetwork();
    const delivered: string[] = [];
    network.attach(FARM_CARD, (txr) => delivered.push(txr));
    let now = T;
    server = await serveTerminal({
      terminal: createTerminal({ cardId: COOP_CARD, network }),
      clock: () => now,
    });
    expect(server.url).toBe(`tcp://127.0.0.1:${server.port}`);
    const office = await host(server.port);
    const txa = formatTxa({ toCard: FARM_CARD, payload: Uint8Array.of(0xa1, 0x11) });

    office.socket.write(`${txa}\r\n`);
    expect(parseFki(await office.nextLine(1))).toEqual({ done: true, rateOk: true, waitS: 60 });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(delivered.map((line) => parseTxr(line))).toEqual([
      { fromCard: COOP_CARD, payload: Uint8Array.of(0xa1, 0x11) },
    ]);

    // 20 s later by the clock: inside the card's 60 s service interval, refused.
    now = T + 20_000;
    office.socket.write(`${txa}\r\n`);
    expect(parseFki(await office.nextLine(2))).toEqual({ done: false, rateOk: false, waitS: 40 });
    expect(server.received).toEqual([txa, txa]);
    office.socket.destroy();
  });

  it("writes what the cooperative's card receives to the host, unasked", async () => {
    const network = createShortMessageNetwork();
    server = await serveTerminal({
      terminal: createTerminal({ cardId: COOP_CARD, network }),
      network,
    });
    const office = await host(server.port);
    await new Promise((resolve) => setTimeout(resolve, 10)); // the server has the connection
    expect(network.deliver(FARM_CARD, COOP_CARD, Uint8Array.of(0x42))).toBe(true);
    expect(parseTxr(await office.nextLine(1))).toEqual({
      fromCard: FARM_CARD,
      payload: Uint8Array.of(0x42),
    });
    office.socket.destroy();
  });

  it('drops its connections on demand and takes new ones', async () => {
    const network = createShortMessageNetwork();
    server = await serveTerminal({ terminal: createTerminal({ cardId: COOP_CARD, network }) });
    const first = await host(server.port);
    await new Promise((resolve) => setTimeout(resolve, 10));
    server.dropConnections();
    await first.closed;
    const second = await host(server.port);
    second.socket.write('garbage\r\n');
    // A sentence that does not parse is answered as not sent, never left unanswered.
    expect(parseFki(await second.nextLine(1))).toMatchObject({ done: false });
    second.socket.destroy();
  });
});
