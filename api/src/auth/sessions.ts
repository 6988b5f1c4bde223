import { randomBytes } from 'node:crypto';
import type { Principal } from '@shamba/schemas';
import type { Registry } from '@shamba/storage';

/** A signed-in browser: who, which token it signed in with, and its CSRF secret. */
export interface Session {
  id: string;
  /** SHA-256 of the API token it signed in with: checked again on each request (revocation). */
  tokenDigest: string;
  /** Sent back in every form (`_csrf`) and script call (`x-csrf-token`) that changes something. */
  csrf: string;
  expiresMs: number;
}

export interface SessionStoreOptions {
  clock?: () => number;
  /** How long a session lasts without being used (default 12 h: a working day). */
  idleMs?: number;
  /** Sessions kept at most; the least recently used goes first (default 10,000). */
  max?: number;
  /**
   * Sessions one token may hold at once (default 10: a person's phone, laptop and a few tabs
   * signed in apart); past it, that token's least recently used goes. So no token, a farmer's
   * included, can sign everyone else out by signing in thousands of times.
   */
  maxPerToken?: number;
}

export interface SessionStore {
  create(tokenDigest: string): Session;
  /**
   * The session and its principal, when it exists, is not idle too long, and its token still
   * works. A request by the person keeps it alive (`touch`, the default); a check made on their
   * behalf (a live stream asking again) does not, so a forgotten tab still times out.
   */
  resolve(
    id: string,
    options?: { touch?: boolean },
  ): Promise<{ session: Session; principal: Principal } | undefined>;
  end(id: string): void;
}

const newSecret = () => randomBytes(32).toString('base64url');

/**
 * Sessions in this process's memory (a restart signs everyone out; the box has one process).
 * The cookie holds only a random id; the token stays on the server, so signing out or revoking
 * the token ends the session at once. Bounded: a flood of sign-ins evicts the oldest sessions,
 * never grows the heap without end.
 */
export function createSessionStore(
  registry: Registry,
  options: SessionStoreOptions = {},
): SessionStore {
  const clock = options.clock ?? Date.now;
  const idleMs = options.idleMs ?? 12 * 3_600_000;
  const max = options.max ?? 10_000;
  const maxPerToken = options.maxPerToken ?? 10;
  // A Map iterates in insertion order: re-inserting on use keeps it least recently used first.
  const sessions = new Map<string, Session>();
  return {
    create(tokenDigest) {
      const session = {
        id: newSecret(),
        tokenDigest,
        csrf: newSecret(),
        expiresMs: clock() + idleMs,
      };
      // The token's own sessions, least recently used first (the Map's order).
      const own = [...sessions.values()].filter((s) => s.tokenDigest === tokenDigest);
      for (const old of own.slice(0, Math.max(0, own.length - maxPerToken + 1)))
        sessions.delete(old.id);
      sessions.set(session.id, session);
      while (sessions.size > max) sessions.delete(sessions.keys().next().value!);
      return session;
    },
    async resolve(id, options = {}) {
      const session = sessions.get(id);
      if (session === undefined) return undefined;
      const now = clock();
      if (session.expiresMs <= now) {
        sessions.delete(id);
        return undefined;
      }
      const principal = await registry.tokens.find(session.tokenDigest, now);
      if (principal === undefined) {
        sessions.delete(id);
        return undefined;
      }
      if (options.touch !== false) {
        session.expiresMs = now + idleMs;
        sessions.delete(id);
        sessions.set(id, session);
      }
      return { session, principal };
    },
    end(id) {
      sessions.delete(id);
    },
  };
}
