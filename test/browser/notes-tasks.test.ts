// Notes, tasks and caseloads in a real browser: the practitioner writes a note (an error summary
// first), sees the person's notes, a note, the correction and addendum forms, their tasks, team tasks,
// a task, and their caseload; the lead's withheld notes, a withheld note and the team caseload; the
// person's own notes with a shared and a withheld one. Every page with no axe violation and only the
// app's own requests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
// The harness (and through it the whole app) first: the modules' index files import each other in a cycle.
import { BROWSER_TEST, type BrowserHarness, chromiumSkip, expectNoAxeViolations, pathOf, pressEnterAndWait, signInWithCode, staffPage, startBrowserApp, submit, tabTo } from './browser.ts';
import { writeNote } from '../../src/modules/care/notes.ts';
import { paths } from '../../src/modules/care/paths.ts';
import { createTask } from '../../src/modules/care/tasks.ts';
import { aPerson, createAlliance, personWithRequest } from '../../src/modules/people/testing.ts';
import { createTestPersonAccount } from '../../src/testing/auth.ts';

describe('notes, tasks and caseloads, in a browser', { skip: chromiumSkip() }, () => {
  let h: BrowserHarness;
  before(async () => {
    h = await startBrowserApp();
  });
  after(async () => {
    await h?.close();
  });

  it('the practitioner’s, the lead’s and the person’s pages: no axe violation', BROWSER_TEST, async () => {
    const a = await createAlliance(h.test);
    const { personId } = await personWithRequest(h.test, aPerson());
    const now = h.test.clock.now();
    const occurredAt = new Date(now.getTime() - 3_600_000);
    const { noteId } = await writeNote(h.test.platform, a.hubPractitioner.actor, personId, { contact: 'phone', occurredAt, body: 'Talked about the walking group.', privacyLabel: 'mental-health', visibility: 'shared' });
    await writeNote(h.test.platform, a.hubPractitioner.actor, personId, {
      contact: 'none',
      occurredAt,
      body: 'A relative told us something in confidence.',
      privacyLabel: 'mental-health',
      visibility: 'withheld',
      reasonKind: 'third-party',
      explanation: 'Contains what a relative told us in confidence.',
    });
    const taskId = await h.test.db.write((tx) =>
      createTask(tx, { teamId: a.hubTeamId, assigneeId: a.hubPractitioner.userId, personId, title: 'Call back about the group', dueAt: new Date(now.getTime() - 2 * 86_400_000), source: 'care', sourceKind: 'manual', at: now }),
    );
    const withholdingId = (await h.test.db.read.selectFrom('care_note_withholdings').select(['id']).executeTakeFirstOrThrow()).id;

    const staff = await staffPage(h, a.hubPractitioner);
    for (const url of [paths.notes(personId), paths.note(personId, noteId), paths.noteCorrect(personId, noteId), paths.noteAddendum(personId, noteId), paths.myTasks, paths.teamTasks, paths.task(taskId), paths.caseload]) {
      const res = await staff.goto(h.url(url));
      assert.equal(res?.status(), 200, url);
      await expectNoAxeViolations(staff);
    }
    // Writing a note: withheld without a reason gives an error summary, keeping what was typed.
    await staff.goto(h.url(paths.noteNew(personId)));
    await expectNoAxeViolations(staff);
    await staff.getByLabel('Phone call', { exact: true }).check();
    await staff.getByLabel('Note', { exact: true }).fill('Second call: feeling a little better.');
    await staff.getByLabel('No, withhold it', { exact: true }).check();
    await submit(staff, 'Save note');
    assert.match((await staff.getByRole('alert').first().textContent()) ?? '', /There is a problem/);
    assert.equal(await staff.getByLabel('Note', { exact: true }).inputValue(), 'Second call: feeling a little better.');
    await expectNoAxeViolations(staff);
    await staff.getByLabel('Yes, share it with the person', { exact: true }).check();
    await submit(staff, 'Save note');
    assert.match(pathOf(staff), /\/care\/people\/[^/]+\/notes\/[^/]+$/);
    await expectNoAxeViolations(staff);

    const lead = await staffPage(h, a.hubLead);
    for (const url of [paths.withheldNotes, paths.withheldNote(withholdingId), paths.teamCaseload, paths.teamTasks]) {
      const res = await lead.goto(h.url(url));
      assert.equal(res?.status(), 200, url);
      await expectNoAxeViolations(lead);
    }

    // The person, in their portal: from the home page to their notes.
    const account = await createTestPersonAccount(h.test.db, h.test.clock, { personId });
    const page = await signInWithCode(h, account.email);
    await tabTo(page, page.getByRole('link', { name: /Notes about you/ }));
    await pressEnterAndWait(page);
    assert.equal(pathOf(page), paths.myNotes);
    const text = (await page.locator('main').textContent()) ?? '';
    assert.match(text, /Talked about the walking group\./);
    assert.match(text, /A note was withheld from you/);
    assert.ok(!text.includes('in confidence'));
    await expectNoAxeViolations(page);
    h.expectOnlyAppRequests();
  });
});
