// The directory's public pages in a real browser: accessible (axe), one h1, no other host asked.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { seedDirectoryDemo } from '../../src/modules/directory/seed.ts';
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, startBrowserApp } from './browser.ts';

describe('directory pages in a browser', { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  before(async () => {
    h = await startBrowserApp();
    await seedDirectoryDemo(h.test.platform);
  });
  after(async () => {
    await h?.close();
  });

  const pages = [
    { path: '/directory', heading: 'Find support' },
    { path: '/directory?need=feeling-low&postcode=SW9+9SL&within=25', heading: 'Find support' },
    { path: '/directory?postcode=NOT+A+POSTCODE&when=at&time=25:00', heading: 'Find support', status: 400 },
    { path: '/directory/need-help-now?postcode=SW9+9SL', heading: 'Need help now?' },
  ];
  for (const p of pages) {
    it(`${p.path} has no axe violations and asks no other host for anything`, BROWSER_TEST, async () => {
      const page = await h.newPage();
      const response = await page.goto(h.url(p.path));
      assert.equal(response?.status(), p.status ?? 200);
      assert.equal((await page.locator('h1').textContent())?.trim(), p.heading);
      assert.equal(await page.locator('h1').count(), 1);
      await expectNoAxeViolations(page);
      h.expectOnlyAppRequests();
      await page.context().close();
    });
  }

  it('searching through the form leads to a service page with no axe violations', BROWSER_TEST, async () => {
    const context = await h.newPage();
    context.setDefaultTimeout(15_000);
    await context.goto(h.url('/directory'));
    await context.locator('#q').fill('sanctuary');
    await Promise.all([context.waitForURL(/\/directory\?/), context.locator('form button').click()]);
    await Promise.all([context.waitForURL(/\/directory\/services\//), context.locator('a.nhsuk-card__link', { hasText: 'Brixton Evening Sanctuary' }).click()]);
    assert.equal((await context.locator('h1').textContent())?.trim(), 'Brixton Evening Sanctuary');
    await expectNoAxeViolations(context);
    h.expectOnlyAppRequests();
    await context.context().close();
  });
});
