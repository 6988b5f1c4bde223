import { createConnection, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { BeidouSerial } from './beidou-gateway.js';

export interface TcpSerialOptions {
  logger: Logger;
  /** How long a connect, or the terminal's $BDFKI after a sentence, may take (default 10 s). */
  timeoutMs?: number;
  /** Every other line the terminal sends ($BDTXR from another card, status sentences). */
  onLine?: (line: string) => void;
}

export interface TcpSerial extends BeidouSerial {
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * The cooperative's BeiDou RDSS terminal behind a serial device server (an RS-232-to-Ethernet
 * box in "TCP server" mode, e.g. Moxa NPort's "TCP Server" or USR-TCP232's "TCP Server": the
 * serial line's bytes, as they are, over one TCP connection): `tcp://HOST:PORT`.
 *
 * One sentence at a time: each write sends the sentence and CRLF (NMEA 0183 framing, which the
 * RDSS protocol keeps) and resolves with the next $BDFKI the terminal answers; lines in between
 * ($BDTXR, the terminal's status) go to `onLine`. The connection opens on the first write and,
 * after it drops, again on the next one. A write with no answer in `timeoutMs` fails and the
 * connection is dropped, so a late $BDFKI can never be taken for the next sentence's answer.
 */
export function openTcpSerial(url: string, options: TcpSerialOptions): TcpSerial {
  const target = tcpTarget(url);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const logger = options.logger.child({ terminal: `${target.host}:${target.port}` });
  let socket: Socket | undefined;
  /** Every connection not yet closed, the one still connecting included. */
  const live = new Set<Socket>();
  /** The write in flight: the connection it was written on, and its answer to come. */
  let waiting: { on: Socket; resolve(line: string): void; reject(error: Error): void } | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  const drop = (socketToDrop: Socket, why: Error) => {
    if (socket === socketToDrop) socket = undefined;
    socketToDrop.destroy();
    if (waiting?.on !== socketToDrop) return;
    waiting.reject(why);
    waiting = undefined;
  };

  /** Splits one connection's bytes into lines: a $BDFKI answers the write, the rest is passed on. */
  const lineReader = (from: Socket) => {
    let buffered = '';
    return (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split(/\r?\n/);
      buffered = lines.pop() ?? '';
      for (const raw of lines) answerOrPass(from, raw.trim());
    };
  };

  const answerOrPass = (from: Socket, line: string) => {
    if (line === '') return;
    if (line.startsWith('$BDFKI') && waiting?.on === from) {
      waiting.resolve(line);
      waiting = undefined;
    } else {
      logger.debug({ line }, 'BeiDou terminal line');
      options.onLine?.(line);
    }
  };

  const connect = () =>
    new Promise<Socket>((resolve, reject) => {
      const next = createConnection({ host: target.host, port: target.port });
      live.add(next);
      next.setEncoding('latin1'); // sentences are ASCII; a stray byte must not split a line
      next.setNoDelay(true);
      next.setKeepAlive(true, 30_000);
      const timer = setTimeout(() => {
        next.destroy();
        reject(new Error(`no connection to ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      next.once('connect', () => {
        clearTimeout(timer);
        logger.info('BeiDou terminal connected');
        resolve(next);
      });
      next.on('data', lineReader(next));
      next.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`no connection to ${url}: ${error.message}`));
        drop(next, new Error(`BeiDou terminal connection failed: ${error.message}`));
      });
      next.on('close', () => {
        live.delete(next);
        clearTimeout(timer);
        reject(new Error(`connection to ${url} closed`));
        if (socket === next) logger.warn('BeiDou terminal connection closed');
        drop(next, new Error('BeiDou terminal connection closed before it answered'));
      });
    });

  const exchange = async (line: string): Promise<string> => {
    if (closed) throw new Error('BeiDou serial closed');
    socket ??= await connect();
    const current = socket;
    if (closed || current.destroyed) {
      drop(current, new Error('BeiDou serial closed'));
      throw new Error(closed ? 'BeiDou serial closed' : 'BeiDou terminal connection closed');
    }
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        drop(current, new Error(`BeiDou terminal at ${url} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting = {
        on: current,
        resolve: (answer) => (clearTimeout(timer), resolve(answer)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      };
      current.write(`${line}\r\n`);
    });
  };

  return {
    write(line) {
      const result = queue.then(() => exchange(line));
      queue = result.catch(() => undefined); // a failed write does not block the next
      return result;
    },
    async close() {
      closed = true;
      for (const open of live) drop(open, new Error('BeiDou serial closed'));
      await queue;
    },
  };
}

/** `tcp://HOST:PORT` (an IPv6 host in brackets), or a clear error naming what is wrong. */
export function tcpTarget(url: string): { host: string; port: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`BeiDou terminal "${url}" is not a URL; expected tcp://HOST:PORT`);
  }
  if (parsed.protocol !== 'tcp:' || parsed.hostname === '' || parsed.port === '')
    throw new Error(`BeiDou terminal "${url}": expected tcp://HOST:PORT`);
  return { host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(parsed.port) };
}
