// The person's portal in a real browser: a person signs in with a code sent to them, by keyboard
// alone, and sees their record, who has looked at it, and the download page, each with no axe
// violation; a wrong code shows the error summary; and it all works with JavaScript turned off.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { aPerson, personWithRequest } from '../../src/modules/people/testing.ts';
import { createTestPersonAccount, lastSignInCode } from '../../src/testing/auth.ts';
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, pressEnterAndWait, startBrowserApp, tabTo } from './browser.ts';

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

async function typeInto(page: Page, label: string, text: string): Promise<void> {
  await tabTo(page, page.getByLabel(label, { exact: true }));
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

describe("the person's portal, in a browser", { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  before(async () => {
    h = await startBrowserApp();
  });
  after(async () => {
    await h?.close();
  });

  it('signs a person in with a code and shows their record, access log and download page, by keyboard, with no axe violation', BROWSER_TEST, async () => {
      const details = aPerson();
      const { personId } = await personWithRequest(h.test, details);
      const account = await createTestPersonAccount(h.test.db, h.test.clock, { personId });
      const page = await h.newPage();

      await page.goto(h.url('/my-record'));
      assert.equal(pathOf(page), '/sign-in/my-record', 'sent to the person sign-in');
      await expectNoAxeViolations(page);
      await typeInto(page, 'Email address or mobile number', account.email);
      await tabTo(page, page.getByRole('button', { name: 'Send me a code' }));
      await pressEnterAndWait(page);

      assert.equal(pathOf(page), '/sign-in/my-record/code');
      await expectNoAxeViolations(page);
      await typeInto(page, 'Code', '12345');
      await tabTo(page, page.getByRole('button', { name: 'Sign in' }));
      await pressEnterAndWait(page);
      assert.match((await page.getByRole('alert').first().textContent()) ?? '', /There is a problem/);
      await expectNoAxeViolations(page);

      await typeInto(page, 'Code', await lastSignInCode(h.test.db, account.email));
      await tabTo(page, page.getByRole('button', { name: 'Sign in' }));
      await pressEnterAndWait(page);
      assert.equal(pathOf(page), '/my-record');
      assert.match((await page.locator('main').textContent()) ?? '', new RegExp(details.familyName));
      await expectNoAxeViolations(page);

      await tabTo(page, page.getByRole('link', { name: 'Who has looked at your record' }));
      await pressEnterAndWait(page);
      assert.equal(pathOf(page), '/my-record/access-log');
      assert.match((await page.locator('main').textContent()) ?? '', /You looked at your record/);
      await expectNoAxeViolations(page);

      await page.goto(h.url('/my-record/download'));
      await expectNoAxeViolations(page);

      // The messages we sent them (the acknowledgement of their request), and writing in their record.
      await page.goto(h.url('/my-record/messages'));
      assert.match((await page.locator('main').textContent()) ?? '', /we have your request for help/);
      await expectNoAxeViolations(page);
      await page.goto(h.url('/my-record/entries'));
      await expectNoAxeViolations(page);
      await tabTo(page, page.getByRole('button', { name: 'Add to my record' }));
      await pressEnterAndWait(page);
      assert.match((await page.getByRole('alert').first().textContent()) ?? '', /There is a problem/);
      await expectNoAxeViolations(page);
      await typeInto(page, 'What do you want to write?', 'Walking in the mornings helps.');
      await tabTo(page, page.getByRole('button', { name: 'Add to my record' }));
      await pressEnterAndWait(page);
      assert.equal(pathOf(page), '/my-record/entries');
      assert.match((await page.locator('main').textContent()) ?? '', /Walking in the mornings helps\./);
      await expectNoAxeViolations(page);
      // Words that may mean risk (hazard H19): the page they return to leads with what to do now.
      await typeInto(page, 'What do you want to write?', 'I want to end my life tonight.');
      await tabTo(page, page.getByRole('button', { name: 'Add to my record' }));
      await pressEnterAndWait(page);
      assert.equal(pathOf(page), '/my-record/entries');
      assert.match((await page.locator('main').textContent()) ?? '', /If you are not safe right now[\s\S]*we have told a team that works day and night/);
      await expectNoAxeViolations(page);
      h.expectOnlyAppRequests();
      await page.context().close();
  });

  it('works with JavaScript turned off: the forms are plain POSTs and the pages plain links', BROWSER_TEST, async () => {
    const details = aPerson();
    const { personId } = await personWithRequest(h.test, details);
    const account = await createTestPersonAccount(h.test.db, h.test.clock, { personId });
    const page = await h.newPage({ javaScriptEnabled: false });
    await page.goto(h.url('/sign-in/my-record'));
    await page.getByLabel('Email address or mobile number', { exact: true }).fill(account.mobile);
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Send me a code' }).click()]);
    assert.equal(pathOf(page), '/sign-in/my-record/code');
    await page.getByLabel('Code', { exact: true }).fill(await lastSignInCode(h.test.db, account.mobile));
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sign in' }).click()]);
    assert.equal(pathOf(page), '/my-record');
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Who has looked at your record' }).click()]);
    assert.equal(pathOf(page), '/my-record/access-log');
    assert.match((await page.locator('main').textContent()) ?? '', /You looked at your record/);
    h.expectOnlyAppRequests();
    await page.context().close();
  });
});
