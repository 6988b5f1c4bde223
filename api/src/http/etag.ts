import { createHash } from 'node:crypto';
import type { Context } from 'hono';

/** A strong validator of a representation's bytes (RFC 9110 §8.8.3). */
export function etagOf(bytes: string | Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('base64url')}"`;
}

/**
 * Whether the client's `If-None-Match` names this ETag (RFC 9110 §13.1.2: weak comparison, `*`
 * matches any): then the answer is 304 with no body.
 */
export function notModified(c: Context, etag: string): boolean {
  const header = c.req.header('if-none-match');
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}

/**
 * JSON with its ETag, or 304 when the client has it: for what a client polls (prescriptions,
 * forecasts). `Cache-Control: private, no-cache`: tenant data, kept by the client and checked
 * again each time.
 */
export function jsonWithETag(c: Context, value: unknown): Response {
  const body = JSON.stringify(value);
  const etag = etagOf(body);
  c.header('etag', etag);
  c.header('cache-control', 'private, no-cache');
  if (notModified(c, etag)) return c.body(null, 304);
  return c.body(body, 200, { 'content-type': 'application/json' });
}
