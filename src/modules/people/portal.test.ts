// The person's portal (issue 5, item 3): the person signs in with a code and sees their record, who
// has looked at it (a practitioner's view shows at once) and downloads everything held about them.
// Only the person: another person sees their own, staff and anonymous visitors see nothing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordAudit } from '../../platform/access/audit.ts';
import { newId } from '../../platform/db/ids.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { tablesAndColumns, testDialects } from '../../platform/db/testing.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestPersonAccount, signIn, signInPerson, type TestPersonAccount } from '../../testing/auth.ts';
import { frontDoorPaths } from '../front-door/index.ts';
import { breakGlass } from './break-glass.ts';
import { paths } from './paths.ts';
import { EXPORT_LEAVES_OUT } from './portal-store.ts';
import { decideDuplicateFor } from './record.ts';
import { type Alliance, aPerson, createAlliance, type Member, personWithoutRequest, personWithRequest } from './testing.ts';

const ROUTES = [paths.myRecord, paths.myAccessLog, paths.myMessages, paths.myEntries, paths.myDownload, paths.myDownloadJson, paths.myDownloadHtml];

for (const dialect of testDialects()) {
  describe(`the person's portal (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    /** The person: two records merged (the older kept), a request, a break-glass grant, an account. */
    let keptId: string;
    let mergedId: string;
    let requestId: string;
    let reference: string;
    let familyName: string;
    let account: TestPersonAccount;
    let personBrowser: Browser;
    /** Another person, with a request and an account of their own. */
    let other: { personId: string; requestId: string; familyName: string; account: TestPersonAccount; browser: Browser };
    const staff = new Map<Member, Browser>();

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
      a = await createAlliance(t);
      const details = aPerson();
      familyName = details.familyName;
      keptId = await personWithoutRequest(t, details);
      const submitted = await personWithRequest(t, details);
      mergedId = submitted.personId;
      requestId = submitted.id;
      reference = submitted.reference;
      const candidate = await t.db.read.selectFrom('person_duplicate_candidates').select(['id']).where('person_id', '=', mergedId).executeTakeFirstOrThrow();
      await decideDuplicateFor(t.platform, a.hubPractitioner.actor, mergedId, candidate.id, { same: 'yes', note: 'Same address and GP, confirmed by phone' });
      account = await createTestPersonAccount(t.db, t.clock, { personId: keptId, organisationId: a.organisationId, displayName: `Alex ${familyName}` });

      const otherDetails = aPerson({ givenName: 'Robin' });
      const otherSubmitted = await personWithRequest(t, otherDetails);
      const otherAccount = await createTestPersonAccount(t.db, t.clock, { personId: otherSubmitted.personId, organisationId: a.organisationId });
      other = { personId: otherSubmitted.personId, requestId: otherSubmitted.id, familyName: otherDetails.familyName, account: otherAccount, browser: new Browser(t.app) };

      personBrowser = new Browser(t.app);
      await signInPerson(personBrowser, t.db, account.email);
      await signInPerson(other.browser, t.db, other.account.mobile);
      for (const m of [a.hubPractitioner, a.outsider, a.commissioner]) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        staff.set(m, b);
      }
    });
    after(async () => {
      await t?.close();
    });

    describe('who may use it', () => {
      for (const url of ROUTES) {
        it(`${url}: the person, and only the person, sees their own record`, async () => {
          const mine = await personBrowser.get(url);
          assert.equal(mine.statusCode, 200);
          if (url !== paths.myDownload && url !== paths.myAccessLog && url !== paths.myMessages && url !== paths.myEntries) assert.ok(mine.body.includes(familyName), 'their own record');
          assert.ok(!mine.body.includes(other.familyName), 'nothing of another person');

          const theirs = await other.browser.get(url);
          assert.equal(theirs.statusCode, 200, 'another person sees their own');
          assert.ok(!theirs.body.includes(familyName), 'nothing of the first person');
          assert.ok(!theirs.body.includes(keptId) && !theirs.body.includes(requestId));

          for (const m of [a.hubPractitioner, a.commissioner]) {
            const res = await staff.get(m)!.get(url);
            assert.equal(res.statusCode, 404, `${m.role}: not found`);
            assert.ok(!res.body.includes(familyName));
          }
          const anonymous = await t.app.inject({ method: 'GET', url });
          assert.equal(anonymous.statusCode, 303);
          assert.equal(anonymous.headers.location, '/sign-in/my-record');
        });
      }

      it('a person account whose record is not linked sees nothing (404)', async () => {
        const unlinked = await createTestPersonAccount(t.db, t.clock, { personId: newId(), organisationId: a.organisationId });
        const b = new Browser(t.app);
        await signInPerson(b, t.db, unlinked.email);
        for (const url of ROUTES) assert.equal((await b.get(url)).statusCode, 404, url);
      });
    });

    it('the home page shows their requests in plain words, their details and preferences, and is audited', async () => {
      const res = await personBrowser.get(paths.myRecord);
      assert.match(res.body, new RegExp(`Request ${reference}`));
      assert.match(res.body, /We have your request/);
      assert.match(res.body, /After 6pm/, 'safe times');
      assert.match(res.body, /href="\/my-record\/access-log"/);
      assert.match(res.body, /href="\/my-record\/download"/);
      assert.match((await personBrowser.get('/')).body, /href="\/my-record"/, 'the home page links to it');
      const events = await t.db.read.selectFrom('audit_events').select(['person_id']).where('action', '=', 'people.portal.view').where('actor_user_id', '=', account.userId).execute();
      assert.ok(events.some((e) => e.person_id === keptId) && events.some((e) => e.person_id === mergedId), 'audited for each of their records');
    });

    it("shows a practitioner's view of the record in the access log at once: who, role, team, when and why", async () => {
      t.clock.advanceMinutes(1);
      const view = await staff.get(a.hubPractitioner)!.get(paths.person(keptId));
      assert.equal(view.statusCode, 200);
      const log = await personBrowser.get(paths.myAccessLog);
      assert.equal(log.statusCode, 200);
      const row = log.body.split('<tr').find((r) => r.includes(`Hub practitioner`) && r.includes('Looked at your record'));
      assert.ok(row, 'the view is listed');
      assert.match(row, /Practitioner/);
      assert.match(row, /Front door hub/);
      assert.match(row, /direct care/);
      assert.match(row, /datetime="2026-12-01T10:01:00.000Z"/);
      // Newest first: the log's own view comes before the practitioner's.
      assert.ok(log.body.indexOf('You looked at who has seen your record') < log.body.indexOf('Looked at your record'));
    });

    it('lists emergency access (break glass) with its reason', async () => {
      const reason = 'Called by the crisis line about an urgent concern tonight';
      await breakGlass(t.platform, a.outsider.actor, keptId, { reasonKind: 'urgent-care', reason });
      const log = await personBrowser.get(paths.myAccessLog);
      assert.match(log.body, /Emergency access to your record/);
      assert.ok(log.body.includes(reason));
      assert.match(log.body, /Not yet checked by a team lead/);
      const row = log.body.split('<tr').find((r) => r.includes('Got emergency access'));
      assert.ok(row?.includes(reason) && row.includes('Community team'), 'the grant row names the reason and team');
    });

    it('pages the access log, newest first, without repeating or skipping an entry', async () => {
      await t.db.write(async (tx) => {
        for (let i = 0; i < 60; i++) {
          await recordAudit(tx, { at: t.clock.now(), actorUserId: a.hubPractitioner.userId, actorRole: 'practitioner', actorTeamId: a.hubTeamId, action: `test.look-${i}`, entityType: 'person', entityId: keptId, personId: keptId, purpose: 'direct care', outcome: 'success' });
        }
      });
      const first = await personBrowser.get(paths.myAccessLog);
      const next = /href="\/my-record\/access-log\?before=(\d+)"/.exec(first.body)?.[1];
      assert.ok(next, 'a link to older entries');
      const second = await personBrowser.get(`${paths.myAccessLog}?before=${next}`);
      const looks = (html: string) => [...html.matchAll(/test look (\d+)/g)].map((m) => Number(m[1]));
      const shown = [...looks(first.body), ...looks(second.body)];
      assert.deepEqual(shown, [...Array(60).keys()].reverse(), 'each once, newest first');
    });

    it('lists every message we sent them, newest first: when, how, subject and text as sent, whether it was sent; nothing of another person; audited', async () => {
      t.clock.advanceMinutes(1);
      await t.db.write(async (tx) => {
        await enqueueMessage(tx, t.clock, { channel: 'email', to: account.email, kind: 'test.portal-message', personalisation: { subject: 'About your next meeting', body: 'We will meet on Tuesday at the team base.' }, personId: mergedId });
        await enqueueMessage(tx, t.clock, { channel: 'sms', to: other.account.mobile, kind: 'test.portal-message', personalisation: { body: 'A text for the other person only.' }, personId: other.personId });
      });
      const res = await personBrowser.get(paths.myMessages);
      assert.equal(res.statusCode, 200);
      const rows = res.body.split('<tr').slice(2);
      assert.ok(rows.length >= 2, 'their messages are listed');
      assert.match(rows[0]!, /Email/);
      assert.match(rows[0]!, /Subject: About your next meeting/);
      assert.match(rows[0]!, /We will meet on Tuesday at the team base\./);
      assert.match(rows[0]!, /Waiting to be sent/, 'whether it was sent, in words');
      assert.ok(rows.some((r) => r.includes(`reference ${reference}`) && r.includes('Text message')), 'the acknowledgement of their request, as sent');
      assert.ok(!res.body.includes('A text for the other person only'), "nothing of another person's messages");
      const otherReference = (await t.db.read.selectFrom('requests').select(['reference']).where('id', '=', other.requestId).executeTakeFirstOrThrow()).reference;
      assert.ok(!res.body.includes(otherReference));
      assert.ok(!/sign-in code is \d/.test(res.body), 'a sign-in code is listed without the code');
      const theirs = await other.browser.get(paths.myMessages);
      assert.ok(theirs.body.includes('A text for the other person only') && !theirs.body.includes('About your next meeting'), 'the other person sees only theirs');
      const events = await t.db.read.selectFrom('audit_events').select(['person_id', 'purpose']).where('action', '=', 'people.portal.messages').where('actor_user_id', '=', account.userId).execute();
      assert.ok(events.some((e) => e.person_id === keptId) && events.some((e) => e.person_id === mergedId), 'audited for each of their records');
      assert.ok(events.every((e) => e.purpose === 'the person seeing their own record'));
      assert.match((await personBrowser.get(paths.myRecord)).body, /href="\/my-record\/messages"/, 'linked from the home page');
    });

    it('pages the messages, 50 a page, without repeating or skipping one', async () => {
      await t.db.write(async (tx) => {
        for (let i = 0; i < 55; i++) {
          t.clock.advance(1000);
          await enqueueMessage(tx, t.clock, { channel: 'sms', to: account.mobile, kind: 'test.paging', personalisation: { body: `Paging message ${i}.` }, personId: keptId });
        }
      });
      const first = await personBrowser.get(paths.myMessages);
      assert.match(first.body, /href="\/my-record\/messages\?page=2"/, 'a link to older messages');
      const second = await personBrowser.get(`${paths.myMessages}?page=2`);
      const shown = (html: string) => [...html.matchAll(/Paging message (\d+)\./g)].map((m) => Number(m[1]));
      assert.equal(shown(first.body).length, 50);
      assert.deepEqual([...shown(first.body), ...shown(second.body)], [...Array(55).keys()].reverse(), 'each once, newest first');
      assert.match(second.body, /href="\/my-record\/messages"/, 'a link back to newer ones');
    });

    describe('their own entries', () => {
      const words = 'I have been sleeping better since I started walking in the mornings.\nPlease call after 6pm.';

      it('an empty entry gives an error summary, keeps what was typed and adds nothing', async () => {
        await personBrowser.get(paths.myEntries);
        const empty = await personBrowser.post(paths.myEntries, { body: '   ' });
        assert.equal(empty.statusCode, 400);
        assert.match(empty.body, /There is a problem/);
        assert.match(empty.body, /href="#body">\s*Enter what you want to write/);
        const bad = await personBrowser.post(paths.myEntries, { body: 'Kept words \u0007 here' });
        assert.equal(bad.statusCode, 400);
        assert.match(bad.body, /must not contain unusual characters/);
        assert.ok(bad.body.includes('Kept words'), 'what was typed is kept');
        const tooLong = await personBrowser.post(paths.myEntries, { body: 'x'.repeat(5001) });
        assert.equal(tooLong.statusCode, 400);
        assert.match(tooLong.body, /5,000 characters or fewer/);
        const rows = await t.db.read.selectFrom('person_entries').select(['id']).where('person_id', 'in', [keptId, mergedId]).execute();
        assert.equal(rows.length, 0, 'nothing kept');
      });

      it('is added on their record, shown to them, audited, and on the practitioner’s timeline; another person never sees it', async () => {
        t.clock.advanceMinutes(1);
        await personBrowser.get(paths.myEntries);
        const res = await personBrowser.post(paths.myEntries, { body: words });
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, `${paths.myEntries}?added=1`);
        const row = await t.db.read.selectFrom('person_entries').selectAll().where('person_id', 'in', [keptId, mergedId]).executeTakeFirstOrThrow();
        assert.equal(row.person_id, keptId, 'on the record kept after the merge');
        assert.equal(row.written_by, account.userId);
        assert.equal(row.body, words);
        assert.equal(row.written_at, t.clock.now().toISOString());

        const page = await personBrowser.get(`${paths.myEntries}?added=1`);
        assert.match(page.body, /Your entry has been added/);
        assert.match(page.body, /This is not for urgent help/, 'the page says no one reads it straight away…');
        assert.match(page.body, /No one reads what you write here straight away/, '…in the callout’s own words');
        assert.match(page.body, /id="crisis-help"/, 'with the crisis panel');
        assert.ok(page.body.includes('I have been sleeping better since I started walking in the mornings.'));
        assert.match((await personBrowser.get(paths.myRecord)).body, /href="\/my-record\/entries"/, 'linked from the home page');

        const audit = await t.db.read.selectFrom('audit_events').select(['person_id', 'actor_role', 'purpose', 'entity_id']).where('action', '=', 'people.portal.entry-add').where('actor_user_id', '=', account.userId).execute();
        assert.equal(audit.length, 1);
        assert.deepEqual(audit[0], { person_id: keptId, actor_role: 'person', purpose: 'the person seeing their own record', entity_id: row.id });
        const views = await t.db.read.selectFrom('audit_events').select(['person_id']).where('action', '=', 'people.portal.entries').where('actor_user_id', '=', account.userId).execute();
        assert.ok(views.some((e) => e.person_id === keptId) && views.some((e) => e.person_id === mergedId), 'each view audited for each of their records');

        const record = await staff.get(a.hubPractitioner)!.get(paths.person(keptId));
        assert.equal(record.statusCode, 200);
        assert.match(record.body, /Entry by the person/);
        assert.ok(record.body.includes('I have been sleeping better since I started walking in the mornings.'), 'the text as detail');
        // The open front door request (on the record merged into this one) says so on its own timeline (H19), without the words; the record shows the entry once.
        const events = await t.db.read.selectFrom('request_events').innerJoin('requests', 'requests.id', 'request_events.request_id').select(['request_events.detail', 'requests.person_id', 'requests.id']).where('request_events.kind', '=', 'person-entry').execute();
        assert.deepEqual(events.map((e) => ({ detail: JSON.parse(String(e.detail)) as unknown, person_id: e.person_id })), [{ detail: { entryId: row.id }, person_id: mergedId }]);
        const requestPage = await staff.get(a.hubPractitioner)!.get(frontDoorPaths.request(events[0]!.id));
        assert.match(requestPage.body, /they wrote in their own record/);
        assert.ok(!requestPage.body.includes('sleeping better'), 'not the words');
        assert.equal(record.body.split('Entry by the person').length - 1, 1, 'once on the record');
        assert.doesNotMatch(record.body, /person entry/i);

        const theirs = await other.browser.get(paths.myEntries);
        assert.equal(theirs.statusCode, 200);
        assert.ok(!theirs.body.includes('sleeping better'), 'another person never sees it');
        assert.match(theirs.body, /You have not written anything yet/);
        assert.equal((await staff.get(a.commissioner)!.get(paths.myEntries)).statusCode, 404);
      });
    });

    describe('download everything', () => {
      let exported: { tables: Record<string, Record<string, unknown>[]> };

      before(async () => {
        // The person across every table that holds rows about people (the rest came from the journey above).
        await t.db.write(async (tx) => {
          const at = t.clock.now().toISOString();
          await tx.insertInto('request_contact_attempts').values({ id: newId(), request_id: requestId, at, by_user_id: a.hubPractitioner.userId, method: 'phone', result: 'no-answer', note: 'Tried the mobile' }).execute();
          await tx.insertInto('request_breaches').values({ id: newId(), request_id: requestId, kind: 'warning', target_at: at, at, team_id: a.hubTeamId, reviewed_by: null, reviewed_at: null, review_note: null }).execute();
          await tx.insertInto('front_door_drafts').values({ id_hash: newId(), answers: '{"story":"draft"}', submitted_request_id: requestId, created_at: at, updated_at: at, expires_at: at }).execute();
          await tx.insertInto('referrals').values({ id: newId(), request_id: requestId, person_id: mergedId, service_id: newId(), referred_by: a.hubPractitioner.userId, reason: 'Peer support', status: 'sent', status_note: null, created_at: at, updated_at: at }).execute();
          // Care reviews and network meetings (care module), on a coordination of the merged record.
          const reviewCoordinationId = newId();
          await tx.insertInto('care_coordinations').values({ id: reviewCoordinationId, person_id: mergedId, team_id: a.hubTeamId, key_worker_id: null, request_id: null, status: 'open', opened_at: at, opened_by: a.hubPractitioner.userId, closed_at: null, closed_by: null, close_reason: null }).execute();
          const reviewId = newId();
          await tx.insertInto('care_reviews').values({ id: reviewId, coordination_id: reviewCoordinationId, person_id: mergedId, reviewed_at: at, entered_by: a.hubPractitioner.userId, entered_by_role: 'practitioner', team_id: a.hubTeamId, comment: 'In my words', items_version: 'mutual-1', privacy_label: 'mental-health', created_at: at }).execute();
          await tx.insertInto('care_review_ratings').values({ id: newId(), review_id: reviewId, item_key: 'mental-health', rating: 3, wants_more_help: 1 }).execute();
          const meetingId = newId();
          await tx.insertInto('care_meetings').values({ id: meetingId, coordination_id: reviewCoordinationId, person_id: mergedId, team_id: a.hubTeamId, starts_at: at, duration_minutes: 60, place: 'The team base', video_link: null, purpose: null, status: 'held', scheduled_by: a.hubPractitioner.userId, created_at: at, rescheduled_at: null, cancelled_at: null, cancelled_by: null, cancel_reason: null, attendance_recorded_at: at, attendance_recorded_by: a.hubPractitioner.userId, also_present: null, reflections: 'Said in the room', decisions: null, next_steps: null, notes_privacy_label: 'general', notes_written_by: a.hubPractitioner.userId, notes_written_at: at }).execute();
          await tx.insertInto('care_meeting_invitees').values({ id: newId(), meeting_id: meetingId, kind: 'professional', network_member_id: null, user_id: a.hubPractitioner.userId, name: 'Hub practitioner', email: 'someone@example.org', phone: null, invited_at: at, message_id: null, attendance: 'attended' }).execute();
          // Care coordination and the shared plan (care module): the care team, the plan, a version and an action, on the same coordination.
          await tx.insertInto('care_team_members').values({ id: newId(), coordination_id: reviewCoordinationId, user_id: a.hubPractitioner.userId, role: 'key worker', added_at: at, added_by: a.hubPractitioner.userId, removed_at: null, removed_by: null }).execute();
          const planId = newId();
          await tx.insertInto('care_plans').values({ id: planId, coordination_id: reviewCoordinationId, person_id: mergedId, version: 1, privacy_label: 'mental-health', review_date: '2027-03-01', created_at: at, updated_at: at }).execute();
          await tx.insertInto('care_plan_versions').values({ id: newId(), plan_id: planId, person_id: mergedId, version: 1, what_matters: 'My words', strengths: 'Mine', goals: 'Mine', if_worse: 'Call my sister', review_date: '2027-03-01', privacy_label: 'mental-health', actions: '[]', changes: '[]', note: null, saved_by: a.hubPractitioner.userId, saved_at: at }).execute();
          await tx.insertInto('care_plan_actions').values({ id: newId(), plan_id: planId, person_id: mergedId, position: 1, what: 'Call the college', who: 'Me', assignee_id: null, due_on: '2027-01-15', status: 'open', task_id: null, created_at: at, created_by: a.hubPractitioner.userId, finished_at: null, finished_by: null }).execute();
          // The network (people module): a member of the merged record's network, a change of their labels, an invitation.
          const networkMemberId = newId();
          await tx.insertInto('network_members').values({ id: networkMemberId, person_id: mergedId, relationship: 'friend', relationship_detail: null, name: 'A friend', email: 'friend@example.org', phone: null, labels: '["safety-plan"]', consent_at: at, consent_recorded_by: account.userId, consent_given_by: 'person', consent_method: 'online', status: 'invited', user_id: null, added_by: account.userId, added_at: at, invited_at: at, joined_at: null, removed_by: null, removed_at: null, removed_reason: null }).execute();
          await tx.insertInto('network_label_changes').values({ id: newId(), member_id: networkMemberId, person_id: mergedId, labels_before: '[]', labels_after: '["safety-plan"]', changed_by: account.userId, changed_by_role: 'person', consent_given_by: 'person', consent_method: 'online', changed_at: at }).execute();
          await tx.insertInto('network_invites').values({ id: newId(), member_id: networkMemberId, person_id: mergedId, token_hash: newId(), email: 'friend@example.org', created_by: account.userId, created_at: at, expires_at: at, used_at: null, used_by: null, revoked_at: null }).execute();
          // Notes (care): one shared, one withheld (its text is replaced in the export), and a task about the person.
          const sharedNoteId = newId();
          const withheldNoteId = newId();
          const taskId = newId();
          const note = { person_id: mergedId, coordination_id: reviewCoordinationId, team_id: a.hubTeamId, kind: 'original' as const, seq: 1, supersedes_id: null, change_reason: null, contact: 'phone' as const, occurred_at: at, privacy_label: 'mental-health' as const, author_id: a.hubPractitioner.userId, written_at: at };
          await tx.insertInto('care_notes').values({ ...note, id: sharedNoteId, thread_id: sharedNoteId, body: 'A shared note' }).execute();
          await tx.insertInto('care_notes').values({ ...note, id: withheldNoteId, thread_id: withheldNoteId, body: 'Withheld words from a third party' }).execute();
          await tx.insertInto('tasks').values({ id: taskId, team_id: a.hubTeamId, assignee_id: null, person_id: mergedId, title: 'Confirm or release a note withheld from the person', detail: null, due_at: at, status: 'open', source: 'care', source_kind: 'note-confirmation', source_id: null, created_by: a.hubPractitioner.userId, created_at: at, finished_by: null, finished_at: null, finish_note: null }).execute();
          await tx
            .insertInto('care_note_withholdings')
            .values({ id: newId(), note_id: withheldNoteId, person_id: mergedId, team_id: a.hubTeamId, reason_kind: 'third-party', explanation: 'The lead’s explanation', person_explanation: null, withheld_by: a.hubPractitioner.userId, withheld_at: at, confirm_by: at, status: 'awaiting-confirmation', decided_by: null, decided_at: null, decision_note: null, escalated_at: null, task_id: taskId })
            .execute();
          // A crisis episode of the merged record (crisis module): its responder, its log, the follow-up after it closed, and the person's answer.
          const episodeId = newId();
          await tx.insertInto('crisis_episodes').values({ id: episodeId, reference: `CR-${newId().slice(0, 8)}`, person_id: mergedId, caller_description: null, callback_phone: null, source: 'phone', source_detail: null, request_id: null, priority: 'urgent', summary: 'Called the crisis line', first_contact_at: at, opened_at: at, opened_by: a.hubPractitioner.userId, target_at: at, warned_at: null, escalated_at: null, responded_at: at, responded_by: a.hubPractitioner.userId, team_id: a.hubTeamId, postcode_district: 'SW9', next_action: null, status: 'closed', outcome: 'resolved-at-home', outcome_note: null, closed_at: at, closed_by: a.hubPractitioner.userId, updated_at: at, version: 1 }).execute();
          await tx.insertInto('crisis_episode_responders').values({ id: newId(), episode_id: episodeId, user_id: a.hubPractitioner.userId, assigned_by: null, assigned_at: at, removed_by: null, removed_at: null }).execute();
          await tx.insertInto('crisis_episode_actions').values({ id: newId(), episode_id: episodeId, at, by_user_id: a.hubPractitioner.userId, kind: 'note', text: 'Talked it through', detail: null }).execute();
          const followUpTaskId = newId();
          await tx.insertInto('tasks').values({ id: followUpTaskId, team_id: a.hubTeamId, assignee_id: null, person_id: mergedId, title: 'Follow up within 72 hours', detail: null, due_at: at, status: 'open', source: 'crisis', source_kind: 'crisis-follow-up', source_id: null, created_by: null, created_at: at, finished_by: null, finished_at: null, finish_note: null }).execute();
          await tx.insertInto('crisis_follow_ups').values({ id: newId(), person_id: mergedId, team_id: a.hubTeamId, discharged_from: 'episode', source_id: episodeId, discharged_at: at, due_at: at, task_id: followUpTaskId, escalated_at: null, created_at: at }).execute();
          await tx.insertInto('crisis_feedback').values({ id: newId(), episode_id: episodeId, person_id: mergedId, token_hash: newId(), asked_at: at, expires_at: at, answer: 'yes', comment: 'They listened', answered_at: at }).execute();
          // A place held for the merged record (crisis module), and the place's history entry about it.
          const placeId = newId();
          const holdId = newId();
          await tx.insertInto('crisis_places').values({ id: placeId, name: 'A sanctuary', kind: 'sanctuary', unit: 'places', description: null, area: null, team_id: a.hubTeamId, organisation_id: a.organisationId, directory_service_id: null, maximum: 2, held: 1, occupied: 0, opening_hours: null, capacity_updated_at: at, updated_at: at }).execute();
          await tx.insertInto('crisis_place_holds').values({ id: holdId, place_id: placeId, person_id: mergedId, episode_id: episodeId, status: 'held', team_id: a.hubTeamId, note: 'Arriving at eight', held_by: a.hubPractitioner.userId, held_at: at, expires_at: at, admitted_by: null, admitted_at: null, discharged_by: null, discharged_at: null, discharge_note: null, released_by: null, released_at: null, release_reason: null, updated_at: at }).execute();
          await tx.insertInto('crisis_place_events').values({ id: newId(), place_id: placeId, hold_id: holdId, kind: 'hold', at, by_user_id: a.hubPractitioner.userId, team_id: a.hubTeamId, held_after: 1, occupied_after: 0, maximum_after: 2, note: null }).execute();
          // A safety plan of the merged record, with its one version (crisis module).
          const safetyPlanId = newId();
          await tx.insertInto('safety_plans').values({ id: safetyPlanId, person_id: mergedId, version: 1, created_by: a.hubPractitioner.userId, created_at: at, updated_by: a.hubPractitioner.userId, updated_at: at }).execute();
          await tx.insertInto('safety_plan_versions').values({ id: newId(), plan_id: safetyPlanId, person_id: mergedId, version: 1, content: JSON.stringify({ warningSigns: ['Not sleeping'] }), change_note: null, written_by: a.hubPractitioner.userId, written_by_role: 'practitioner', written_by_team_id: a.hubTeamId, with_person: 1, created_at: at }).execute();
          // What the person wrote in their own words (portal).
          await tx.insertInto('person_entries').values({ id: newId(), person_id: mergedId, body: 'My own words', written_at: at, written_by: account.userId }).execute();
          await tx.insertInto('person_entries').values({ id: newId(), person_id: other.personId, body: 'Other person', written_at: at, written_by: other.account.userId }).execute();
          // The other person's rows of the same kinds.
          await tx.insertInto('request_contact_attempts').values({ id: newId(), request_id: other.requestId, at, by_user_id: a.hubPractitioner.userId, method: 'phone', result: 'reached', note: 'Other person' }).execute();
          await tx.insertInto('referrals').values({ id: newId(), request_id: other.requestId, person_id: other.personId, service_id: newId(), referred_by: null, reason: 'Other', status: 'sent', status_note: null, created_at: at, updated_at: at }).execute();
        });
        const res = await personBrowser.get(paths.myDownloadJson);
        assert.equal(res.statusCode, 200);
        assert.match(String(res.headers['content-disposition']), /^attachment; filename="my-record-2026-12-01\.json"$/);
        exported = JSON.parse(res.body);
      });

      it('holds every row about the person, from every table, and none about another person', async () => {
        const ids = [keptId, mergedId];
        const requests = [requestId];
        const expect = async (table: string, rows: { id?: unknown; seq?: unknown; id_hash?: unknown }[]) => {
          const key = (r: Record<string, unknown>) => String(r.id ?? r.seq ?? r.id_hash);
          const got = new Set((exported.tables[table] ?? []).map(key));
          assert.ok(rows.length > 0, `${table}: the test seeded rows`);
          for (const r of rows) assert.ok(got.has(key(r as Record<string, unknown>)), `${table}: row ${key(r as Record<string, unknown>)} is exported`);
          assert.equal(got.size, rows.length, `${table}: only the person's rows`);
        };
        const db = t.db.read;
        await expect('people', await db.selectFrom('people').select(['id']).where('id', 'in', ids).execute());
        await expect('person_duplicate_candidates', await db.selectFrom('person_duplicate_candidates').select(['id']).where((eb) => eb.or([eb('person_id', 'in', ids), eb('candidate_id', 'in', ids)])).execute());
        await expect('person_merges', await db.selectFrom('person_merges').select(['id']).where('merged_id', 'in', ids).execute());
        await expect('break_glass_grants', await db.selectFrom('break_glass_grants').select(['id']).where('person_id', 'in', ids).execute());
        await expect('requests', await db.selectFrom('requests').select(['id']).where('person_id', 'in', ids).execute());
        await expect('request_events', await db.selectFrom('request_events').select(['id']).where('request_id', 'in', requests).execute());
        await expect('request_contact_attempts', await db.selectFrom('request_contact_attempts').select(['id']).where('request_id', 'in', requests).execute());
        await expect('request_breaches', await db.selectFrom('request_breaches').select(['id']).where('request_id', 'in', requests).execute());
        await expect('front_door_drafts', await db.selectFrom('front_door_drafts').select(['id_hash']).where('submitted_request_id', 'in', requests).execute());
        await expect('referrals', await db.selectFrom('referrals').select(['id']).where('person_id', 'in', ids).execute());
        await expect('care_notes', await db.selectFrom('care_notes').select(['id']).where('person_id', 'in', ids).execute());
        await expect('care_note_withholdings', await db.selectFrom('care_note_withholdings').select(['id']).where('person_id', 'in', ids).execute());
        await expect('tasks', await db.selectFrom('tasks').select(['id']).where('person_id', 'in', ids).execute());
        assert.ok(exported.tables.care_notes!.some((n) => n.body === 'A shared note'));
        assert.ok(!JSON.stringify(exported).includes('Withheld words from a third party') && !JSON.stringify(exported).includes('The lead’s explanation'), 'a withheld note stays withheld in the export');
        for (const table of ['network_members', 'network_label_changes', 'network_invites'] as const) await expect(table, await db.selectFrom(table).select(['id']).where('person_id', 'in', ids).execute());
        assert.ok(!JSON.stringify(exported.tables.network_invites).includes('token_hash'), "an invitation link's key is not exported");
        await expect('outbox_messages', await db.selectFrom('outbox_messages').select(['id']).where('person_id', 'in', ids).execute());
        await expect('person_entries', await db.selectFrom('person_entries').select(['id']).where('person_id', 'in', ids).execute());
        const reviews = await db.selectFrom('care_reviews').select(['id']).where('person_id', 'in', ids).execute();
        await expect('care_reviews', reviews);
        await expect('care_review_ratings', await db.selectFrom('care_review_ratings').select(['id']).where('review_id', 'in', reviews.map((r) => r.id)).execute());
        const meetings = await db.selectFrom('care_meetings').select(['id']).where('person_id', 'in', ids).execute();
        await expect('care_meetings', meetings);
        await expect('care_meeting_invitees', await db.selectFrom('care_meeting_invitees').select(['id']).where('meeting_id', 'in', meetings.map((m) => m.id)).execute());
        const coordinations = await db.selectFrom('care_coordinations').select(['id']).where('person_id', 'in', ids).execute();
        await expect('care_coordinations', coordinations);
        await expect('care_team_members', await db.selectFrom('care_team_members').select(['id']).where('coordination_id', 'in', coordinations.map((c) => c.id)).execute());
        for (const table of ['care_plans', 'care_plan_versions', 'care_plan_actions'] as const) await expect(table, await db.selectFrom(table).select(['id']).where('person_id', 'in', ids).execute());
        assert.deepEqual(new Set(exported.tables.outbox_messages!.map((m) => m.kind).filter((k) => !String(k).startsWith('test.'))), new Set(['front-door.acknowledgement', 'auth.sign-in-code']), 'the acknowledgement of their request and their sign-in codes');
        const episodes = await db.selectFrom('crisis_episodes').select(['id']).where('person_id', 'in', ids).execute();
        await expect('crisis_episodes', episodes);
        for (const table of ['crisis_episode_responders', 'crisis_episode_actions'] as const) await expect(table, await db.selectFrom(table).select(['id']).where('episode_id', 'in', episodes.map((e) => e.id)).execute());
        for (const table of ['crisis_follow_ups', 'crisis_feedback'] as const) await expect(table, await db.selectFrom(table).select(['id']).where('person_id', 'in', ids).execute());
        assert.ok(!JSON.stringify(exported.tables.crisis_feedback).includes('token_hash'), "the answer link's key is not exported");
        const placeHolds = await db.selectFrom('crisis_place_holds').select(['id']).where('person_id', 'in', ids).execute();
        await expect('crisis_place_holds', placeHolds);
        await expect('crisis_place_events', await db.selectFrom('crisis_place_events').select(['id']).where('hold_id', 'in', placeHolds.map((h) => h.id)).execute());
        await expect('users', [{ id: account.userId }]);
        // The audit trail: every event about them up to the export, the export's own event included.
        // …and what their account did: its sign-ins and codes asked for.
        const audit = await db.selectFrom('audit_events').select(['seq']).where((eb) => eb.or([eb('person_id', 'in', ids), eb('actor_user_id', '=', account.userId)])).execute();
        await expect('audit_events', audit.map((r) => ({ seq: Number(r.seq) })));
        assert.ok(exported.tables.audit_events!.some((e) => e.action === 'people.portal.export'), 'the export is audited, and holds its own event');
        assert.ok(exported.tables.audit_events!.some((e) => e.action === 'auth.sign-in' && e.actor_user_id === account.userId), 'their sign-ins');

        const text = JSON.stringify(exported);
        for (const id of [other.personId, other.requestId, other.account.userId, other.familyName]) assert.ok(!text.includes(id), `nothing of the other person (${id})`);
      });

      it('accounts for every column of every table, and every table that names a person', async () => {
        const byName = await tablesAndColumns(t.db.read);
        assert.ok(byName.has('crisis_place_events') && byName.has('people'), 'the tables are listed');
        const withPerson = [...byName].filter(([, columns]) => columns.includes('person_id')).map(([name]) => name);
        for (const table of withPerson) assert.ok(table in exported.tables, `${table} names a person: the export must include it`);
        for (const [table, rows] of Object.entries(exported.tables)) {
          const columns = byName.get(table);
          assert.ok(columns, `${table} exists`);
          const shown = new Set([...Object.keys(rows[0] ?? {}), ...Object.keys(EXPORT_LEAVES_OUT[table] ?? {})]);
          for (const c of columns) assert.ok(shown.has(c), `${table}.${c} is exported or left out with a reason`);
        }
      });

      it('is a readable HTML document too, audited like the data', async () => {
        const before = await t.db.read.selectFrom('audit_events').select(['seq']).where('action', '=', 'people.portal.export').where('person_id', '=', keptId).execute();
        const res = await personBrowser.get(paths.myDownloadHtml);
        assert.equal(res.statusCode, 200);
        assert.match(String(res.headers['content-disposition']), /attachment; filename="my-record-.*\.html"/);
        assert.match(res.body, /<html lang="en">/);
        assert.match(res.body, /<h2>Your record<\/h2>/);
        assert.match(res.body, /<h2>Times we tried to contact you<\/h2>/);
        assert.ok(res.body.includes(familyName));
        assert.ok(res.body.includes('Tried the mobile'));
        assert.match(res.body, /Hub practitioner \d+ \(/, 'who acted, by name');
        assert.ok(!res.body.includes(other.familyName));
        const afterwards = await t.db.read.selectFrom('audit_events').select(['seq']).where('action', '=', 'people.portal.export').where('person_id', '=', keptId).execute();
        assert.equal(afterwards.length, before.length + 1);
      });
    });
  });
}

