// The crisis journey in a real browser (issue 6, "Done when"): the crisis line opens an episode with
// the caller unnamed, the person is linked, a sanctuary place is held for them from the episode, the
// episode is closed with an outcome (refused first without one), and the follow-up task appears on the
// board; by keyboard, with no axe violation on any page (errors included) and no request elsewhere.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { type CrisisAlliance, createCrisisAlliance } from '../../src/modules/crisis/episode-testing.ts';
import { paths } from '../../src/modules/crisis/paths.ts';
import { createPlace } from '../../src/modules/crisis/places.ts';
import { startSession } from '../../src/platform/auth/sessions.ts';
import { cookieName } from '../../src/platform/http/security.ts';
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, pressEnterAndWait, startBrowserApp, tabTo, pathOf } from './browser.ts';

const mainText = async (page: Page) => ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');

async function typeInto(page: Page, label: string, text: string): Promise<void> {
  await tabTo(page, page.getByLabel(label, { exact: true }), 200);
  await page.keyboard.type(text);
}

/** A radio or checkbox by its label, by keyboard: Tab to the group's first, Space, then the arrow keys. */
async function choose(page: Page, label: string): Promise<void> {
  const target = page.getByLabel(label, { exact: true });
  if ((await target.getAttribute('type')) !== 'radio') {
    await tabTo(page, target, 200);
    await page.keyboard.press('Space');
    return;
  }
  const name = await target.getAttribute('name');
  await tabTo(page, page.locator(`input[name="${name}"]`).first(), 200);
  await page.keyboard.press('Space');
  for (let i = 0; i < 20 && !(await target.evaluate((el: unknown) => (el as { matches(selector: string): boolean }).matches(':focus'))); i++) await page.keyboard.press('ArrowDown');
  assert.ok(await target.isChecked(), `${label} was chosen by keyboard`);
}

async function press(page: Page, button: string): Promise<void> {
  await tabTo(page, page.getByRole('button', { name: button, exact: true }), 200);
  await pressEnterAndWait(page);
}

async function follow(page: Page, link: string): Promise<void> {
  await tabTo(page, page.getByRole('link', { name: link, exact: true }), 200);
  await pressEnterAndWait(page);
}

