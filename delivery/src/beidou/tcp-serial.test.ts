import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { formatFki, formatTxa, formatTxr } from '@shamba/schemas';
import { openTcpSerial, tcpTarget, type TcpSerial } from './tcp-serial.js';

const logger = pino({ level: 'silent' });
const TXA = formatTxa({ toCard: '0455501', payload: Uint8Array.of(0xa1, 0x11) });
const DONE = formatFki({ done: true, rateOk: true, waitS: 60 });
const TXR = formatTxr({ fromCard: '0455501', payload: Uint8Array.of(0x01) });

/**
 * A serial device server on loopback (the TCP side of an RS-232-to-Ethernet box): each line the
 * host writes goes to `onLine`, which answers through the socket as the terminal would.
 */
async function deviceServer(onLine: (line: string, socket: Socket, index: number) => void) {
  const lines: string[] = [];
  const raw: string[] = [];
  let connections = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let buffered = '';
    socket.on('data', (chunk) => {
      raw.push(chunk.toString('latin1'));
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        lines.push(line);
        onLine(line, socket, lines.length - 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `tcp://127.0.0.1:${port}`,
    lines,
    raw,
    connections: () => connections,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

type DeviceServer = Awaited<ReturnType<typeof deviceServer>>;
let server: DeviceServer | undefined;
let serial: TcpSerial | undefined;
afterEach(async () => {
  await serial?.close();
  await server?.close();
  serial = server = undefined;
});

describe('openTcpSerial', () => {
  it('writes the sentence with CRLF and answers with the next $BDFKI, passing other lines on', async () => {
    server = await deviceServer((_line, socket) => {
      // An unsolicited $BDTXR first, then the feedback split across two TCP segments.
      socket.write(`${TXR}\r\n${DONE.slice(0, 9)}`);
      setTimeout(() => socket.write(`${DONE.slice(9)}\r\n`), 20);
    });
    const others: string[] = [];
    serial = openTcpSerial(server.url, { logger, onLine: (line) => others.push(line) });
    expect(await serial.write(TXA)).toBe(DONE);
    expect(server.raw.join('')).toBe(`${TXA}\r\n`);
    expect(others).toEqual([TXR]);
  });

  it('has one sentence in flight at a time', async () => {
    let answered = 0;
    const answeredWhenSeen: number[] = [];
    server = await deviceServer((_line, socket) => {
      answeredWhenSeen.push(answered);
      setTimeout(() => {
        answered += 1;
        socket.write(`${DONE}\r\n`);
      }, 50);
    });
    serial = openTcpSerial(server.url, { logger });
    const answers = await Promise.all([serial.write(TXA), serial.write(TXA), serial.write(TXA)]);
    expect(answers).toEqual([DONE, DONE, DONE]);
    // Each sentence reached the terminal only after the one before it was answered.
    expect(answeredWhenSeen).toEqual([0, 1, 2]);
    expect(server.connections()).toBe(1);
  });

  it('times out with a clear error, and the next write opens a fresh connection', async () => {
    server = await deviceServer((_line, socket, index) => {
      if (index === 0) {
        // Answers too late: the first connection is gone by then, so it is never taken for
        // the second sentence's answer.
        setTimeout(
          () =>
            socket.writable &&
            socket.write(`${formatFki({ done: false, rateOk: false, waitS: 9 })}\r\n`),
          300,
        );
        return;
      }
      socket.write(`${DONE}\r\n`);
    });
    serial = openTcpSerial(server.url, { logger, timeoutMs: 150 });
    await expect(serial.write(TXA)).rejects.toThrow(
      `BeiDou terminal at ${server.url} did not answer within 150 ms`,
    );
    expect(await serial.write(TXA)).toBe(DONE);
    expect(server.connections()).toBe(2);
  });

  it('fails the write the connection drops under, and reconnects on the next', async () => {
    server = await deviceServer((_line, socket, index) => {
      if (index === 0) socket.destroy();
      else socket.write(`${DONE}\r\n`);
    });
    serial = openTcpSerial(server.url, { logger });
    await expect(serial.write(TXA)).rejects.toThrow(/connection closed/);
    expect(await serial.write(TXA)).toBe(DONE);
    expect(server.connections()).toBe(2);
  });

  it('ends a write in flight when closed, and refuses writes after', async () => {
    server = await deviceServer(() => undefined); // a terminal that never answers
    serial = openTcpSerial(server.url, { logger, timeoutMs: 60_000 });
    const inFlight = serial.write(TXA);
    inFlight.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await serial.close();
    await expect(inFlight).rejects.toThrow(/closed/);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(serial.write(TXA)).rejects.toThrow('BeiDou serial closed');
  });

  it('says so when nothing listens at the address', async () => {
    const gone = await deviceServer(() => undefined);
    await gone.close();
    serial = openTcpSerial(gone.url, { logger, timeoutMs: 1000 });
    await expect(serial.write(TXA)).rejects.toThrow(
      `no connection to ${gone.url}: connect ECONNREFUSED`,
    );
  });

  it('refuses an address that is not tcp://HOST:PORT', () => {
    expect(tcpTarget('tcp://10.0.0.7:4001')).toEqual({ host: '10.0.0.7', port: 4001 });
    expect(tcpTarget('tcp://[::1]:4001')).toEqual({ host: '::1', port: 4001 });
    expect(() => tcpTarget('serial:///dev/ttyUSB0')).toThrow(/expected tcp:\/\/HOST:PORT/);
    expect(() => tcpTarget('tcp://10.0.0.7')).toThrow(/expected tcp:\/\/HOST:PORT/);
    expect(() => tcpTarget('10.0.0.7:4001')).toThrow(/expected tcp:\/\/HOST:PORT/);
  });
});
