import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { ShambaError } from '@shamba/schemas';
import { checkUrl, fetchFailed, type CheckedTarget, type RemoteAccess } from './address-policy.js';

/**
 * Every remote scene read (STAC items, band headers, tiles) goes through `remoteGet`: one place
 * that checks the address, caps what is read into memory, times out, and bounds how many reads
 * are in flight.
 */

/** A remote read gives up after this long: a stalled server must not hold a scene pass forever. */
export const HTTP_TIMEOUT_MS = 30_000;

/**
 * Remote reads in flight at once, per thread (the main thread and each analytics worker have
 * their own; `shamba start` runs one or two workers). Each read holds at most its cap in memory
 * (a 1 MiB item, a tile of at most `MAX_RANGE_BYTES`), so four bound a thread's fetch buffers to
 * 4 x that cap, and four connections keep a Sentinel-2 window read (five bands, a tile or two
 * each) moving while the two CPU cores decode; more would only queue in the decoder.
 */
export const MAX_CONCURRENT_FETCHES = 4;

/**
 * The largest range one read may ask for: a tile or strip decodes to at most 64 MiB (tiff-guard's
 * `maxTileBytes`), and DEFLATE stores incompressible data with 5 bytes per block of up to 64 KiB
 * (RFC 1951 §3.2.4), so 1 MiB of margin covers any compressed tile the guard lets through.
 */
export const MAX_RANGE_BYTES = 65 * 2 ** 20;

/** Redirects followed, each re-checked: object stores redirect once or twice, not in chains. */
const MAX_REDIRECTS = 3;

/**
 * Reads waiting for a slot, per thread, before more are refused (WORKER_FAILED, 503: try again
 * later). A scene pass asks for at most 160 at once (8 fields in flight, `FIELDS_IN_FLIGHT` in
 * scenes/scene-indices.ts, x 5 bands x the 4 tiles a small field's window can straddle), and
 * the API's item fetches and images add a few; past this many, the reads are someone flooding
 * the queue with slow URLs, each of which would hold a slot for up to `HTTP_TIMEOUT_MS`.
 */
export const MAX_QUEUED_FETCHES = 256;

/** A read in a slot holds it until `release`; the rest wait in order, at most `maxQueued`. */
function createSlots(size: number, maxQueued: number) {
  let free = size;
  const waiting: (() => void)[] = [];
  return {
    async acquire(): Promise<void> {
      if (free > 0) {
        free--;
        return;
      }
      if (waiting.length >= maxQueued)
        throw new ShambaError('WORKER_FAILED', 'too many remote scene reads waiting: try later');
      await new Promise<void>((resolve) => waiting.push(resolve));
    },
    release(): void {
      const next = waiting.shift();
      if (next === undefined) free++;
      else next(); // the slot passes straight on
    },
    get queued() {
      return waiting.length;
    },
  };
}
const slots = createSlots(MAX_CONCURRENT_FETCHES, MAX_QUEUED_FETCHES);

/** Remote reads waiting for a slot (for metrics and tests). */
export const remoteFetchesQueued = () => slots.queued;

/**
 * Kept-alive connections, one pool per policy: a socket opened to a private address for a
 * caller that allows them is never handed to one that does not.
 */
const agents = new Map<string, HttpAgent>();
function agentFor(protocol: string, access: RemoteAccess | undefined): HttpAgent {
  const key = `${protocol}|${JSON.stringify(access?.allowPrivateAddresses ?? false)}`;
  let agent = agents.get(key);
  if (agent === undefined) {
    const options = { keepAlive: true, maxFreeSockets: MAX_CONCURRENT_FETCHES, timeout: 60_000 };
    agent = protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
    agents.set(key, agent);
  }
  return agent;
}

/** Resolves the host to the address already checked, whatever the name says now. */
function pinnedLookup(target: CheckedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all === true) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}

