// Browser tests: Debian's chromium driven by playwright-core, against the real app listening on
// 127.0.0.1, with axe-core checking every page visited.
//
//   describe('…', { skip: chromiumSkip() }, () => {
//     let h: BrowserHarness;
//     before(async () => { h = await startBrowserApp(); });
//     after(async () => { await h.close(); });
//     it('…', async () => {
//       const page = await h.newPage();
//       await page.goto(h.url('/'));
//       await expectNoAxeViolations(page);
//       h.expectOnlyAppRequests();
//     });
//   });
//
// Every request a page makes is recorded; any to a host other than the app's fails the test: a
// mental-health service must not tell another host who visited (no fonts, scripts or analytics
// from elsewhere). Such requests are also aborted, so a test never waits on an unreachable host.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Locator, type Page } from 'playwright-core';
import type { Config } from '../../src/config.ts';
import type { TestDialect } from '../../src/platform/db/testing.ts';
import { buildTestApp, Browser as TestBrowser, type TestApp } from '../../src/testing/app.ts';
import { lastSignInCode, signIn } from '../../src/testing/auth.ts';

export const CHROMIUM = '/usr/bin/chromium';

const LAUNCH_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Options for each browser test: a bound on how long it may take, so a page that never answers
 * (or a script that hangs) fails the test instead of hanging CI. Note that axe cannot run in a
 * context with JavaScript disabled (its script is never injected): check axe with JavaScript on.
 */
export const BROWSER_TEST = { timeout: 120_000 } as const;

let skipReason: string | false | undefined;

/**
 * Whether the browser tests can run here: a reason to skip (printed once) when chromium is missing.
 * Under CI=true a missing browser is an error instead, because CI must run these tests.
 */
export function chromiumSkip(): string | false {
  if (skipReason !== undefined) return skipReason;
  if (fs.existsSync(CHROMIUM)) {
    skipReason = false;
  } else {
    const reason = `${CHROMIUM} not found (install it with: apt-get install -y chromium)`;
    if (process.env.CI === 'true') throw new Error(`CI must run the browser tests, but ${reason}`);
    console.log(`# skipping browser tests: ${reason}`);
    skipReason = reason;
  }
  return skipReason;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, timeout: 60_000 });
}

export interface RecordedRequest {
  method: string;
  url: string;
  resourceType: string;
}

export interface BrowserHarness {
  test: TestApp;
  browser: Browser;
  /** `http://127.0.0.1:<port>`: the app's only origin. */
  origin: string;
  /** `127.0.0.1:<port>`. */
  host: string;
  /** Every request made by every page of this harness, in order. */
  requests: RecordedRequest[];
  /** Problems the pages reported: script errors and Content Security Policy violations. */
  pageProblems: string[];
  url(path: string): string;
  /** A page in a context of its own (axe needs a page from a context), its requests recorded. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Fails when any page so far asked another host for anything, or broke the CSP, or threw. */
  expectOnlyAppRequests(): void;
  close(): Promise<void>;
}

