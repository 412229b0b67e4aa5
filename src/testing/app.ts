// Building the real app for a test: a fresh migrated database on the given dialect, a test clock,
// and `app.inject` for requests. Use with t.after / after to close.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type BuildOptions, buildApp } from '../app.ts';
import { type Config, testConfig } from '../config.ts';
import { createPlatform, type Platform } from '../platform/context.ts';
import type { Database } from '../platform/db/database.ts';
import { type TestDialect, testDialects } from '../platform/db/testing.ts';
import { TestClock } from '../platform/time/clock.ts';

export interface TestApp {
  app: FastifyInstance;
  db: Database;
  clock: TestClock;
  config: Config;
  platform: Platform;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Called before the app is ready, e.g. to add a route the test needs. */
  beforeReady?: (app: FastifyInstance) => void | Promise<void>;
  /** Where the app's logs go (with `logLevel` set in the overrides), to read them in a test. */
  logStream?: BuildOptions['logStream'];
}

export async function buildTestApp(dialect?: TestDialect, overrides: Partial<Config> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const d = dialect ?? testDialects()[0]!;
  const t = await d.fresh();
  const clock = new TestClock();
  const config = testConfig(overrides);
  const platform = createPlatform(config, t.db, clock);
  const app = await buildApp(platform, { cookieSecret: 'test-cookie-secret-of-at-least-32-characters', logStream: options.logStream });
  await options.beforeReady?.(app);
  await app.ready();
  return {
    app,
    db: t.db,
    clock,
    config,
    platform,
    async close() {
      await app.close();
      await t.close();
    },
  };
}

/** Cookies from a response, to send with the next request (a minimal browser). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: LightMyRequestResponse): this {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      if (c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now())) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    return this;
  }
  header(): Record<string, string> {
    return Object.fromEntries(this.cookies);
  }
}

/** The CSRF token of the first form in a page. */
export function csrfTokenOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('The page has no CSRF token.');
  return m[1]!;
}

/** A browser-like session: keeps cookies, submits forms with the page's CSRF token. */
export class Browser {
  readonly jar = new CookieJar();
  lastPage = '';
  constructor(private readonly app: FastifyInstance) {}

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, cookies: this.jar.header(), headers });
    this.jar.take(res);
    if (res.headers['content-type']?.toString().includes('text/html')) this.lastPage = res.body;
    return res;
  }

  /** Posts a form as the browser would, with the CSRF token of the last page seen. */
  async post(url: string, form: Record<string, string | string[]>, options: Partial<InjectOptions> = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    const token = /name="_csrf" value="([^"]+)"/.exec(this.lastPage)?.[1];
    if (token && !('_csrf' in form)) body.append('_csrf', token);
    for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    const res = await this.app.inject({
      method: 'POST',
      url,
      cookies: this.jar.header(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
      ...options,
    });
    this.jar.take(res);
    if (res.headers['content-type']?.toString().includes('text/html')) this.lastPage = res.body;
    return res;
  }
}