export interface RemoteGet {
  url: string;
  access?: RemoteAccess | undefined;
  /** Bytes read into memory at most; a longer body is abandoned and `tooLarge()` thrown. */
  maxBytes: number;
  /** What to throw when the body is longer than `maxBytes`. */
  tooLarge: () => ShambaError;
  /** A single byte range, both ends included: the answer must be a 206 of at most that range. */
  range?: { from: number; to: number };
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

export interface RemoteResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A GET through the guard. Refusals and failures are ShambaErrors that name no address. */
export async function remoteGet(request: RemoteGet): Promise<RemoteResponse> {
  const maxBytes = request.range
    ? Math.min(request.maxBytes, request.range.to - request.range.from + 1)
    : request.maxBytes;
  if (request.range !== undefined && request.range.to - request.range.from + 1 > MAX_RANGE_BYTES)
    throw new ShambaError('RASTER_TOO_LARGE', 'a tile or strip larger than 65 MiB');
  await slots.acquire();
  try {
    const timeout = AbortSignal.timeout(request.timeoutMs ?? HTTP_TIMEOUT_MS);
    const signal =
      request.signal === undefined ? timeout : AbortSignal.any([timeout, request.signal]);
    // Resolved in the slot and under the deadline: a slow DNS name costs a slot, not more.
    let target = await checkUrl(request.url, request.access, signal);
    for (let hop = 0; ; hop++) {
      const response = await send(target, request, signal);
      if (
        response.statusCode !== undefined &&
        response.statusCode >= 300 &&
        response.statusCode < 400
      ) {
        const location = response.headers.location;
        response.destroy();
        if (location === undefined || hop >= MAX_REDIRECTS) throw fetchFailed();
        // Each hop is checked like the first: a public server cannot send us to a private one.
        target = await checkUrl(
          URL.parse(location, target.url.href) ?? 'invalid:',
          request.access,
          signal,
        );
        continue;
      }
      return await readBody(response, request, { maxBytes, signal });
    }
  } finally {
    slots.release();
  }
}

function send(target: CheckedTarget, request: RemoteGet, signal: AbortSignal) {
  return new Promise<IncomingMessage>((resolve, reject) => {
    const headers: Record<string, string> = {
      // A body is read as sent: no decompression, so no compression bomb.
      'accept-encoding': 'identity',
      'user-agent': 'shamba',
    };
    if (request.range !== undefined)
      headers.range = `bytes=${request.range.from}-${request.range.to}`;
    const requester = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = requester(
      target.url,
      {
        method: 'GET',
        headers,
        agent: agentFor(target.url.protocol, request.access),
        lookup: pinnedLookup(target),
        signal,
      },
      resolve,
    );
    outgoing.on('error', (cause) => reject(fetchFailed(cause)));
    outgoing.end();
  });
}

/** What bounds one body as it is read: the bytes it may hold, and the read's deadline. */
interface BodyLimits {
  /** The request's cap, lowered to the range's length when a range was asked for. */
  maxBytes: number;
  signal: AbortSignal;
}

async function readBody(
  response: IncomingMessage,
  request: RemoteGet,
  { maxBytes, signal }: BodyLimits,
): Promise<RemoteResponse> {
  const status = response.statusCode ?? 0;
  const fail = (error: ShambaError): never => {
    response.destroy(); // the socket, too: it must not be reused with a body half read
    throw error;
  };
  if (request.range === undefined ? status !== 200 : status !== 206) {
    if (request.range !== undefined && status === 200)
      fail(
        new ShambaError(
          'RASTER_UNSUPPORTED',
          'the band file is not served with range requests: not cloud-optimized reading',
        ),
      );
    fail(fetchFailed(new Error(`status ${status}`)));
  }
  if (request.range !== undefined) {
    // RFC 9110 §14.4: the range sent must start where asked and end no later.
    const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers['content-range'] ?? '');
    if (
      match === null ||
      Number(match[1]) !== request.range.from ||
      Number(match[2]) > request.range.to
    )
      fail(fetchFailed(new Error('a range other than the one asked for')));
  }
  const declared = Number(response.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) fail(request.tooLarge());
  const chunks: Buffer[] = [];
  let received = 0;
  // A server that stops sending mid-body is cut off at the same deadline.
  const abort = () => response.destroy(new Error('timed out'));
  signal.addEventListener('abort', abort, { once: true });
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      received += chunk.length;
      // Counted as it arrives: a missing or lying Content-Length changes nothing.
      if (received > maxBytes) fail(request.tooLarge());
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof ShambaError) throw error;
    fail(fetchFailed(error));
  } finally {
    signal.removeEventListener('abort', abort);
  }
  return { status, headers: response.headers, body: Buffer.concat(chunks, received) };
}
