import { randomBytes } from 'node:crypto';
import { tokenDigest } from './token-digest.js';

/**
 * A token lives 90 days unless told otherwise: a quarter, about one growing season here (maize
 * and teff run 90-150 days), so a token left in a departed agronomist's laptop or a script stops
 * working within the season, while a staff member renews theirs only a few times a year.
 */
export const DEFAULT_TOKEN_DAYS = 90;
/** At most a year: a token that outlives a year of staff changes is a forgotten token. */
export const MAX_TOKEN_DAYS = 366;

/** A token's public handle: the first 16 hex digits (64 bits) of its digest, safe to show. */
export const tokenId = (digest: string): string => digest.slice(0, 16);

/** A new bearer token (256 random bits), its digest (what is stored) and its public id. */
export function newToken(): { token: string; digest: string; id: string } {
  const token = randomBytes(32).toString('base64url');
  const digest = tokenDigest(token);
  return { token, digest, id: tokenId(digest) };
}
