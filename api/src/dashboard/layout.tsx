import type { Child } from 'hono/jsx';
import { raw } from 'hono/html';
import { SUPPORTED_LANGUAGES, webText } from '@shamba/delivery';
import type { Role } from '@shamba/schemas';
import { t, type DashboardContext, type DashboardDeps } from './dashboard-env.js';

/** The header's links, per role: a farmer has their fields; staff the cooperative's pages. */
const NAV: { href: string; key: string; roles: readonly Role[] }[] = [
  { href: '/', key: 'nav.map', roles: ['admin', 'manager', 'agronomist', 'technician', 'farmer'] },
  { href: '/forecast', key: 'nav.forecast', roles: ['admin', 'manager', 'agronomist', 'farmer'] },
  { href: '/devices', key: 'nav.devices', roles: ['admin', 'manager', 'agronomist', 'technician'] },
  {
    href: '/agronomy/parameters',
    key: 'nav.parameters',
    roles: ['admin', 'agronomist', 'manager'],
  },
  { href: '/agronomy/models', key: 'nav.models', roles: ['admin', 'agronomist', 'manager'] },
];

/**
 * Data for the page's script, as JSON in a non-executed script element: `<` escaped, so no text
 * in it (a field's name) can close the element.
 */
export function PageData(props: { data: unknown }) {
  const json = JSON.stringify(props.data).replace(/</g, '\\u003c');
  return (
    <script type="application/json" id="page-data">
      {raw(json)}
    </script>
  );
}

/** The hidden CSRF field every form that changes something carries. */
export function CsrfField(props: { c: DashboardContext }) {
  return <input type="hidden" name="_csrf" value={props.c.get('session').csrf} />;
}

/**
 * Every signed-in page: a skip link, the header (links by role, language, sign out), the page's
 * content, and its script (`entry`, one of CLIENT_ENTRIES) after the shared one.
 */
export function Layout(props: {
  c: DashboardContext;
  deps: Pick<DashboardDeps, 'assets'>;
  title: string;
  /** Which header link is this page's (its href). */
  active?: string;
  entry?: string;
  data?: unknown;
  children?: Child;
}) {
  const { c, deps } = props;
  const principal = c.get('principal');
  const language = c.get('language');
  const path = new URL(c.req.url).pathname;
  return (
    <html lang={language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${props.title} · ${t(c, 'app.name')}`}</title>
        <link rel="stylesheet" href={deps.assets.url('common.css')} />
        {props.entry !== undefined && deps.assets.has(`${props.entry}.css`) ? (
          <link rel="stylesheet" href={deps.assets.url(`${props.entry}.css`)} />
        ) : null}
        <meta name="csrf-token" content={c.get('session').csrf} />
      </head>
      <body data-page={props.entry ?? 'none'} data-coop={principal.coopId ?? ''}>
        <a class="skip" href="#main">
          {t(c, 'app.skip')}
        </a>
        <header class="top">
          <a class="brand" href="/">
            {t(c, 'app.name')}
          </a>
          <nav aria-label={t(c, 'app.name')}>
            <ul>
              {NAV.filter((item) => item.roles.includes(principal.role)).map((item) => (
                <li>
                  <a
                    href={item.href}
                    aria-current={props.active === item.href ? 'page' : undefined}
                  >
                    {t(c, item.key)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <form method="post" action="/language" class="language">
            <CsrfField c={c} />
            <input type="hidden" name="next" value={path} />
            <label>
              <span>{t(c, 'language.choose')}</span>
              <select name="language">
                {SUPPORTED_LANGUAGES.map((lang) => (
                  <option value={lang} selected={lang === language}>
                    {webText('language.name', lang)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit">OK</button>
          </form>
          <form method="post" action="/logout" class="logout">
            <CsrfField c={c} />
            <span class="who">
              {t(c, 'app.signed-in-as', { role: t(c, `roles.${principal.role}`) })}
              {` · ${principal.name}`}
            </span>
            <button type="submit">{t(c, 'app.sign-out')}</button>
          </form>
        </header>
        <main id="main" tabindex={-1}>
          <h1>{props.title}</h1>
          {props.children}
        </main>
        <footer class="bottom">
          <span id="live-readings" />
        </footer>
        <div
          id="live"
          class="live"
          role="status"
          aria-live="polite"
          aria-label={t(c, 'app.live')}
          data-reading={t(c, 'app.live-reading', { device: '{device}' })}
          data-prescription={t(c, 'app.live-prescription', { field: '{field}' })}
          data-alert={t(c, 'app.live-alert', { text: '{text}' })}
        />
        {props.data === undefined ? null : <PageData data={props.data} />}
        <script type="module" src={deps.assets.url('common.js')} />
        {props.entry === undefined ? null : (
          <script type="module" src={deps.assets.url(`${props.entry}.js`)} />
        )}
      </body>
    </html>
  );
}
