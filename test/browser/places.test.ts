// Places and holds in a real browser (issue 6, item 3): the availability board, a place, a hold on the
// last place, the refusal of the next with the alternatives open now, the hold's page, the cancel and
// discharge forms with their error summaries, and the history: no axe violation on any page, and no
// request to another host.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { paths } from '../../src/modules/crisis/paths.ts';
import { aPlace } from '../../src/modules/crisis/place-testing.ts';
import { admitHold, cancelHold, holdPlace } from '../../src/modules/crisis/places.ts';
import { type Alliance, createAlliance, personWithRequest } from '../../src/modules/people/testing.ts';
import { startSession } from '../../src/platform/auth/sessions.ts';
import { cookieName } from '../../src/platform/http/security.ts';
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, startBrowserApp } from './browser.ts';

const mainText = async (page: Page) => ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');

describe('places and holds, in a browser', { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  let a: Alliance;
  before(async () => {
    h = await startBrowserApp();
    a = await createAlliance(h.test);
  });
  after(async () => {
    await h?.close();
  });

  it('holds the last place, is refused the next with the alternatives, and every page passes axe', BROWSER_TEST, async () => {
    const { test } = h;
    const full = await aPlace(test.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'sanctuary', maximum: 1, name: 'Last-bed sanctuary' });
    await aPlace(test.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'crisis-cafe', maximum: 4, name: 'Open café' });
    const [first, second, third] = [await personWithRequest(test), await personWithRequest(test), await personWithRequest(test)];
    const sessionId = await test.db.write((tx) => startSession(tx, test.config, test.clock.now(), { userId: a.hubPractitioner.userId, stage: 'full' }));
    const page = await h.newPage();
    await page.context().addCookies([{ name: cookieName(test.config, 'session'), value: sessionId, url: h.origin }]);

    await page.goto(h.url(paths.places));
    assert.match(await mainText(page), /1 of 1 places available/);
    await expectNoAxeViolations(page);

    // The hold form, sent empty first: the error summary.
    await page.goto(h.url(paths.placeHoldNew(full)));
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Hold the place' }).click();
    await page.waitForLoadState('networkidle');
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Enter the person’s record ID/);
    await expectNoAxeViolations(page);
    await page.getByLabel('The person’s record ID', { exact: true }).fill(first.personId);
    await page.getByRole('button', { name: 'Hold the place' }).click();
    await page.waitForLoadState('networkidle');
    assert.match(new URL(page.url()).pathname, /^\/crisis\/holds\//);
    assert.match(await mainText(page), /Held\s*: Expires in 2 hours/);
    await expectNoAxeViolations(page);

    // The next is refused, with what is open now.
    await page.goto(h.url(`${paths.placeHoldNew(full)}?person=${second.personId}`));
    await page.getByRole('button', { name: 'Hold the place' }).click();
    await page.waitForLoadState('networkidle');
    assert.match(await mainText(page), /Last-bed sanctuary is full/);
    assert.match(await mainText(page), /Hold a place at Open café/);
    await expectNoAxeViolations(page);

    // The place, its history, and the cancel and discharge forms with their errors.
    await page.goto(h.url(paths.place(full)));
    await expectNoAxeViolations(page);
    const staying = await holdPlace(test.platform, a.hubPractitioner.actor, await aPlace(test.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'crisis-house', maximum: 2 }), { personId: third.personId }, null);
    await admitHold(test.platform, a.hubPractitioner.actor, staying.holdId, null);
    await page.goto(h.url(paths.holdDischarge(staying.holdId)));
    await page.getByRole('button', { name: 'Discharge' }).click();
    await page.waitForLoadState('networkidle');
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Enter a discharge note/);
    await expectNoAxeViolations(page);
    const held = await test.db.read.selectFrom('crisis_place_holds').select(['id']).where('person_id', '=', first.personId).executeTakeFirstOrThrow();
    await page.goto(h.url(paths.holdCancel(held.id)));
    await page.getByRole('button', { name: 'Cancel the hold' }).click();
    await page.waitForLoadState('networkidle');
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Choose why the hold is being cancelled/);
    await expectNoAxeViolations(page);
    await page.goto(h.url(paths.placeHistory(full)));
    assert.match(await mainText(page), /Held for 2 hours/);
    await expectNoAxeViolations(page);
    h.expectOnlyAppRequests();
  });

  it('updates the availability board by itself when a place is held and released elsewhere, without a reload (H12)', BROWSER_TEST, async () => {
    const { test } = h;
    const placeId = await aPlace(test.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'crisis-house', maximum: 2, name: 'Live-board crisis house' });
    const person = await personWithRequest(test);
    const sessionId = await test.db.write((tx) => startSession(tx, test.config, test.clock.now(), { userId: a.hubPractitioner.userId, stage: 'full' }));
    const page = await h.newPage();
    await page.context().addCookies([{ name: cookieName(test.config, 'session'), value: sessionId, url: h.origin }]);
    await page.goto(h.url(paths.places));
    const row = page.locator(`tr[data-place-id="${placeId}"]`);
    assert.match((await row.textContent()) ?? '', /2 of 2 beds available/);
    await page.getByRole('status').filter({ hasText: /Live: this page updates by itself/ }).waitFor();
    await page.evaluate('window.stillTheSamePage = true');

    // Someone else holds the place (another page, another practitioner's session): the row changes.
    const held = await holdPlace(test.platform, a.hubPractitioner.actor, placeId, { personId: person.personId }, null);
    await row.getByText(/1 of 2 beds available/).waitFor();
    assert.match((await row.textContent()) ?? '', /1 held/);
    // And gives it back: the row changes again, still the same page.
    await cancelHold(test.platform, a.hubPractitioner.actor, held.holdId, { reasonKind: 'not-needed' }, null);
    await row.getByText(/2 of 2 beds available/).waitFor();
    assert.equal(await page.evaluate('window.stillTheSamePage'), true, 'updated in place, not reloaded');
    await expectNoAxeViolations(page);
    h.expectOnlyAppRequests();
    assert.ok(h.requests.some((r) => r.url.includes(paths.placesEvents)), 'the board listened to its event stream');
  });

  it('lets a team lead add a place, with the error summary first, and passes axe', BROWSER_TEST, async () => {
    const { test } = h;
    const sessionId = await test.db.write((tx) => startSession(tx, test.config, test.clock.now(), { userId: a.communityLead.userId, stage: 'full' }));
    const page = await h.newPage();
    await page.context().addCookies([{ name: cookieName(test.config, 'session'), value: sessionId, url: h.origin }]);
    await page.goto(h.url(paths.placeNew));
    await expectNoAxeViolations(page);
    await page.getByRole('button', { name: 'Save the place' }).click();
    await page.waitForLoadState('networkidle');
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Enter the place’s name/);
    await expectNoAxeViolations(page);
    await page.getByLabel('Name', { exact: true }).fill('Browser crisis house');
    await page.getByLabel('Crisis house (beds)', { exact: true }).check();
    await page.getByLabel('Team that runs it', { exact: true }).selectOption(a.communityTeamId);
    await page.getByLabel('The most people it can take at once', { exact: true }).fill('5');
    await page.getByLabel('The same hours every day', { exact: true }).check();
    await page.getByLabel('Opens', { exact: true }).fill('18:00');
    await page.getByLabel('Closes', { exact: true }).fill('24:00');
    await page.getByRole('button', { name: 'Save the place' }).click();
    await page.waitForLoadState('networkidle');
    assert.match(await mainText(page), /Monday: 18:00 to 00:00/);
    await expectNoAxeViolations(page);
    await page.goto(h.url(paths.places));
    assert.match(await mainText(page), /Add a place/);
    await expectNoAxeViolations(page);
    h.expectOnlyAppRequests();
  });
});
