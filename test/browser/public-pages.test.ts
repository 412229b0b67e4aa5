// Public pages in a real browser: accessible (axe), private (no request to any other host), the
// crisis panel on each, and the skip link the first thing the keyboard reaches.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, focused, startBrowserApp } from './browser.ts';

const PUBLIC_PAGES = [
  { path: '/', status: 200, heading: 'Get support with your mental health' },
  { path: '/accessibility', status: 200, heading: 'Accessibility statement' },
  { path: '/privacy', status: 200, heading: 'Privacy' },
  { path: '/no-such-page-here', status: 404, heading: 'Page not found' },
];

describe('public pages in a browser', { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  before(async () => {
    h = await startBrowserApp();
  });
  after(async () => {
    await h?.close();
  });

  for (const p of PUBLIC_PAGES) {
    it(`${p.path} has no axe violations, shows the crisis panel and asks no other host for anything`, BROWSER_TEST, async () => {
      const page = await h.newPage();
      const response = await page.goto(h.url(p.path));
      assert.equal(response?.status(), p.status);
      assert.equal((await page.locator('h1').textContent())?.trim(), p.heading);
      assert.equal(await page.locator('h1').count(), 1, 'one h1 per page');

      const panel = page.locator('#crisis-help');
      assert.equal(await panel.count(), 1, 'the crisis panel is on the page');
      const text = ((await panel.textContent()) ?? '').replace(/\s+/g, ' ');
      assert.match(text, /If you need help now/);
      assert.match(text, /Call 999 if life is at risk, or call NHS 111 and choose the mental health option/);
      assert.match(text, /Samaritans free on 116 123/);
      assert.equal(await panel.getByRole('link', { name: '999' }).getAttribute('href'), 'tel:999');

      // The page's own stylesheet and script loaded (so the request list is the real one).
      await page.waitForLoadState('networkidle');
      const loaded = h.requests.map((r) => new URL(r.url).pathname);
      assert.ok(loaded.includes('/static/mutual.css'), 'the stylesheet was requested');

      await expectNoAxeViolations(page);
      h.expectOnlyAppRequests();
      await page.context().close();
    });
  }

  it('puts the skip link first in keyboard order, and it moves focus to the main content', BROWSER_TEST, async () => {
    const page = await h.newPage();
    await page.goto(h.url('/'));
    await page.keyboard.press('Tab');
    const first = await focused(page);
    assert.equal(first.tag, 'a');
    assert.equal(first.href, '#maincontent');
    assert.equal(first.text, 'Skip to main content');
    assert.ok(await page.locator('.nhsuk-skip-link').isVisible(), 'the skip link is visible once focused');

    await page.keyboard.press('Enter');
    // A fragment navigation lands a moment after the key press: wait for it (times out, and fails, if it never does).
    await page.waitForURL(/#maincontent$/, { timeout: 5000 });
    assert.match(page.url(), /#maincontent$/);
    const target = await focused(page);
    assert.equal(target.id, 'maincontent', 'focus moved to the main content');
    // The next Tab goes to the first link inside the main content, not back into the header.
    await page.keyboard.press('Tab');
    const next = await page.evaluate<boolean>(`document.getElementById('maincontent').contains(document.activeElement)`);
    assert.ok(next, 'after the skip link, Tab continues inside the main content');
    h.expectOnlyAppRequests();
    await page.context().close();
  });

  it('keeps the skip link working without JavaScript', BROWSER_TEST, async () => {
    const page = await h.newPage({ javaScriptEnabled: false });
    await page.goto(h.url('/privacy'));
    await page.keyboard.press('Tab');
    const first = await focused(page);
    assert.equal(first.href, '#maincontent');
    await page.keyboard.press('Enter');
    // A fragment navigation lands a moment after the key press: wait for it (times out, and fails, if it never does).
    await page.waitForURL(/#maincontent$/, { timeout: 5000 });
    assert.match(page.url(), /#maincontent$/);
    await page.keyboard.press('Tab');
    // Evaluated by the test harness, not the page: the page's own scripts are off.
    const inMain = await page.locator('#maincontent :focus').count();
    assert.equal(inMain, 1, 'Tab continues inside the main content after the skip link');
    h.expectOnlyAppRequests();
    await page.context().close();
  });
});