for (const dialect of testDialects()) {
  describe(`inviting a person to their record online (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
      a = await createAlliance(t);
    });
    after(async () => {
      await t?.close();
    });

    it('makes an account linked to the record, emails them how to sign in, and they sign in with a code', async () => {
      const details = aPerson({ email: `alex.${newId().slice(-8)}@example.org`, phone: '07700 900 314' });
      const { personId } = await personWithRequest(t, details);
      const practitioner = new Browser(t.app);
      await signIn(practitioner, a.hubPractitioner, t.clock);
      const page = await practitioner.get(paths.portalInvite(personId));
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(details.email!));
      assert.match(page.body, /07700900314/);
      const sent = await practitioner.post(paths.portalInvite(personId), {});
      assert.equal(sent.statusCode, 303);
      const account = await t.db.read.selectFrom('users').select(['id', 'email', 'mobile', 'password_hash']).where('person_id', '=', personId).executeTakeFirstOrThrow();
      assert.deepEqual({ ...account, id: undefined }, { id: undefined, email: details.email, mobile: '07700900314', password_hash: null });
      const invitation = await t.db.read.selectFrom('outbox_messages').select(['personalisation', 'person_id']).where('kind', '=', 'people.portal-invite').where('recipient', '=', details.email!).executeTakeFirstOrThrow();
      assert.equal(invitation.person_id, personId);
      assert.match(invitation.personalisation, /\/sign-in\/my-record/);
      const events = await t.db.read.selectFrom('audit_events').select(['action']).where('person_id', '=', personId).where('actor_user_id', '=', a.hubPractitioner.userId).execute();
      assert.ok(events.some((e) => e.action === 'people.portal-invite'));
      // Asking again makes no second account; the page says they have one.
      assert.equal((await practitioner.post(paths.portalInvite(personId), {})).statusCode, 303);
      assert.equal((await t.db.read.selectFrom('users').select(['id']).where('person_id', '=', personId).execute()).length, 1);
      assert.match((await practitioner.get(paths.portalInvite(personId))).body, /has an account for their own record/);

      const person = new Browser(t.app);
      await signInPerson(person, t.db, '07700 900 314');
      const home = await person.get(paths.myRecord);
      assert.ok(home.body.includes(details.familyName));
    });

    it('refuses with an error summary when the record has no email address', async () => {
      const { personId } = await personWithRequest(t, aPerson());
      const practitioner = new Browser(t.app);
      await signIn(practitioner, a.hubLead, t.clock);
      await practitioner.get(paths.portalInvite(personId));
      const res = await practitioner.post(paths.portalInvite(personId), {});
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /There is a problem/);
      assert.match(res.body, /Add an email address to the record before inviting them/);
      assert.match(res.body, /href="#invite"/);
      assert.equal((await t.db.read.selectFrom('users').select(['id']).where('person_id', '=', personId).execute()).length, 0);
    });
  });
}
