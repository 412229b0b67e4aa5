// Issue 5's journey in a real browser: a person signs in with a code, sees their shared plan and who
// has looked at their record, adds a friend to their network who may see the safety plan only and
// invites them; the friend makes an account from the emailed link, signs in with a code, and sees the
// safety plan and nothing else (the care plan is not listed, and its address is 404). Every page with
// no axe violation, only the app's own requests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { paths as carePaths } from '../../src/modules/care/paths.ts';
import { savePlan } from '../../src/modules/care/plan.ts';
import { parsePlanForm } from '../../src/modules/care/plan-schemas.ts';
import { paths as crisisPaths } from '../../src/modules/crisis/paths.ts';
import { decide } from '../../src/modules/front-door/queue.ts';
import { paths } from '../../src/modules/people/paths.ts';
import { aPerson, createAlliance, personWithRequest } from '../../src/modules/people/testing.ts';
import { Browser as TestBrowser } from '../../src/testing/app.ts';
import { createTestPersonAccount, signInPerson } from '../../src/testing/auth.ts';
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, pressEnterAndWait, signInWithCode, startBrowserApp, submit, tabTo } from './browser.ts';

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

describe("the person's network, in a browser", { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  before(async () => {
    h = await startBrowserApp();
  });
  after(async () => {
    await h?.close();
  });

  it('a person sees their plan and access log and invites a friend, who then sees only the safety plan, with no axe violation', BROWSER_TEST, async () => {
    const t = h.test;
    const a = await createAlliance(t);
    const details = aPerson();
    const request = await personWithRequest(t, details);
    const personId = request.personId;
    const account = await createTestPersonAccount(t.db, t.clock, { personId, organisationId: a.organisationId, displayName: `Alex ${details.familyName}` });
    // The community team coordinates their care, with a shared plan (labelled mental health).
    await decide(t.platform, a.hubPractitioner.actor, request.id, { kind: 'care-coordination', teamId: a.communityTeamId, reason: 'Needs ongoing support from the community team' });
    const coordination = await t.db.read.selectFrom('care_coordinations').select(['id']).where('person_id', '=', personId).executeTakeFirstOrThrow();
    const review = new Date(t.clock.now().getTime() + 60 * 24 * 3_600_000);
    const form = parsePlanForm(
      {
        version: '0',
        whatMatters: 'Seeing my daughter at weekends and getting back to college.',
        strengths: 'I am good with people and my sister helps me.',
        goals: 'Sleep better and go to two classes a week.',
        ifWorse: 'Call my sister first, then the team.',
        'reviewDate[day]': String(review.getUTCDate()),
        'reviewDate[month]': String(review.getUTCMonth() + 1),
        'reviewDate[year]': String(review.getUTCFullYear()),
        privacyLabel: 'mental-health',
        note: '',
      },
      t.clock.now().toISOString().slice(0, 10),
    );
    assert.ok(form.ok, 'the plan form parses');
    await savePlan(t.platform, a.outsider.actor, coordination.id, form.data);
    // Their safety plan, written by the person in their portal.
    const setup = new TestBrowser(t.app);
    await signInPerson(setup, t.db, account.email);
    await setup.get(crisisPaths.mySafetyPlanEdit);
    const saved = await setup.post(crisisPaths.mySafetyPlanEdit, {
      baseVersion: '0',
      warningSigns: 'Not sleeping\nStaying in my room',
      copingAlone: 'A walk with music on',
      distractions: 'The library',
      'helpName-1': 'Sam (my friend)',
      'helpPhone-1': '07700 900462',
      'proName-1': 'Samaritans',
      'proPhone-1': '116 123',
      safer: 'Give my spare tablets to my sister',
      reasons: 'My daughter',
    });
    assert.equal(saved.statusCode, 303, 'the safety plan is saved');

    // The person signs in with a code and sees their plan and who has looked at their record.
    const page = await signInWithCode(h, account.email);
    assert.equal(pathOf(page), '/my-record');
    await page.goto(h.url(carePaths.myPlan));
    assert.match((await page.locator('main').textContent()) ?? '', /Seeing my daughter at weekends/);
    await expectNoAxeViolations(page);
    await page.goto(h.url(paths.myRecord));
    await tabTo(page, page.getByRole('link', { name: 'Who has looked at your record' }));
    await pressEnterAndWait(page);
    assert.equal(pathOf(page), paths.myAccessLog);
    assert.match((await page.locator('main').textContent()) ?? '', /You looked at your record/);
    await expectNoAxeViolations(page);

    // Their network: add a friend who may see the safety plan only, and invite them.
    await page.goto(h.url(paths.myRecord));
    await tabTo(page, page.getByRole('link', { name: /Your network and sharing/ }));
    await pressEnterAndWait(page);
    assert.equal(pathOf(page), paths.myNetwork);
    await expectNoAxeViolations(page);
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Add someone' }).click()]);
    assert.equal(pathOf(page), paths.myNetworkAdd);
    await expectNoAxeViolations(page);
    // First without the consent: the error summary, and what was typed kept.
    const friendEmail = `friend.${Date.now().toString(36)}@example.org`;
    await page.getByLabel('Their name', { exact: true }).fill('Sam Friend');
    await page.getByLabel('Friend', { exact: true }).check();
    await page.getByLabel('Email address (optional)', { exact: true }).fill(friendEmail);
    await page.getByLabel('Safety plan only', { exact: true }).check();
    await page.getByLabel('Invite them now', { exact: true }).check();
    await submit(page, 'Add to the network');
    assert.match((await page.getByRole('alert').first().textContent()) ?? '', /There is a problem/);
    assert.equal(await page.getByLabel('Their name', { exact: true }).inputValue(), 'Sam Friend');
    assert.equal(await page.getByLabel('Safety plan only', { exact: true }).isChecked(), true);
    await expectNoAxeViolations(page);
    await page.getByLabel('I want to share what I have ticked with them', { exact: true }).check();
    await submit(page, 'Add to the network');
    assert.equal(pathOf(page), paths.myNetwork);
    const network = (await page.locator('main').textContent()) ?? '';
    assert.match(network, /Sam Friend/);
    assert.match(network, /Safety plan only/);
    assert.match(network, /Invited, not joined yet/);
    await expectNoAxeViolations(page);
    // The member's page (what they see, the invitation, the history) and the page to remove them.
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Sam Friend' }).click()]);
    assert.match((await page.locator('main').textContent()) ?? '', /Changes to what they can see/);
    await expectNoAxeViolations(page);
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: /Change their details/ }).click()]);
    assert.equal(await page.getByLabel('Their name', { exact: true }).inputValue(), 'Sam Friend');
    await expectNoAxeViolations(page);
    await page.goBack();
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Remove Sam Friend' }).click()]);
    await expectNoAxeViolations(page);

    // The friend opens the link in the email, makes an account, and signs in with a code.
    const email = await t.db.read.selectFrom('outbox_messages').select(['personalisation']).where('kind', '=', 'people.network-invite').where('recipient', '=', friendEmail).executeTakeFirstOrThrow();
    const link = /(\/network-invite\/[A-Za-z0-9_-]{43})/.exec(email.personalisation)?.[1];
    assert.ok(link, 'the email holds the link');
    const friend = await h.newPage();
    await friend.goto(h.url(link));
    await expectNoAxeViolations(friend);
    await friend.getByLabel('Your name', { exact: true }).fill('Sam Friend');
    await friend.getByLabel(/I will keep what .* shares with me private/).check();
    await submit(friend, 'Make my account');
    assert.equal(pathOf(friend), paths.networkInviteDone);
    await expectNoAxeViolations(friend);
    await signInWithCode(h, friendEmail, friend);
    assert.equal(pathOf(friend), paths.sharedWithMe);
    await expectNoAxeViolations(friend);
    await tabTo(friend, friend.getByRole('link', { name: new RegExp(details.familyName) }));
    await pressEnterAndWait(friend);
    assert.equal(pathOf(friend), paths.sharedBy(personId));
    const shared = (await friend.locator('#shared-views').textContent()) ?? '';
    assert.match(shared, /Safety plan/);
    assert.doesNotMatch(shared, /mental health/i, 'views of the mental health label (the care plan) are not even listed');
    await expectNoAxeViolations(friend);
    // Whatever else is listed is of the safety plan label only: the care plan's words are in none of them.
    const listed = await friend.locator('#shared-views a').evaluateAll((links) => links.map((l) => l.getAttribute('href') ?? ''));
    assert.deepEqual(listed, [crisisPaths.sharedSafetyPlan(personId)], 'the safety plan, and nothing else, is listed (no empty pages of other modules)');
    for (const href of listed) {
      const res = await friend.request.get(h.url(href));
      assert.doesNotMatch(await res.text(), /Seeing my daughter at weekends/, `${href} shows nothing of the care plan`);
    }
    await friend.goto(h.url(paths.sharedBy(personId)));
    await tabTo(friend, friend.getByRole('link', { name: 'Safety plan', exact: true }));
    await pressEnterAndWait(friend);
    assert.equal(pathOf(friend), crisisPaths.sharedSafetyPlan(personId));
    assert.match((await friend.locator('main').textContent()) ?? '', /My daughter/);
    await expectNoAxeViolations(friend);
    // Nothing else: the care plan's member page, the record and the person's own pages are not found.
    for (const url of [carePaths.sharedPlan(personId, 'mental-health'), paths.person(personId), paths.myRecord, paths.myAccessLog]) {
      const res = await friend.goto(h.url(url));
      assert.equal(res?.status(), 404, url);
    }

    // The person sees the friend's looks in their access log.
    await page.goto(h.url(paths.myAccessLog));
    const log = (await page.locator('main').textContent()) ?? '';
    assert.match(log, /Looked at what you share with them/);
    assert.match(log, /Someone in your network/);
    await expectNoAxeViolations(page);
    h.expectOnlyAppRequests();
    await page.context().close();
    await friend.context().close();
  });
});
