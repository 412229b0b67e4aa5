// Signing in, in a real browser: a practitioner signs in with a password and an authenticator code
// using only the keyboard, and every page on the way passes axe; a wrong password gives the error
// summary; the forms work with JavaScript turned off; and no page asks another host for anything.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authenticator } from 'otplib';
import type { Page } from 'playwright-core';
import { createTestUser } from '../../src/testing/auth.ts';
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, focused, pressEnterAndWait, startBrowserApp, tabTo } from './browser.ts';

/** The code an authenticator app shows at the app's clock time. */
function codeAt(h: BrowserHarness, secret: string | null): string {
  assert.ok(secret, 'the user has an authenticator secret');
  return authenticator.clone({ epoch: h.test.clock.now().getTime() }).generate(secret);
}

let people = 0;
/** A practitioner with a name of their own, to look for in the header once signed in. */
async function practitioner(h: BrowserHarness, options: { enrolTotp?: boolean } = {}) {
  const displayName = `Robin Practitioner ${++people}`;
  const user = await createTestUser(h.test.db, h.test.clock, { role: 'practitioner', displayName, ...options });
  return { ...user, displayName };
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** Reaches a field by Tab (failing if the keyboard cannot get there), clears it and types. */
async function typeInto(page: Page, label: string, text: string): Promise<void> {
  await tabTo(page, page.getByLabel(label, { exact: true }));
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

describe('signing in, in a browser', { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  before(async () => {
    h = await startBrowserApp();
  });
  after(async () => {
    await h?.close();
  });

  it('signs a practitioner in with a password and an authenticator code, by keyboard alone, with no axe violation on any page', BROWSER_TEST, async () => {
    const user = await practitioner(h);
    const page = await h.newPage();
    const visited: string[] = [];

    // The home page, signed out: the header's "Sign in" link is reached by Tab.
    await page.goto(h.url('/'));
    await expectNoAxeViolations(page);
    visited.push(pathOf(page));
    await tabTo(page, page.getByRole('banner').getByRole('link', { name: 'Sign in' }));
    await pressEnterAndWait(page);

    // Email address and password.
    assert.equal(pathOf(page), '/sign-in');
    await expectNoAxeViolations(page);
    visited.push(pathOf(page));
    await typeInto(page, 'Email address', user.email);
    await typeInto(page, 'Password', user.password);
    await tabTo(page, page.getByRole('button', { name: 'Continue' }));
    await pressEnterAndWait(page);

    // The code from the authenticator app.
    assert.equal(pathOf(page), '/sign-in/code');
    await expectNoAxeViolations(page);
    visited.push(pathOf(page));
    await typeInto(page, 'Code from your authenticator app', codeAt(h, user.totpSecret));
    await tabTo(page, page.getByRole('button', { name: 'Continue' }));
    await pressEnterAndWait(page);

    // Signed in: the home page, with the practitioner's name in the header.
    assert.equal(pathOf(page), '/');
    await expectNoAxeViolations(page);
    visited.push(pathOf(page));
    const header = (await page.getByRole('banner').textContent()) ?? '';
    assert.ok(header.includes(user.displayName), `the header shows the signed-in name (header: ${header.replace(/\s+/g, ' ').trim()})`);
    assert.equal(await page.getByRole('banner').getByRole('link', { name: 'Sign in' }).count(), 0);

    assert.deepEqual(visited, ['/', '/sign-in', '/sign-in/code', '/']);
    h.expectOnlyAppRequests();
    await page.context().close();
  });

  it('sets up the authenticator of a practitioner who has none, by keyboard, with no axe violation on any page', BROWSER_TEST, async () => {
    const user = await practitioner(h, { enrolTotp: false });
    const page = await h.newPage();
    await page.goto(h.url('/sign-in'));
    await typeInto(page, 'Email address', user.email);
    await typeInto(page, 'Password', user.password);
    await tabTo(page, page.getByRole('button', { name: 'Continue' }));
    await pressEnterAndWait(page);

    assert.equal(pathOf(page), '/sign-in/set-up-authenticator');
    await expectNoAxeViolations(page);
    assert.equal(await page.getByRole('img', { name: 'QR code for your authenticator app' }).count(), 1, 'the QR code is drawn inline');
    const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, '');
    assert.match(secret, /^[A-Z2-7]{16,}$/);
    await typeInto(page, 'Code from your authenticator app', codeAt(h, secret));
    await tabTo(page, page.getByRole('button', { name: 'Continue' }));
    await pressEnterAndWait(page);

    assert.equal(pathOf(page), '/');
    await expectNoAxeViolations(page);
    assert.ok(((await page.getByRole('banner').textContent()) ?? '').includes(user.displayName));
    h.expectOnlyAppRequests();
    await page.context().close();
  });

  it('shows the error summary for a wrong password, moves focus to it, links to the field, and passes axe', BROWSER_TEST, async () => {
    const user = await practitioner(h);
    const page = await h.newPage();
    await page.goto(h.url('/sign-in'));
    await typeInto(page, 'Email address', user.email);
    await typeInto(page, 'Password', `${user.password}-wrong`);
    await tabTo(page, page.getByRole('button', { name: 'Continue' }));
    await pressEnterAndWait(page);

    assert.equal(pathOf(page), '/sign-in');
    assert.match((await page.title()) ?? '', /^Error: /);
    const summary = page.locator('.nhsuk-error-summary');
    assert.equal(await summary.count(), 1, 'the error summary is shown');
    // NHS error summary pattern: focus moves to the summary when the page loads.
    const onLoad = await focused(page);
    assert.match(onLoad.classes, /nhsuk-error-summary/, 'focus is on the error summary');
    // The email address typed is kept; the password is not.
    assert.equal(await page.getByLabel('Email address', { exact: true }).inputValue(), user.email);
    assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '');
    await expectNoAxeViolations(page);

    // The summary's link takes the keyboard to the field at fault.
    const link = summary.getByRole('link').first();
    const href = (await link.getAttribute('href')) ?? '';
    assert.match(href, /^#.+/);
    await tabTo(page, link);
    await page.keyboard.press('Enter');
    const target = await focused(page);
    assert.equal(`#${target.id}`, href, 'Enter on the summary link moves focus to the field');
    assert.equal(target.tag, 'input');
    h.expectOnlyAppRequests();
    await page.context().close();
  });

  it('signs in with JavaScript turned off: the forms are plain POSTs', BROWSER_TEST, async () => {
    const user = await practitioner(h);
    const page = await h.newPage({ javaScriptEnabled: false });
    await page.goto(h.url('/sign-in'));
    await page.getByLabel('Email address', { exact: true }).fill(user.email);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Continue' }).click()]);
    assert.equal(pathOf(page), '/sign-in/code');
    await page.getByLabel('Code from your authenticator app', { exact: true }).fill(codeAt(h, user.totpSecret));
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Continue' }).click()]);
    assert.equal(pathOf(page), '/');
    assert.ok(((await page.getByRole('banner').textContent()) ?? '').includes(user.displayName));
    h.expectOnlyAppRequests();
    await page.context().close();
  });
});
