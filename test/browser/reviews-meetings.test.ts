// Reviews and network meetings in a real browser: the person answers a review in their portal (an
// error first, their answers kept), sees the trend chart and its table, and reads a meeting's notes;
// the practitioner's reviews, meeting and scheduling pages. Every page with no axe violation and only
// the app's own requests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
// The harness (and through it the whole app) first: the care module's files import each other in a cycle through the modules' index files.
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, pathOf, pressEnterAndWait, signInWithCode, staffPage, startBrowserApp, submit, tabTo } from './browser.ts';
import { openCoordination } from '../../src/modules/care/coordination.ts';
import { recordMeeting, scheduleMeeting } from '../../src/modules/care/meetings.ts';
import { paths } from '../../src/modules/care/paths.ts';
import { allItems, recordReview } from '../../src/modules/care/reviews.ts';
import { aPerson, createAlliance, personWithRequest } from '../../src/modules/people/testing.ts';
import { createTestPersonAccount } from '../../src/testing/auth.ts';

describe('reviews and network meetings, in a browser', { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  before(async () => {
    h = await startBrowserApp();
  });
  after(async () => {
    await h?.close();
  });

  it('the person answers a review, sees the trend, and reads a meeting’s notes; the practitioner’s pages too; no axe violation', BROWSER_TEST, async () => {
    const a = await createAlliance(h.test);
    const { personId } = await personWithRequest(h.test, aPerson());
    const coordinationId = await openCoordination(h.test.platform, a.hubPractitioner.actor, personId, { teamId: a.hubTeamId, keyWorkerId: a.hubPractitioner.userId, memberIds: [] });
    const ratings = allItems().map((i, n) => ({ itemKey: i.key, rating: (n % 7) + 1, wantsMoreHelp: n % 3 === 0 }));
    await recordReview(h.test.platform, a.hubPractitioner.actor, coordinationId, { ratings, comment: 'First review', privacyLabel: 'mental-health', reviewedOn: null });
    const startsAt = new Date(h.test.clock.now().getTime() + 60_000);
    const meetingId = await scheduleMeeting(h.test.platform, a.hubPractitioner.actor, coordinationId, { startsAt, durationMinutes: 60, place: 'The team base', purpose: 'Getting started', invitePerson: 'yes', networkMemberIds: [], staffIds: [a.hubPractitioner.userId], otherEmails: [] });
    h.test.clock.advance(120_000);
    const invitees = await h.test.db.read.selectFrom('care_meeting_invitees').select(['id']).where('meeting_id', '=', meetingId).execute();
    await recordMeeting(h.test.platform, a.hubPractitioner.actor, coordinationId, meetingId, {
      version: 1,
      attendance: Object.fromEntries(invitees.map((i) => [i.id, 'attended' as const])),
      reflections: 'We listened to each other.',
      decisions: 'Meet again in a month.',
      nextSteps: undefined,
      alsoPresent: undefined,
      notesPrivacyLabel: 'mental-health',
    });

    // The person, in their portal.
    const account = await createTestPersonAccount(h.test.db, h.test.clock, { personId });
    const page = await signInWithCode(h, account.email);
    await tabTo(page, page.getByRole('link', { name: /Your reviews/ }));
    await pressEnterAndWait(page);
    assert.equal(pathOf(page), paths.myReviews);
    assert.equal(await page.getByRole('img', { name: /How satisfied you have been/ }).count(), 1, 'the chart is one named image');
    await expectNoAxeViolations(page);

    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Say how things are going' }).click()]);
    assert.equal(pathOf(page), paths.myReviewNew);
    await expectNoAxeViolations(page);
    const first = allItems()[0]!;
    await page.getByRole('group', { name: first.question }).locator('input[value="5"]').check();
    await submit(page, 'Save the review');
    assert.match((await page.getByRole('alert').first().textContent()) ?? '', /There is a problem/);
    assert.equal(await page.getByRole('group', { name: first.question }).locator('input[value="5"]').isChecked(), true, 'the answer is kept');
    await expectNoAxeViolations(page);
    for (const item of allItems()) {
      await page.getByRole('group', { name: item.question }).locator('input[value="4"]').check();
      await page.locator(`input[name="help-${item.key}"][value="no"]`).check();
    }
    await submit(page, 'Save the review');
    assert.equal(pathOf(page), paths.myReviews);
    assert.equal(await page.locator('.app-trend-chart .point').count(), 22);
    await expectNoAxeViolations(page);
    // The page a review saying the person does not feel safe returns to (H18).
    await page.goto(h.url(`${paths.myReviews}?saved=unsafe`));
    assert.match((await page.locator('main').textContent()) ?? '', /You said you do not feel safe/);
    await expectNoAxeViolations(page);

    await page.goto(h.url(paths.myMeetings));
    await expectNoAxeViolations(page);
    await page.goto(h.url(paths.myMeeting(meetingId)));
    assert.match((await page.locator('main').textContent()) ?? '', /We listened to each other\./);
    await expectNoAxeViolations(page);

    // The practitioner: signed in through the app's own pages, then in the browser with that session.
    const staff = await staffPage(h, a.hubPractitioner);
    for (const url of [paths.reviews(coordinationId), paths.reviewNew(coordinationId), paths.meetings(coordinationId), paths.meeting(coordinationId, meetingId), paths.meetingNew(coordinationId), paths.meetingRecord(coordinationId, meetingId), paths.meetingFollowUp(coordinationId, meetingId)]) {
      const res = await staff.goto(h.url(url));
      assert.equal(res?.status(), 200, url);
      await expectNoAxeViolations(staff);
    }
    await submit(staff, 'Add the follow-up');
    assert.match((await staff.getByRole('alert').first().textContent()) ?? '', /There is a problem/);
    await expectNoAxeViolations(staff);
    h.expectOnlyAppRequests();
  });
});
