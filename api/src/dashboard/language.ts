import { Hono, type Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { resolveLanguage, type MessageLanguage } from '@shamba/delivery';
import type { Principal } from '@shamba/schemas';
import type { DashboardDeps, DashboardEnv } from './dashboard-env.js';
import { safeNext } from './safe-next.js';

/** The language chosen in the header's picker, kept in this browser. */
export const LANGUAGE_COOKIE = 'shamba_lang';

/** The language of a request before sign-in: its cookie, else the browser's first choice. */
export function browserLanguage(c: Context): MessageLanguage {
  const chosen = getCookie(c, LANGUAGE_COOKIE);
  if (chosen !== undefined) return resolveLanguage(chosen);
  const first = (c.req.header('accept-language') ?? 'en').split(',')[0] ?? 'en';
  return resolveLanguage(first.split(';')[0] ?? 'en');
}

/** The user's language: chosen in the header (a cookie), else a farmer's own, else the browser's. */
export async function languageOf(
  c: Context,
  deps: Pick<DashboardDeps, 'registry'>,
  principal: Principal,
): Promise<MessageLanguage> {
  if (getCookie(c, LANGUAGE_COOKIE) === undefined && principal.farmerId !== null) {
    const farmer = await deps.registry.farmers.get(principal.farmerId);
    if (farmer?.language !== undefined) return resolveLanguage(farmer.language);
  }
  return browserLanguage(c);
}

/** `POST /language`: the header's language picker; kept for a year in this browser. */
export function languageRoute() {
  return new Hono<DashboardEnv>().post('/language', async (c) => {
    const form = await c.req.parseBody();
    const language = resolveLanguage(typeof form.language === 'string' ? form.language : 'en');
    setCookie(c, LANGUAGE_COOKIE, language, {
      sameSite: 'Strict',
      path: '/',
      maxAge: 365 * 86_400,
    });
    return c.redirect(safeNext(form.next), 303);
  });
}