describe('the crisis journey, in a browser', { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  let a: CrisisAlliance;
  before(async () => {
    h = await startBrowserApp();
    a = await createCrisisAlliance(h.test);
    await createPlace(h.test.platform, a.crisisLead.actor, { name: 'Browser evening sanctuary', kind: 'sanctuary', teamId: a.crisisTeamId, maximum: 3, holdHours: 2, hoursKind: 'always', area: 'Brixton, SW9' });
  });
  after(async () => {
    await h?.close();
  });

  it('opens an episode from a crisis-line call, holds a sanctuary place, closes with an outcome, and the follow-up appears; by keyboard, with no axe violation', BROWSER_TEST, async () => {
    const { test } = h;
    const sessionId = await test.db.write((tx) => startSession(tx, test.config, test.clock.now(), { userId: a.crisisPractitioner.userId, stage: 'full' }));
    const page = await h.newPage();
    await page.context().addCookies([{ name: cookieName(test.config, 'session'), value: sessionId, url: h.origin }]);

    // The board, then the quick form.
    await page.goto(h.url(paths.board));
    await expectNoAxeViolations(page);
    // A link drawn as a button (NHS pattern: role="button"), so reached as a button.
    await tabTo(page, page.getByRole('button', { name: 'Open an episode', exact: true }));
    await pressEnterAndWait(page);
    assert.equal(pathOf(page), paths.episodeNew);
    await expectNoAxeViolations(page);

    // Sent empty: the error summary, which must pass axe too.
    await press(page, 'Open episode');
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Choose the priority/);
    await expectNoAxeViolations(page);

    // The call: the caller does not give a name.
    await choose(page, 'Very urgent');
    await typeInto(page, 'What is happening', 'Caller says she cannot keep herself safe tonight; at home alone.');
    await typeInto(page, 'Who is calling (optional)', 'Woman, calling for herself, would not give her name');
    await typeInto(page, 'Postcode or area (optional)', 'SW9 8QJ');
    await choose(page, 'I am responding to this episode');
    await press(page, 'Open episode');
    assert.match(pathOf(page), /^\/crisis\/episodes\/[0-9a-f-]+$/);
    const episodeUrl = page.url();
    const reference = (await mainText(page)).match(/CR-[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0];
    assert.ok(reference);
    assert.match(await mainText(page), /Not named yet: Woman, calling for herself/);
    await expectNoAxeViolations(page);

    // She gives her name: link the person.
    await typeInto(page, 'First name', 'Nadia');
    await typeInto(page, 'Last name', `Browser${Date.now()}`);
    await typeInto(page, 'Day', '12');
    await typeInto(page, 'Month', '7');
    await typeInto(page, 'Year', '1994');
    await typeInto(page, 'Phone number (optional)', '07700 900 612');
    await press(page, 'Link person');
    assert.equal(page.url(), episodeUrl);
    assert.match(await mainText(page), /Safety plan/);
    await expectNoAxeViolations(page);

    // Somewhere to go: hold a place at the sanctuary, from the episode.
    await follow(page, 'Hold a place at Browser evening sanctuary');
    assert.match(pathOf(page), /^\/crisis\/places\/[0-9a-f-]+\/holds\/new$/);
    await expectNoAxeViolations(page);
    await press(page, 'Hold the place');
    assert.match(pathOf(page), /^\/crisis\/holds\/[0-9a-f-]+$/);
    await expectNoAxeViolations(page);
    const episodeId = new URL(episodeUrl).pathname.split('/').pop()!;
    const hold = await test.db.read.selectFrom('crisis_place_holds').select(['status', 'episode_id']).orderBy('held_at', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual(hold, { status: 'held', episode_id: episodeId }, 'the hold is for this episode');

    // Close: refused without an outcome, then closed with one.
    await page.goto(episodeUrl);
    await press(page, 'Close episode');
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Choose the outcome before closing the episode/);
    await expectNoAxeViolations(page);
    await choose(page, 'Sanctuary');
    await press(page, 'Close episode');
    assert.equal(page.url(), episodeUrl);
    assert.match(await mainText(page), /Outcome: Sanctuary/);
    assert.match(await mainText(page), /Follow-up after discharge Due by/);
    await expectNoAxeViolations(page);

    // The follow-up task is on the board.
    await page.goto(h.url(paths.board));
    assert.doesNotMatch((await page.locator('#crisis-board-rows').textContent()) ?? '', new RegExp(reference), 'the closed episode has left the board');
    assert.match(((await page.locator('#crisis-follow-ups').textContent()) ?? '').replace(/\s+/g, ' '), /Due in 3 days After discharge from: crisis episode/);
    await expectNoAxeViolations(page);
    const task = await test.db.read.selectFrom('tasks').select(['source_kind', 'status', 'team_id']).where('source', '=', 'crisis').executeTakeFirstOrThrow();
    assert.deepEqual(task, { source_kind: 'crisis-follow-up', status: 'open', team_id: a.crisisTeamId });
    h.expectOnlyAppRequests();
  });

  it('a team lead puts someone on tonight’s duty rota with a duty mobile, refused a landline first, and the board shows it; by keyboard, with no axe violation', BROWSER_TEST, async () => {
    const { test } = h;
    // The next 18:00 UTC (6 or 7pm in London): the form's default shift (20:00 to 08:00) is tonight's,
    // whatever the time the test runs; ahead of real time, as the browser's cookies need.
    const evening = new Date();
    evening.setUTCHours(18, 0, 0, 0);
    if (evening.getTime() <= Date.now()) evening.setUTCDate(evening.getUTCDate() + 1);
    test.clock.set(evening);
    const sessionId = await test.db.write((tx) => startSession(tx, test.config, test.clock.now(), { userId: a.crisisLead.userId, stage: 'full' }));
    const page = await h.newPage();
    await page.context().addCookies([{ name: cookieName(test.config, 'session'), value: sessionId, url: h.origin }]);
    await page.goto(h.url(paths.board));
    await follow(page, 'Duty rota');
    assert.equal(pathOf(page), paths.duty);
    await expectNoAxeViolations(page);

    // Who: typed into the focused list, as a keyboard user picks an option. The shift's times are tonight's by default.
    await tabTo(page, page.getByLabel('Who', { exact: true }), 200);
    await page.keyboard.type(a.crisisColleague.actor.displayName);
    assert.equal(await page.getByLabel('Who', { exact: true }).inputValue(), a.crisisColleague.userId);
    await typeInto(page, 'Duty mobile (optional)', '020 7946 0000');
    await press(page, 'Add shift');
    assert.match((await page.locator('.nhsuk-error-summary').textContent()) ?? '', /Enter a UK mobile number, like 07700 900 982/);
    assert.equal(await page.getByLabel('Duty mobile (optional)', { exact: true }).inputValue(), '020 7946 0000', 'what was typed is kept');
    await expectNoAxeViolations(page);

    await tabTo(page, page.getByLabel('Duty mobile (optional)', { exact: true }), 200);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('07700 900 982');
    await press(page, 'Add shift');
    assert.equal(pathOf(page), paths.duty);
    assert.match(await mainText(page), new RegExp(`${a.crisisColleague.actor.displayName} Duty senior .* 07700 900 982`));
    await expectNoAxeViolations(page);

    await page.goto(h.url(paths.board));
    assert.match(((await page.locator('#crisis-duty').textContent()) ?? '').replace(/\s+/g, ' '), new RegExp(`${a.crisisColleague.actor.displayName}, duty senior: 20:00 to 08:00( \\(on now\\))?, duty mobile 07700 900 982`));
    assert.equal(await page.getByRole('link', { name: '07700 900 982' }).getAttribute('href'), 'tel:07700900982');
    await expectNoAxeViolations(page);
    h.expectOnlyAppRequests();
  });
});
