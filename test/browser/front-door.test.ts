// The front door in a real browser: a person asks for help by keyboard alone, every page of the
// journey (and an error state) passes axe, and a hub practitioner's queue and request pages pass too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createHub, type Hub, submit } from '../../src/modules/front-door/testing.ts';
import { startSession } from '../../src/platform/auth/sessions.ts';
import { createTestUser } from '../../src/testing/auth.ts';
import { cookieName } from '../../src/platform/http/security.ts';
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, pressEnterAndWait, startBrowserApp, tabTo } from './browser.ts';

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

async function typeInto(page: Page, label: string, text: string): Promise<void> {
  await tabTo(page, page.getByLabel(label, { exact: true }));
  await page.keyboard.type(text);
}

/** Chooses a radio or checkbox by its label, by keyboard: Tab reaches a checkbox, or a radio group's first radio, then the arrow keys move within the group. */
async function choose(page: Page, label: string): Promise<void> {
  const target = page.getByLabel(label, { exact: true });
  if ((await target.getAttribute('type')) !== 'radio') {
    await tabTo(page, target);
    await page.keyboard.press('Space');
    return;
  }
  const name = await target.getAttribute('name');
  await tabTo(page, page.locator(`input[name="${name}"]`).first());
  await page.keyboard.press('Space');
  for (let i = 0; i < 20 && !(await target.evaluate((el: unknown) => (el as { matches(selector: string): boolean }).matches(':focus'))); i++) await page.keyboard.press('ArrowDown');
  assert.ok(await target.isChecked(), `${label} was chosen by keyboard`);
}

async function continueByKeyboard(page: Page, button = 'Continue'): Promise<void> {
  await tabTo(page, page.getByRole('button', { name: button }));
  await pressEnterAndWait(page);
}

