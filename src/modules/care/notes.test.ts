// Notes with visibility (issue 5, item 7): a note is shared with the person by default and shows in
// their portal; a withheld one shows them only that it was withheld, when and why; a lead confirms or
// releases it within 5 working days (a task, and a timer that escalates across weekends and bank
// holidays); corrections and addenda keep every version; every view is audited; other teams, the
// commissioner and other people see nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../platform/db/testing.ts';
import { runDueTimers } from '../../platform/jobs/timers.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestPersonAccount, createTestUser, signIn, signInPerson, type TestPersonAccount } from '../../testing/auth.ts';
import { peoplePaths } from '../people/index.ts';
import { type Alliance, aPerson, createAlliance, type Member, personWithRequest } from '../people/testing.ts';
import { confirmationDeadline, NOTE_CONFIRMATION_TIMER, onConfirmationDue } from './notes.ts';
import { paths } from './paths.ts';

describe('confirmationDeadline', () => {
  it('is 17:00 (London) on the 5th working day after the day a note is withheld', () => {
    // Wednesday 2 December 2026 → Wednesday 9 December (winter: London is UTC).
    assert.equal(confirmationDeadline(new Date('2026-12-02T15:30:00Z')).toISOString(), '2026-12-09T17:00:00.000Z');
    // Friday 18 December: Mon 21, Tue 22, Wed 23, Thu 24, then Christmas Day (Fri 25) and the Boxing Day
    // substitute (Mon 28) are bank holidays, so the 5th working day is Tuesday 29 December.
    assert.equal(confirmationDeadline(new Date('2026-12-18T10:00:00Z')).toISOString(), '2026-12-29T17:00:00.000Z');
    // A note withheld on a Saturday counts from the Monday; British Summer Time: 17:00 London is 16:00 UTC.
    assert.equal(confirmationDeadline(new Date('2027-06-05T09:00:00Z')).toISOString(), '2027-06-11T16:00:00.000Z');
  });
});

const form = (over: Record<string, string> = {}) => ({
  contact: 'phone',
  'occurredDate[day]': '18',
  'occurredDate[month]': '12',
  'occurredDate[year]': '2026',
  occurredTime: '09:15',
  body: 'Spoke on the phone. Sleeping a little better; wants to try the walking group.',
  privacyLabel: 'mental-health',
  visibility: 'shared',
  ...over,
});

