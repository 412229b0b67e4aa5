// Care coordination and the shared plan in a real browser: the practitioner's coordination, plan,
// edit (with an error summary, then the "this plan changed since you opened it" page), history,
// version, close and opening pages, and the person's own plan, history and version pages. Every page
// with no axe violation and only the app's own requests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
// The harness (and through it the whole app) first: the care module's files import each other in a cycle through the modules' index files.
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, pathOf, pressEnterAndWait, signInWithCode, staffPage, startBrowserApp, submit, tabTo } from './browser.ts';
import { openCoordination } from '../../src/modules/care/coordination.ts';
import { paths } from '../../src/modules/care/paths.ts';
import { savePlan } from '../../src/modules/care/plan.ts';
import { aPerson, createAlliance, personWithRequest } from '../../src/modules/people/testing.ts';
import { createTestPersonAccount } from '../../src/testing/auth.ts';

describe('care coordination and the shared plan, in a browser', { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  before(async () => {
    h = await startBrowserApp();
  });
  after(async () => {
    await h?.close();
  });

  it('the practitioner’s pages, the conflict page, and the person’s own plan: no axe violation', BROWSER_TEST, async () => {
    const a = await createAlliance(h.test);
    const { personId } = await personWithRequest(h.test, aPerson());
    const coordinationId = await openCoordination(h.test.platform, a.hubPractitioner.actor, personId, { teamId: a.hubTeamId, keyWorkerId: a.hubPractitioner.userId, memberIds: [a.hubLead.userId] });
    const plan = {
      version: 0,
      whatMatters: 'Getting back to running, and seeing my friends.',
      strengths: 'I am determined.',
      goals: 'Run twice a week by the spring.',
      ifWorse: 'Call my brother, then the team. Out of hours, NHS 111 option 2.',
      reviewDate: '2027-03-01',
      privacyLabel: 'mental-health' as const,
      note: null,
      actions: [{ index: 0, id: null, what: 'Find a beginners’ running group', who: 'Me, with my key worker', assigneeId: null, dueOn: '2027-01-10', remove: false }],
    };
    await savePlan(h.test.platform, a.hubPractitioner.actor, coordinationId, plan);

    // The practitioner: signed in through the app's own pages, then in the browser with that session.
    const staff = await staffPage(h, a.hubPractitioner);
    for (const url of [paths.personCoordinations(personId), paths.coordination(coordinationId), paths.plan(coordinationId), paths.planHistory(coordinationId), paths.planVersion(coordinationId, 1), paths.coordinationClose(coordinationId)]) {
      const res = await staff.goto(h.url(url));
      assert.equal(res?.status(), 200, url);
      await expectNoAxeViolations(staff);
    }
    // The edit form: an error summary, keeping what was typed.
    await staff.goto(h.url(paths.planEdit(coordinationId)));
    await expectNoAxeViolations(staff);
    await staff.getByLabel('What matters to me', { exact: true }).fill('');
    await staff.getByLabel('My goals', { exact: true }).fill('Run three times a week.');
    await submit(staff, 'Save the plan');
    assert.match((await staff.getByRole('alert').first().textContent()) ?? '', /There is a problem/);
    assert.equal(await staff.getByLabel('My goals', { exact: true }).inputValue(), 'Run three times a week.');
    await expectNoAxeViolations(staff);
    // Someone else saves meanwhile: this save is refused, both versions shown.
    await savePlan(h.test.platform, a.hubLead.actor, coordinationId, { ...plan, version: 1, goals: 'Run twice a week, and join the club.', actions: [] });
    await staff.getByLabel('What matters to me', { exact: true }).fill('Getting back to running.');
    await submit(staff, 'Save the plan');
    assert.match((await staff.locator('h1').textContent()) ?? '', /This plan changed since you opened it/);
    assert.equal(await staff.getByLabel('My goals', { exact: true }).inputValue(), 'Run three times a week.', 'what was typed is kept');
    await expectNoAxeViolations(staff);

    // The person, in their portal.
    const account = await createTestPersonAccount(h.test.db, h.test.clock, { personId });
    const page = await signInWithCode(h, account.email);
    await tabTo(page, page.getByRole('link', { name: /Your plan/ }));
    await pressEnterAndWait(page);
    assert.equal(pathOf(page), paths.myPlan);
    assert.match((await page.locator('main').textContent()) ?? '', /Run twice a week, and join the club\./);
    await expectNoAxeViolations(page);
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: /See all versions of this plan/ }).click()]);
    await expectNoAxeViolations(page);
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: 'Version 1', exact: true }).click()]);
    assert.match((await page.locator('main').textContent()) ?? '', /Getting back to running, and seeing my friends\./);
    await expectNoAxeViolations(page);

    // Closing, with a reason: the confirmation page.
    await staff.goto(h.url(paths.coordinationClose(coordinationId)));
    await staff.getByLabel('Why is care coordination closing?', { exact: true }).fill('Goals met; care handed back to the GP');
    await submit(staff, 'Close care coordination');
    assert.match((await staff.locator('h1').textContent()) ?? '', /Care coordination closed/);
    await expectNoAxeViolations(staff);
    h.expectOnlyAppRequests();
  });
});
