import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install chromium`), installed by .ci/run. */
export const CHROMIUM = process.env.SHAMBA_CHROMIUM ?? '/usr/bin/chromium';

/** Headless, and nothing that would call out of the box on its own (updates, sync, field trials). */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}

/**
 * A page that records what a user would not see: console errors, uncaught exceptions, and any
 * request to another origin than the box (`data:` and `blob:` URLs are the page's own).
 */
export interface WatchedPage {
  page: Page;
  errors: string[];
  readonly offBox: string[];
}

export async function watchedPage(
  context: BrowserContext,
  boxOrigin: string,
): Promise<WatchedPage> {
  const page = await context.newPage();
  const watched: WatchedPage = { page, errors: [], offBox: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watched.errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => watched.errors.push(`${page.url()}: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${boxOrigin}/`) && !/^(data|blob):/.test(url)) watched.offBox.push(url);
  });
  return watched;
}

/** Signs in through the form at /login, as a person would. */
export async function signIn(page: Page, origin: string, token: string): Promise<void> {
  await page.goto(`${origin}/login`);
  await page.locator('input[name="token"]').fill(token);
  await Promise.all([
    page.waitForURL((url) => !url.pathname.startsWith('/login')),
    page.locator('form button[type=submit]').click(),
  ]);
}

/** One accessibility rule a page breaks, as axe-core reports it. */
export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * The page checked by axe-core (WCAG 2.1 A and AA rules), run inside it: its serious and
 * critical violations. The context must be made with `bypassCSP: true` (the dashboard allows no
 * script but its own).
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  return page.evaluate<AxeViolation[]>(`(async () => {
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  })()`);
}
