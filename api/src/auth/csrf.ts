import { timingSafeEqual } from 'node:crypto';

/**
 * Whether a CSRF token sent with a request is the one expected (the session's, or the sign-in
 * form's double-submit cookie), compared in constant time ([CWE-208]).
 */
export function csrfMatches(sent: unknown, expected: string | undefined): boolean {
  if (typeof sent !== 'string' || expected === undefined || expected === '') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
