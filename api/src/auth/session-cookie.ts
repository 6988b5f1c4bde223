import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Principal } from '@shamba/schemas';
import type { Session, SessionStore } from './sessions.js';

export const SESSION_COOKIE = 'shamba_session';

/** Secure only over HTTPS: the box is often reached as http://192.168.x.y on the cooperative's LAN. */
const secure = (c: Context) => new URL(c.req.url).protocol === 'https:';

/** HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it), whole site. */
export function setSessionCookie(c: Context, session: Session): void {
  setCookie(c, SESSION_COOKIE, session.id, {
    httpOnly: true,
    sameSite: 'Strict',
    path: '/',
    secure: secure(c),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(c) });
}

/** The request's session and principal, from its cookie; undefined when it has none that works. */
export async function sessionOf(
  c: Context,
  sessions: SessionStore,
): Promise<{ session: Session; principal: Principal } | undefined> {
  const id = getCookie(c, SESSION_COOKIE);
  if (id === undefined || id.length > 100) return undefined;
  return sessions.resolve(id);
}

/** Methods that change nothing: no CSRF token needed. */
export const isSafeMethod = (method: string) => method === 'GET' || method === 'HEAD';
