import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { ShortMessageNetwork, Terminal } from './terminal.js';

export interface TerminalServerOptions {
  terminal: Terminal;
  /** The simulated time each sentence is written at (the card's service interval counts in it). */
  clock?: () => number;
  /**
   * The network the terminal's card is on: what it receives ($BDTXR) is written to every host
   * connected, unasked, as a terminal's serial port does. Unset: the card receives nothing.
   */
  network?: ShortMessageNetwork;
}

export interface TerminalServer {
  /** `tcp://127.0.0.1:PORT`: what SHAMBA_BEIDOU_TERMINAL is set to. */
  readonly url: string;
  readonly port: number;
  /** Every sentence a host wrote, in order. */
  readonly received: readonly string[];
  /** Cuts every host's connection (the device server rebooting); the server keeps listening. */
  dropConnections(): void;
  close(): Promise<void>;
}

/**
 * A simulated BeiDou terminal behind a serial device server: the serial line over TCP on
 * 127.0.0.1 (a free port), as `tcp://` in SHAMBA_BEIDOU_TERMINAL reaches a real one. Each line a
 * host writes goes to `terminal.write(line, clock())` and the answer ($BDFKI) goes back with CRLF
 * (NMEA 0183 framing).
 */
export async function serveTerminal(options: TerminalServerOptions): Promise<TerminalServer> {
  const clock = options.clock ?? Date.now;
  const received: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.setEncoding('latin1');
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy()); // a host gone mid-write: nothing to answer
    let buffered = '';
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split(/\r?\n/);
      buffered = lines.pop() ?? '';
      for (const line of lines.map((l) => l.trim()).filter((l) => l !== '')) {
        received.push(line);
        socket.write(`${options.terminal.write(line, clock())}\r\n`);
      }
    });
  });
  options.network?.attach(options.terminal.cardId, (txr) => {
    for (const socket of sockets) socket.write(`${txr}\r\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const dropConnections = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    url: `tcp://127.0.0.1:${port}`,
    port,
    received,
    dropConnections,
    async close() {
      dropConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
