// A safety plan in a real browser: the person writes their own in the portal (an error first, kept
// what was typed), reads it, sees every version, meets a save refused because the plan changed in
// another tab, and prints it: each page with no axe violation, only the app's own requests, and a
// printout without the menus but with the numbers to call.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { paths } from '../../src/modules/crisis/paths.ts';
import { aPerson, createAlliance, personWithRequest } from '../../src/modules/people/testing.ts';
import { startSession } from '../../src/platform/auth/sessions.ts';
import { cookieName } from '../../src/platform/http/security.ts';
import { createTestPersonAccount } from '../../src/testing/auth.ts';
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, pressEnterAndWait, signInWithCode, startBrowserApp, submit, tabTo } from './browser.ts';

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

describe('a safety plan, in a browser', { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  before(async () => {
    h = await startBrowserApp();
  });
  after(async () => {
    await h?.close();
  });

  it('is written, read, versioned, refused when it changed meanwhile, and printed, with no axe violation', BROWSER_TEST, async () => {
    const { personId } = await personWithRequest(h.test, aPerson());
    const account = await createTestPersonAccount(h.test.db, h.test.clock, { personId });
    const page = await signInWithCode(h, account.email);
    assert.equal(pathOf(page), '/my-record');

    // From the portal home, by keyboard.
    await tabTo(page, page.getByRole('link', { name: /Your safety plan/ }));
    await pressEnterAndWait(page);
    assert.equal(pathOf(page), paths.mySafetyPlan);
    await expectNoAxeViolations(page);
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Write your safety plan' }).click()]);
    assert.equal(pathOf(page), paths.mySafetyPlanEdit);
    await expectNoAxeViolations(page);

    // A phone number that is not one: the error summary, and what was typed kept.
    await page.getByLabel('Step 1: My warning signs', { exact: true }).fill('Pacing at night\nNot answering my phone');
    await page.getByLabel('Person 1: name', { exact: true }).fill('Chris');
    await page.getByLabel('Person 1: phone number (optional)', { exact: true }).fill('ring me');
    await submit(page, 'Save the plan');
    assert.match((await page.getByRole('alert').first().textContent()) ?? '', /There is a problem/);
    assert.equal(await page.getByLabel('Step 1: My warning signs', { exact: true }).inputValue(), 'Pacing at night\nNot answering my phone');
    await expectNoAxeViolations(page);
    await page.getByLabel('Person 1: phone number (optional)', { exact: true }).fill('07700 900462');
    await submit(page, 'Save the plan');
    assert.equal(pathOf(page), paths.mySafetyPlan);
    assert.match((await page.locator('main').textContent()) ?? '', /Pacing at night/);
    await expectNoAxeViolations(page);

    // Printed: no header or footer, the numbers to call first.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('header.nhsuk-header').isVisible(), false, 'no menus on paper');
    assert.equal(await page.locator('#crisis-numbers').isVisible(), true, 'the numbers to call on paper');
    await page.emulateMedia({ media: 'screen' });
    const pdf = await page.request.get(h.url(paths.mySafetyPlanPdf));
    assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');

    // Two tabs open the form; the second saves first; the first is refused, with both versions shown.
    const other = await page.context().newPage();
    await page.goto(h.url(paths.mySafetyPlanEdit));
    await other.goto(h.url(paths.mySafetyPlanEdit));
    await other.getByLabel('My reasons for living', { exact: true }).fill('My niece');
    await submit(other, 'Save the plan');
    await page.getByLabel('My reasons for living', { exact: true }).fill('Finishing my course');
    await submit(page, 'Save the plan');
    assert.match((await page.locator('main').textContent()) ?? '', /This plan changed after you opened it/);
    assert.equal(await page.getByRole('textbox', { name: 'My reasons for living' }).inputValue(), 'Finishing my course');
    await expectNoAxeViolations(page);
    await submit(page, 'Save the plan');
    assert.equal(pathOf(page), paths.mySafetyPlan);

    await page.goto(h.url(paths.mySafetyPlanHistory));
    assert.match((await page.locator('main').textContent()) ?? '', /Version 3/);
    await expectNoAxeViolations(page);
    await page.goto(h.url(paths.mySafetyPlanVersion('1')));
    await expectNoAxeViolations(page);

    // A copy to keep, by keyboard: refused with nothing chosen, then sent by text; the plan page says so.
    await page.goto(h.url(paths.mySafetyPlan));
    await tabTo(page, page.getByRole('link', { name: 'Send it to your email or phone' }));
    await pressEnterAndWait(page);
    assert.equal(pathOf(page), paths.mySafetyPlanSend);
    await expectNoAxeViolations(page);
    await tabTo(page, page.getByRole('button', { name: 'Send my safety plan' }));
    await pressEnterAndWait(page);
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Choose how to send your plan/);
    await expectNoAxeViolations(page);
    await tabTo(page, page.getByRole('checkbox', { name: /By text message to/ }));
    await page.keyboard.press('Space');
    await tabTo(page, page.getByRole('button', { name: 'Send my safety plan' }));
    await pressEnterAndWait(page);
    assert.equal(pathOf(page), paths.mySafetyPlan);
    assert.match((await page.locator('.nhsuk-notification-banner').textContent()) ?? '', /Your safety plan has been sent by text message/);
    await expectNoAxeViolations(page);
    h.expectOnlyAppRequests();
    await page.context().close();
  });

  it('a practitioner sends the plan to the person’s phone when they ask: refused first without their agreement, with no axe violation', BROWSER_TEST, async () => {
    const a = await createAlliance(h.test);
    const { personId } = await personWithRequest(h.test, aPerson({ phone: '07700 900 654' }));
    const sessionId = await h.test.db.write((tx) => startSession(tx, h.test.config, h.test.clock.now(), { userId: a.hubPractitioner.userId, stage: 'full' }));
    const page = await h.newPage();
    await page.context().addCookies([{ name: cookieName(h.test.config, 'session'), value: sessionId, url: h.origin }]);
    await page.goto(h.url(paths.safetyPlanEdit(personId)));
    await page.getByLabel('Step 1: My warning signs', { exact: true }).fill('Not sleeping');
    await page.getByLabel('Yes', { exact: true }).check();
    await submit(page, 'Save the plan');
    assert.equal(pathOf(page), paths.safetyPlan(personId));

    await tabTo(page, page.getByRole('link', { name: 'Send it to their email or phone' }));
    await pressEnterAndWait(page);
    assert.equal(pathOf(page), paths.safetyPlanSend(personId));
    await expectNoAxeViolations(page);
    await tabTo(page, page.getByRole('checkbox', { name: /By text message to 07700 900 654/ }));
    await page.keyboard.press('Space');
    await tabTo(page, page.getByRole('button', { name: 'Send the safety plan' }));
    await pressEnterAndWait(page);
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Confirm the person asked for a copy/);
    assert.equal(await page.getByRole('checkbox', { name: /By text message to/ }).isChecked(), true, 'what was chosen is kept');
    await expectNoAxeViolations(page);
    await tabTo(page, page.getByRole('checkbox', { name: /asked for a copy, sent to these details/ }));
    await page.keyboard.press('Space');
    await tabTo(page, page.getByRole('button', { name: 'Send the safety plan' }));
    await pressEnterAndWait(page);
    assert.equal(pathOf(page), paths.safetyPlan(personId));
    assert.match((await page.locator('.nhsuk-notification-banner').textContent()) ?? '', /The safety plan has been sent by text message/);
    await expectNoAxeViolations(page);
    h.expectOnlyAppRequests();
    await page.context().close();
  });
});