for (const dialect of testDialects()) {
  describe(`notes with visibility (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    let personId: string;
    let account: TestPersonAccount;
    let person: Browser;
    const browsers = new Map<Member, Browser>();
    const as = (m: Member) => browsers.get(m)!;

    before(async () => {
      t = await buildTestApp(dialect);
      // Friday 18 December 2026, 10:00: the deadline runs over a weekend and two bank holidays.
      t.clock.set('2026-12-18T10:00:00.000Z');
      a = await createAlliance(t);
      await signInAll();
      // A person who asked the front door for help: the hub is involved with them.
      personId = (await personWithRequest(t, aPerson())).personId;
      account = await createTestPersonAccount(t.db, t.clock, { personId });
      person = new Browser(t.app);
      await signInPerson(person, t.db, account.email);
    });
    after(async () => {
      await t?.close();
    });

    /** Signs everyone in (again, after the clock moved past their sessions' lifetime). */
    async function signInAll() {
      for (const m of [a.hubPractitioner, a.hubLead, a.outsider, a.communityLead, a.commissioner, a.providerAdmin]) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        browsers.set(m, b);
      }
      if (account) {
        person = new Browser(t.app);
        await signInPerson(person, t.db, account.email);
      }
    }

    async function write(b: Browser, over: Record<string, string> = {}): Promise<string> {
      await b.get(paths.noteNew(personId));
      const res = await b.post(paths.noteNew(personId), form(over));
      assert.equal(res.statusCode, 303, res.body.slice(0, 2000));
      const noteId = /\/notes\/([^/]+)$/.exec(String(res.headers.location))?.[1];
      assert.ok(noteId);
      return noteId;
    }

    it('shares a note with the person by default: it shows in their portal, and a correction keeps the earlier version for them to see', async () => {
      const b = as(a.hubPractitioner);
      const page = await b.get(paths.noteNew(personId));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /value="shared" checked/, 'shared is the default');
      assert.match(page.body, /value="mental-health" checked/, 'the default privacy label');
      const noteId = await write(b, { body: 'First version: talked about the walking group on Tuesdays.' });
      const row = await t.db.read.selectFrom('care_notes').select(['privacy_label', 'contact', 'occurred_at', 'team_id', 'kind', 'seq']).where('id', '=', noteId).executeTakeFirstOrThrow();
      assert.deepEqual({ ...row, occurred_at: new Date(row.occurred_at).toISOString() }, { privacy_label: 'mental-health', contact: 'phone', occurred_at: '2026-12-18T09:15:00.000Z', team_id: a.hubTeamId, kind: 'original', seq: 1 });

      let mine = await person.get(paths.myNotes);
      assert.equal(mine.statusCode, 200);
      assert.ok(mine.body.includes('First version: talked about the walking group on Tuesdays.'));
      assert.ok(mine.body.includes(`Hub practitioner`), 'who wrote it');

      // Correct it: a new version; the first is kept.
      const correct = await b.get(paths.noteCorrect(personId, noteId));
      assert.equal(correct.statusCode, 200);
      const res = await b.post(paths.noteCorrect(personId, noteId), { seq: '1', body: 'Corrected: the walking group is on Thursdays.', reason: 'Wrong day of the group' });
      assert.equal(res.statusCode, 303);
      await b.get(paths.noteAddendum(personId, noteId));
      assert.equal((await b.post(paths.noteAddendum(personId, noteId), { body: 'Addendum: the group leader is expecting them.' })).statusCode, 303);
      const rows = await t.db.read.selectFrom('care_notes').select(['kind', 'seq', 'body', 'supersedes_id', 'change_reason']).where('thread_id', '=', noteId).orderBy('seq').execute();
      assert.deepEqual(rows.map((r) => [r.kind, r.seq]), [['original', 1], ['correction', 2], ['addendum', 3]]);
      assert.equal(rows[0]!.body, 'First version: talked about the walking group on Tuesdays.', 'the original is never changed');
      assert.equal(rows[1]!.supersedes_id, noteId);

      mine = await person.get(paths.myNotes);
      assert.ok(mine.body.includes('Corrected: the walking group is on Thursdays.'));
      assert.ok(mine.body.includes('Wrong day of the group'), 'why it was corrected');
      assert.ok(mine.body.includes('Earlier versions of this note') && mine.body.includes('First version: talked about the walking group on Tuesdays.'));
      assert.ok(mine.body.includes('Addendum: the group leader is expecting them.'));

      // A correction from a form opened before the addendum is refused: nothing is overwritten silently.
      const stale = await b.post(paths.noteCorrect(personId, noteId), { seq: '2', body: 'A stale correction', reason: 'Opened long ago' });
      assert.equal(stale.statusCode, 409);
      assert.match(stale.body, /This note changed after you opened it/);
      assert.equal((await t.db.read.selectFrom('care_notes').select(['id']).where('thread_id', '=', noteId).execute()).length, 3);
    });

    it('keeps what was typed and shows an error summary when a withheld note has no reason or explanation', async () => {
      const b = as(a.hubPractitioner);
      await b.get(paths.noteNew(personId));
      const res = await b.post(paths.noteNew(personId), form({ visibility: 'withheld', body: 'Something typed that must not be lost.', occurredTime: '25:00' }));
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /There is a problem/);
      assert.match(res.body, /href="#reasonKind"/);
      assert.match(res.body, /href="#explanation"/);
      assert.match(res.body, /Enter the time it happened in 24-hour format/);
      assert.ok(res.body.includes('Something typed that must not be lost.'));
    });

    describe('a withheld note', () => {
      let noteId: string;
      let withholdingId: string;
      const secret = 'Her brother said on the phone that he is worried about the debts they share.';

      before(async () => {
        noteId = await write(as(a.hubPractitioner), {
          body: secret,
          visibility: 'withheld',
          reasonKind: 'third-party',
          explanation: 'Contains what her brother told us in confidence about shared debts.',
          personExplanation: 'Ask us if you would like to talk about it.',
        });
        withholdingId = (await t.db.read.selectFrom('care_note_withholdings').select(['id']).where('note_id', '=', noteId).executeTakeFirstOrThrow()).id;
      });

      it('shows the person only that a note was withheld, when and why, never its text or the internal explanation', async () => {
        const mine = await person.get(paths.myNotes);
        assert.equal(mine.statusCode, 200);
        assert.match(mine.body, /A note was withheld from you/);
        assert.match(mine.body, /wrote a note about you on 18 December 2026 at 10:00 that you cannot see/);
        assert.match(mine.body, /It contains information about someone else\./);
        assert.ok(mine.body.includes('Ask us if you would like to talk about it.'));
        assert.match(mine.body, /A team lead is checking this decision/);
        assert.ok(!mine.body.includes(secret), 'never the text');
        assert.ok(!mine.body.includes('in confidence about shared debts'), 'never the explanation for the lead');
        // Nor in the download of everything.
        const download = await person.get(peoplePaths.myDownloadJson);
        assert.equal(download.statusCode, 200);
        assert.ok(!download.body.includes(secret) && !download.body.includes('in confidence about shared debts'));
        const data = JSON.parse(download.body) as { tables: Record<string, Record<string, unknown>[]> };
        assert.ok(data.tables.care_notes?.some((n) => n.id === noteId), 'the row is listed');
        assert.ok(data.tables.care_note_withholdings?.some((w) => w.id === withholdingId));
      });

      it('gives the team a task for its leads, due at the end of the 5th working day, and tells the leads without personal data', async () => {
        const task = await t.db.read.selectFrom('tasks').select(['team_id', 'assignee_id', 'person_id', 'due_at', 'status', 'source_kind', 'title', 'detail']).where('source_id', '=', withholdingId).executeTakeFirstOrThrow();
        assert.equal(task.source_kind, 'note-confirmation');
        assert.equal(task.team_id, a.hubTeamId);
        assert.equal(task.assignee_id, null);
        assert.equal(task.person_id, personId);
        assert.equal(new Date(task.due_at!).toISOString(), '2026-12-29T17:00:00.000Z');
        assert.ok(!`${task.title} ${task.detail}`.includes('brother'));
        const lead = await t.db.read.selectFrom('users').select(['email']).where('id', '=', a.hubLead.userId).executeTakeFirstOrThrow();
        const emails = await t.db.read.selectFrom('outbox_messages').select(['personalisation', 'person_id']).where('kind', '=', 'care.note-withheld').where('recipient', '=', lead.email).execute();
        assert.equal(emails.length, 1);
        const familyName = (await t.db.read.selectFrom('people').select(['family_name']).where('id', '=', personId).executeTakeFirstOrThrow()).family_name;
        assert.ok(!emails[0]!.personalisation.includes(familyName) && !emails[0]!.personalisation.includes('brother'));
        assert.equal(emails[0]!.person_id, null);
      });

      it('shows practitioners the note, tagged as withheld, on the record timeline', async () => {
        const record = await as(a.hubPractitioner).get(peoplePaths.person(personId));
        assert.equal(record.statusCode, 200);
        assert.ok(record.body.includes(secret));
        assert.match(record.body, /\(withheld from the person\)/);
        const list = await as(a.hubPractitioner).get(paths.notes(personId));
        assert.match(list.body, /Withheld from the person: awaiting a team lead/);
      });

      it('escalates at the deadline, not before, across the weekend and bank holidays, and only once', async () => {
        const lead = await t.db.read.selectFrom('users').select(['email']).where('id', '=', a.hubLead.userId).executeTakeFirstOrThrow();
        const overdue = () => t.db.read.selectFrom('outbox_messages').select(['personalisation']).where('kind', '=', 'care.note-withheld-overdue').where('recipient', '=', lead.email).execute();
        const timer = await t.db.read.selectFrom('timers').select(['due_at']).where('dedupe_key', '=', `${NOTE_CONFIRMATION_TIMER}:${withholdingId}`).executeTakeFirstOrThrow();
        assert.equal(new Date(timer.due_at).toISOString(), '2026-12-29T17:00:00.000Z');
        // Christmas Eve, Monday 28 December (a bank holiday): not yet due.
        for (const at of ['2026-12-24T16:00:00.000Z', '2026-12-28T17:30:00.000Z', '2026-12-29T16:59:00.000Z']) {
          t.clock.set(at);
          await runDueTimers(t.platform);
          assert.equal((await overdue()).length, 0, `nothing at ${at}`);
        }
        t.clock.set('2026-12-29T17:01:00.000Z');
        await runDueTimers(t.platform);
        const w = await t.db.read.selectFrom('care_note_withholdings').select(['escalated_at', 'status']).where('id', '=', withholdingId).executeTakeFirstOrThrow();
        assert.equal(w.status, 'awaiting-confirmation');
        assert.equal(new Date(w.escalated_at!).toISOString(), '2026-12-29T17:01:00.000Z');
        assert.equal((await overdue()).length, 1);
        assert.ok(!(await overdue())[0]!.personalisation.includes('brother'));
        const audited = await t.db.read.selectFrom('audit_events').select(['actor_role']).where('action', '=', 'care.note-withholding.escalate').where('person_id', '=', personId).execute();
        assert.equal(audited.length, 1);
        t.clock.advance(86_400_000);
        await runDueTimers(t.platform);
        assert.equal((await overdue()).length, 1, 'once');
        await signInAll();
        const list = await as(a.hubLead).get(paths.withheldNotes);
        assert.match(list.body, /Overdue: was due 29 December 2026 at 17:00/);
      });

      it('is refused to other teams and the commissioner, for the notes pages and the decision', async () => {
        for (const m of [a.outsider, a.communityLead, a.commissioner, a.providerAdmin]) {
          for (const url of [paths.notes(personId), paths.note(personId, noteId), paths.noteNew(personId), paths.noteCorrect(personId, noteId), paths.withheldNote(withholdingId)]) {
            assert.equal((await as(m).get(url)).statusCode, 404, `${m.role} ${url}`);
          }
        }
        const other = await as(a.communityLead).get(paths.withheldNotes);
        assert.equal(other.statusCode, 200);
        assert.ok(!other.body.includes(withholdingId), 'another team’s lead does not see it');
        assert.equal((await as(a.hubPractitioner).get(paths.withheldNotes)).statusCode, 404, 'a practitioner is not a lead');
        // A practitioner cannot finish the leads' task from the task page.
        const taskId = (await t.db.read.selectFrom('tasks').select(['id', 'version']).where('source_id', '=', withholdingId).executeTakeFirstOrThrow()).id;
        await as(a.hubPractitioner).get(paths.task(taskId));
        const finish = await as(a.hubPractitioner).post(paths.taskFinish(taskId), { version: '1', status: 'done', note: 'Done' });
        assert.equal(finish.statusCode, 400);
        assert.match(finish.body, /Confirm or release the withheld note to finish this task/);
        // Another person sees nothing of it.
        const otherPersonId = (await personWithRequest(t, aPerson())).personId;
        const otherAccount = await createTestPersonAccount(t.db, t.clock, { personId: otherPersonId });
        const otherPerson = new Browser(t.app);
        await signInPerson(otherPerson, t.db, otherAccount.email);
        const theirs = await otherPerson.get(paths.myNotes);
        assert.match(theirs.body, /Nobody has written a note about you yet/);
      });

      it('is confirmed by a lead (the task is done, the person sees it was checked), then released (the person sees the note); a stale decision is refused', async () => {
        const lead = as(a.hubLead);
        const page = await lead.get(paths.withheldNote(withholdingId));
        assert.equal(page.statusCode, 200);
        assert.ok(page.body.includes(secret), 'the lead reads the note to judge');
        const version = /name="version" value="(\d+)"/.exec(page.body)?.[1];
        assert.ok(version);
        const noNote = await lead.post(paths.withheldNote(withholdingId), { version, decision: 'confirm' });
        assert.equal(noNote.statusCode, 400);
        assert.match(noNote.body, /Enter the reason for your decision/);
        const res = await lead.post(paths.withheldNote(withholdingId), { version, decision: 'confirm', note: 'The brother has not agreed to share this.' });
        assert.equal(res.statusCode, 303);
        const task = await t.db.read.selectFrom('tasks').select(['status', 'finished_by']).where('source_id', '=', withholdingId).executeTakeFirstOrThrow();
        assert.deepEqual(task, { status: 'done', finished_by: a.hubLead.userId });
        let mine = await person.get(paths.myNotes);
        assert.match(mine.body, /A team lead checked and confirmed this on/);
        assert.ok(!mine.body.includes(secret));

        // The same form again (its version is now old): refused, nothing changed.
        const stale = await lead.post(paths.withheldNote(withholdingId), { version, decision: 'release', note: 'Changed my mind.' });
        assert.equal(stale.statusCode, 409);

        const fresh = await lead.get(paths.withheldNote(withholdingId));
        const now = /name="version" value="(\d+)"/.exec(fresh.body)?.[1] ?? '';
        assert.doesNotMatch(fresh.body, /value="confirm"/, 'a confirmed withholding can only be released');
        assert.equal((await lead.post(paths.withheldNote(withholdingId), { version: now, decision: 'release', note: 'The brother now agrees she may read it.' })).statusCode, 303);
        mine = await person.get(paths.myNotes);
        assert.ok(mine.body.includes(secret), 'released: the person reads it');
        assert.match(mine.body, /This note was kept from you from/);
        const actions = (await t.db.read.selectFrom('audit_events').select(['action', 'actor_user_id', 'actor_team_id']).where('person_id', '=', personId).where('entity_id', '=', withholdingId).execute()).map((e) => e.action);
        for (const action of ['care.note.withhold', 'care.note-withholding.view', 'care.note-withholding.confirm', 'care.note-withholding.release']) assert.ok(actions.includes(action), action);
      });

      it('cannot be confirmed by the lead who withheld it', async () => {
        const lead = as(a.hubLead);
        const own = await write(lead, { body: 'A note a lead withholds themself.', visibility: 'withheld', reasonKind: 'serious-harm', explanation: 'Reading this now would put her at serious risk, see the safety plan.' });
        const w = await t.db.read.selectFrom('care_note_withholdings').select(['id', 'version']).where('note_id', '=', own).executeTakeFirstOrThrow();
        const page = await lead.get(paths.withheldNote(w.id));
        assert.match(page.body, /Another team lead must confirm or release a note you withheld yourself/);
        await lead.get(paths.noteNew(personId)); // a page with a form, for the CSRF token: the decision page offers none
        const res = await lead.post(paths.withheldNote(w.id), { version: String(w.version), decision: 'confirm', note: 'Confirming my own.' });
        assert.equal(res.statusCode, 400);
        assert.equal((await t.db.read.selectFrom('care_note_withholdings').select(['status']).where('id', '=', w.id).executeTakeFirstOrThrow()).status, 'awaiting-confirmation');
      });

      it('tells the administrators when the team has no other lead to confirm it, at once and again when overdue, without personal data (H17)', async () => {
        const admin = await createTestUser(t.db, t.clock, { role: 'admin' });
        const lead = as(a.hubLead);
        const own = await write(lead, { body: 'Another note the only lead withholds.', visibility: 'withheld', reasonKind: 'serious-harm', explanation: 'Reading this now would put her at serious risk, see the safety plan.' });
        const w = await t.db.read.selectFrom('care_note_withholdings').select(['id']).where('note_id', '=', own).executeTakeFirstOrThrow();
        const sent = (kind: string) => t.db.read.selectFrom('outbox_messages').select(['recipient', 'personalisation', 'person_id']).where('kind', '=', kind).where('recipient', '=', admin.email).execute();
        const familyName = (await t.db.read.selectFrom('people').select(['family_name']).where('id', '=', personId).executeTakeFirstOrThrow()).family_name;
        const now = await sent('care.note-withheld-no-lead');
        assert.equal(now.length, 1, 'told at once');
        assert.ok(!now[0]!.personalisation.includes(familyName) && !now[0]!.personalisation.includes('serious risk'));
        assert.equal(now[0]!.person_id, null);
        await t.db.write((tx) => onConfirmationDue(t.platform, tx, { withholdingId: w.id }));
        await t.db.write((tx) => onConfirmationDue(t.platform, tx, { withholdingId: w.id }));
        assert.equal((await sent('care.note-withheld-no-lead-overdue')).length, 1, 'told again when overdue, once');
        // A note a practitioner withholds has a lead to confirm it: the administrators hear nothing of it.
        await write(as(a.hubPractitioner), { body: 'A practitioner withholds this.', visibility: 'withheld', reasonKind: 'third-party', explanation: 'Contains what a neighbour told us in confidence.' });
        assert.equal((await sent('care.note-withheld-no-lead')).length, 1);
      });
    });

    it('audits every view and change with the person id, role and team, and the person’s own views as theirs', async () => {
      const events = await t.db.read.selectFrom('audit_events').select(['action', 'actor_user_id', 'actor_role', 'actor_team_id']).where('person_id', '=', personId).execute();
      const by = (action: string) => events.filter((e) => e.action === action);
      for (const action of ['care.note.write', 'care.note.correct', 'care.note.addendum', 'care.note.view', 'care.notes.view']) {
        assert.ok(by(action).some((e) => e.actor_user_id === a.hubPractitioner.userId && e.actor_role === 'practitioner' && e.actor_team_id === a.hubTeamId), action);
      }
      assert.ok(by('care.notes.portal-view').every((e) => e.actor_user_id === account.userId && e.actor_role === 'person'));
      assert.ok(by('care.notes.portal-view').length >= 3);
    });
  });
}
