// The browser harness's own guards can fail: a request to another host, a CSP violation and an
// axe violation are each caught. (Decoy pages are served by the test itself, never by the app.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, isForeign, startBrowserApp, tabTo } from './browser.ts';

describe('the browser test harness', { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  before(async () => {
    h = await startBrowserApp();
  });
  after(async () => {
    await h?.close();
  });

  it('counts only the app host as home', () => {
    assert.equal(isForeign('http://127.0.0.1:4000/static/mutual.css', '127.0.0.1:4000'), false);
    assert.equal(isForeign('data:image/png;base64,AAAA', '127.0.0.1:4000'), false);
    assert.equal(isForeign('http://127.0.0.1:4001/', '127.0.0.1:4000'), true);
    assert.equal(isForeign('http://localhost:4000/', '127.0.0.1:4000'), true);
    assert.equal(isForeign('https://assets.nhs.uk/fonts/frutiger.woff2', '127.0.0.1:4000'), true);
  });

  it('records a request to another host, blocks it, and fails the check', BROWSER_TEST, async () => {
    const page = await h.newPage();
    await page.route(h.url('/decoy'), (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!DOCTYPE html><html lang="en"><title>Decoy</title><img alt="" src="http://tracker.example/pixel.gif"></html>',
      }),
    );
    await page.goto(h.url('/decoy'));
    await page.waitForLoadState('networkidle');
    assert.ok(h.requests.some((r) => r.url === 'http://tracker.example/pixel.gif'));
    assert.throws(() => h.expectOnlyAppRequests(), /hosts other than 127\.0\.0\.1:\d+/);
    await page.context().close();
    h.requests.length = 0;
    h.pageProblems.length = 0;
  });

  it('reports a Content Security Policy violation', BROWSER_TEST, async () => {
    const page = await h.newPage();
    await page.route(h.url('/decoy-csp'), (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        headers: { 'content-security-policy': "default-src 'self'" },
        body: '<!DOCTYPE html><html lang="en"><title>Decoy</title><script>document.title = "ran"</script></html>',
      }),
    );
    await page.goto(h.url('/decoy-csp'));
    await page.waitForLoadState('networkidle');
    assert.throws(() => h.expectOnlyAppRequests(), /CSP violations/);
    await page.context().close();
    h.requests.length = 0;
    h.pageProblems.length = 0;
  });

  it('fails a page with an accessibility violation, naming the rule and the element', BROWSER_TEST, async () => {
    const page = await h.newPage();
    await page.route(h.url('/decoy-axe'), (route) =>
      route.fulfill({
        status: 200,
        contentType: 'text/html',
        body: '<!DOCTYPE html><html lang="en"><title>Decoy</title><main><h1>Form</h1><form><input id="unlabelled" type="text"></form></main></html>',
      }),
    );
    await page.goto(h.url('/decoy-axe'));
    await assert.rejects(expectNoAxeViolations(page), (error: Error) => {
      assert.match(error.message, /label \(critical\)/);
      assert.match(error.message, /#unlabelled/);
      return true;
    });
    await assert.rejects(tabTo(page, '#not-on-the-page', 3), /was not reached by the keyboard/);
    await page.context().close();
    h.requests.length = 0;
  });
});