describe('the front door, in a browser', { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  let hub: Hub;
  before(async () => {
    h = await startBrowserApp();
    hub = await createHub(h.test.platform);
  });
  after(async () => {
    await h?.close();
  });

  it('takes a person through "Get help" by keyboard alone, with no axe violation on any page', BROWSER_TEST, async () => {
    const page = await h.newPage();
    await page.goto(h.url('/get-help'));
    await expectNoAxeViolations(page);
    await tabTo(page, page.getByRole('button', { name: 'Start now' }));
    await pressEnterAndWait(page);

    assert.equal(pathOf(page), '/get-help/who');
    await expectNoAxeViolations(page);
    await choose(page, 'Me');
    await continueByKeyboard(page);

    assert.equal(pathOf(page), '/get-help/what-is-happening');
    await expectNoAxeViolations(page);
    // Continuing without an answer shows the error summary, which must pass axe too.
    await continueByKeyboard(page);
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Tell us what is happening/);
    await expectNoAxeViolations(page);
    await typeInto(page, 'What is happening for you?', 'I have felt very low for a month and I am not sleeping.');
    await continueByKeyboard(page);

    assert.equal(pathOf(page), '/get-help/what-would-help');
    await expectNoAxeViolations(page);
    await continueByKeyboard(page);

    assert.equal(pathOf(page), '/get-help/about');
    await expectNoAxeViolations(page);
    await typeInto(page, 'First name', 'Jo');
    await typeInto(page, 'Last name', `Keyboard${Date.now()}`);
    await typeInto(page, 'Day', '9');
    await typeInto(page, 'Month', '4');
    await typeInto(page, 'Year', '1991');
    await typeInto(page, 'Postcode', 'SW9 9SL');
    await continueByKeyboard(page);
    if (pathOf(page) !== '/get-help/contact') assert.fail((await page.locator('.nhsuk-error-summary').textContent()) ?? '');

    assert.equal(pathOf(page), '/get-help/contact');
    await expectNoAxeViolations(page);
    await choose(page, 'Text message');
    await typeInto(page, 'Phone number', '07700 900 321');
    await choose(page, 'Yes');
    await continueByKeyboard(page);

    assert.equal(pathOf(page), '/get-help/preferences');
    await expectNoAxeViolations(page);
    await choose(page, 'No');
    await continueByKeyboard(page);

    assert.equal(pathOf(page), '/get-help/equality');
    await expectNoAxeViolations(page);
    await continueByKeyboard(page);

    assert.equal(pathOf(page), '/get-help/consent');
    await expectNoAxeViolations(page);
    await choose(page, 'Yes, share it with the services that can help');
    await continueByKeyboard(page);

    assert.equal(pathOf(page), '/get-help/check');
    await expectNoAxeViolations(page);
    await continueByKeyboard(page, 'Send request');

    assert.equal(pathOf(page), '/get-help/confirmation');
    await expectNoAxeViolations(page);
    assert.match((await page.locator('.nhsuk-panel').textContent()) ?? '', /MH-[A-Z0-9]{4}-[A-Z0-9]{4}/);
    assert.match((await page.locator('#crisis-help').textContent()) ?? '', /116 123/);
    h.expectOnlyAppRequests();
  });

  it("shows a hub practitioner the queue and a request with no axe violation, and records a contact attempt", BROWSER_TEST, async () => {
    const submitted = await submit(h.test.platform, { story: 'I am thinking of ending my life.' });
    const id = await h.test.db.write((tx) => startSession(tx, h.test.config, h.test.clock.now(), { userId: hub.practitioner.userId, stage: 'full' }));
    const page = await h.newPage();
    await page.context().addCookies([{ name: cookieName(h.test.config, 'session'), value: id, url: h.origin }]);

    await page.goto(h.url('/front-door'));
    assert.equal(pathOf(page), '/front-door');
    await expectNoAxeViolations(page);
    await tabTo(page, page.getByRole('link', { name: submitted.reference }));
    await pressEnterAndWait(page);

    assert.equal(pathOf(page), `/front-door/requests/${submitted.id}`);
    await expectNoAxeViolations(page);
    assert.match((await page.locator('main').textContent()) ?? '', /Risk flagged/);
    await page.getByLabel('Phone', { exact: true }).check();
    await page.getByLabel('No answer', { exact: true }).check();
    await page.getByRole('button', { name: 'Record attempt' }).click();
    await page.waitForLoadState();
    assert.match((await page.locator('main').textContent()) ?? '', /1 failed attempt so far/);
    await expectNoAxeViolations(page);
    h.expectOnlyAppRequests();
  });

  it('lets a signed-in champion refer someone who agreed, by keyboard, with no axe violation on the form, its errors, the confirmation or their list', BROWSER_TEST, async () => {
    const champion = await createTestUser(h.test.db, h.test.clock, { role: 'champion' });
    const id = await h.test.db.write((tx) => startSession(tx, h.test.config, h.test.clock.now(), { userId: champion.userId, stage: 'full' }));
    const page = await h.newPage();
    await page.context().addCookies([{ name: cookieName(h.test.config, 'session'), value: id, url: h.origin }]);

    await page.goto(h.url('/refer'));
    await expectNoAxeViolations(page);
    await continueByKeyboard(page, 'Send referral');
    assert.equal(pathOf(page), '/refer');
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /There is a problem/);
    await expectNoAxeViolations(page);

    await typeInto(page, 'First name', 'Kwame');
    await typeInto(page, 'Last name', `Referred${Date.now()}`);
    await typeInto(page, 'Day', '14');
    await typeInto(page, 'Month', '6');
    await typeInto(page, 'Year', '1988');
    await typeInto(page, 'Postcode', 'SE5 8AF');
    await typeInto(page, 'Their phone number', '07700 900 456');
    await typeInto(page, 'What is happening for them?', 'He has lost his job and has not been sleeping; he told me he feels low most days.');
    await choose(page, 'Yes, they have agreed to this referral');
    await choose(page, 'Yes');
    await continueByKeyboard(page, 'Send referral');

    assert.match(pathOf(page), /^\/refer\/sent\//);
    const reference = (await page.locator('main').textContent())?.match(/MH-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0];
    assert.ok(reference, 'the confirmation shows the reference');
    await expectNoAxeViolations(page);

    await page.goto(h.url('/refer/mine'));
    assert.match((await page.locator('main').textContent()) ?? '', new RegExp(reference));
    await expectNoAxeViolations(page);
    h.expectOnlyAppRequests();
  });
});