/** Starts the real app on a fresh database, listening on 127.0.0.1 at a free port, and chromium. */
export async function startBrowserApp(
  options: { dialect?: TestDialect; config?: Partial<Config>; keepTestClock?: boolean } = {},
): Promise<BrowserHarness> {
  const test = await buildTestApp(options.dialect, options.config);
  // A real browser keeps real time: cookie expiry dates the app computes from its clock must be in
  // the browser's future, so the app's TestClock starts at the real time (tests may still move it).
  if (!options.keepTestClock) test.clock.set(new Date());
  let browser: Browser | undefined;
  try {
    const address = await test.app.listen({ port: 0, host: '127.0.0.1' });
    const origin = new URL(address).origin;
    const host = new URL(address).host;
    browser = await launchChromium();
    const requests: RecordedRequest[] = [];
    const pageProblems: string[] = [];
    const contexts: BrowserContext[] = [];
    const b = browser;

    return {
      test,
      browser: b,
      origin,
      host,
      requests,
      pageProblems,
      url: (path) => new URL(path, origin).toString(),
      async newPage(contextOptions = {}) {
        const context = await b.newContext({ ...contextOptions });
        contexts.push(context);
        context.setDefaultTimeout(15_000);
        context.on('request', (request) => {
          requests.push({ method: request.method(), url: request.url(), resourceType: request.resourceType() });
        });
        // Abort anything bound elsewhere: it is recorded above and fails the test below.
        await context.route(
          (url) => (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:' || url.protocol === 'wss:') && url.host !== host,
          (route) => route.abort('blockedbyclient'),
        );
        const page = await context.newPage();
        page.on('pageerror', (error) => pageProblems.push(`script error on ${page.url()}: ${error.message}`));
        page.on('console', (message) => {
          if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) {
            pageProblems.push(`CSP violation on ${page.url()}: ${message.text()}`);
          }
        });
        return page;
      },
      expectOnlyAppRequests() {
        const foreign = requests.filter((r) => isForeign(r.url, host));
        assert.deepEqual(
          foreign.map((r) => `${r.method} ${r.url} (${r.resourceType})`),
          [],
          `pages made requests to hosts other than ${host}`,
        );
        assert.ok(requests.length > 0, 'no request was recorded at all; the recorder is not working');
        assert.deepEqual(pageProblems, [], 'pages reported script errors or CSP violations');
      },
      async close() {
        for (const c of contexts) await c.close().catch(() => undefined);
        await b.close().catch(() => undefined);
        await test.close();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await test.close();
    throw error;
  }
}

/** A request leaves the app when it names any host other than the app's (data: and blob: name none). */
export function isForeign(url: string, appHost: string): boolean {
  const u = new URL(url);
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:') return false;
  return u.host !== appHost;
}

/** Runs axe-core on the page as it is now; fails listing each violation's id, impact and nodes. */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  if (results.violations.length === 0) return;
  const lines = results.violations.flatMap((v) => [
    `${v.id} (${v.impact ?? 'no impact given'}): ${v.help} — ${v.helpUrl}`,
    ...v.nodes.map((n) => `    at ${n.target.join(' ')}: ${n.failureSummary?.replace(/\s+/g, ' ') ?? ''}`),
  ]);
  assert.fail(`axe found ${results.violations.length} accessibility violation(s) on ${page.url()}:\n${lines.join('\n')}`);
}

/** What has keyboard focus: its tag, id, name, href and text, for assertions. */
export async function focused(page: Page): Promise<{ tag: string; id: string; name: string; href: string; text: string; classes: string }> {
  return page.evaluate<{ tag: string; id: string; name: string; href: string; text: string; classes: string }>(`(() => {
    const el = document.activeElement;
    if (!el) return { tag: '', id: '', name: '', href: '', text: '', classes: '' };
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id || '',
      name: el.getAttribute('name') || '',
      href: el.getAttribute('href') || '',
      text: (el.textContent || el.getAttribute('value') || '').trim().replace(/\\s+/g, ' '),
      classes: el.getAttribute('class') || '',
    };
  })()`);
}

/** Presses Tab until `target` (a selector or a locator) has focus; fails when it is not reached. */
export async function tabTo(page: Page, target: string | Locator, maxPresses = 60): Promise<void> {
  const wanted = typeof target === 'string' ? page.locator(target) : target;
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    if ((await wanted.and(page.locator(':focus')).count()) > 0) return;
  }
  assert.fail(`${String(target)} was not reached by the keyboard within ${maxPresses} presses of Tab on ${page.url()}`);
}

/** Navigates by pressing Enter on what has focus, waiting for the page it leads to. */
export async function pressEnterAndWait(page: Page): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
}

/** The page's path, without host or query. */
export const pathOf = (page: Page) => new URL(page.url()).pathname;

/** Clicks the button named so and waits for the page it leads to (a form post, then its redirect). */
export async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: button }).click()]);
}

/** Signs in with a one-time code (a person or a network member) on the page given, or a new one; returns the page. */
export async function signInWithCode(h: BrowserHarness, email: string, given?: Page): Promise<Page> {
  const page = given ?? (await h.newPage());
  await page.goto(h.url('/sign-in/my-record'));
  await page.getByLabel('Email address or mobile number', { exact: true }).fill(email);
  await submit(page, 'Send me a code');
  await page.getByLabel('Code', { exact: true }).fill(await lastSignInCode(h.test.db, email));
  await submit(page, 'Sign in');
  return page;
}

/** A new page with a staff member's session, signed in through the app's own pages (password and code). */
export async function staffPage(h: BrowserHarness, member: Parameters<typeof signIn>[1]): Promise<Page> {
  const b = new TestBrowser(h.test.app);
  await signIn(b, member, h.test.clock);
  const page = await h.newPage();
  await page.context().addCookies(Object.entries(b.jar.header()).map(([name, value]) => ({ name, value, url: h.origin })));
  return page;
}
