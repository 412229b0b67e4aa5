// Network meetings (issue 5, item 6): a practitioner arranges a meeting and everyone invited gets a
// message through the outbox (professionals' without personal data); it can be moved or cancelled and
// everyone is told; once it has begun, who came and the notes written in the room are recorded, and
// the person reads them in their portal; follow-ups are tasks; other teams, commissioners and other
// people see nothing; every view and change is audited with the person's id.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../platform/db/testing.ts';
import { runDueTimers } from '../../platform/jobs/worker.ts';
import { DEMO } from '../../platform/seed/demo-alliance.ts';
import { seedDemoAlliance } from '../../seed.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestPersonAccount, createTestUser, signIn, signInPerson, type TestPersonAccount } from '../../testing/auth.ts';
import { peoplePaths, seed as peopleSeed } from '../people/index.ts';
import { addMember } from '../people/network.ts';
import { markJoined } from '../people/network-store.ts';
import { type Alliance, aPerson, createAlliance, type Member, personWithRequest } from '../people/testing.ts';
import { openCoordination } from './coordination.ts';
import { seed as careSeed } from './index.ts';
import { cancelMeeting, parseTime, rescheduleMeeting, scheduleMeeting } from './meetings.ts';
import { paths } from './paths.ts';
import { insertCoordination } from './plan-store.ts';
import { seedReviewsAndMeetingsDemo } from './review-meeting-seed.ts';

describe('meeting times (no database)', () => {
  it('reads 24-hour and am/pm times, and refuses what is not a time', () => {
    assert.deepEqual(parseTime('14:30'), { hour: 14, minute: 30 });
    assert.deepEqual(parseTime('9.05'), { hour: 9, minute: 5 });
    assert.deepEqual(parseTime('2pm'), { hour: 14, minute: 0 });
    assert.deepEqual(parseTime('12:15 am'), { hour: 0, minute: 15 });
    assert.deepEqual(parseTime('12pm'), { hour: 12, minute: 0 });
    for (const bad of ['24:00', '13pm', '9', 'noon', '10:60']) assert.equal(parseTime(bad), null, bad);
  });
});

for (const dialect of testDialects()) {
  describe(`network meetings (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    let personId: string;
    let familyName: string;
    let personEmail: string;
    let coordinationId: string;
    let account: TestPersonAccount;
    let personBrowser: Browser;
    let otherBrowser: Browser;
    let friend: { id: string; email: string };
    let brother: { id: string; phone: string };
    /** The meeting arranged through the form, and one to cancel. */
    let meetingId: string;
    let toCancelId: string;
    const staff = new Map<Member, Browser>();
    const as = (m: Member) => staff.get(m)!;
    const place = `Flat 3, ${Date.now() % 1000} Acre Lane, Brixton`;

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
      a = await createAlliance(t);
      const details = aPerson({ email: `alex.${process.pid}.${Date.now()}@example.net`, contactPreferences: { methods: ['email', 'phone'] } });
      familyName = details.familyName;
      personEmail = details.email!;
      personId = (await personWithRequest(t, details)).personId;
      coordinationId = await openCoordination(t.platform, a.hubPractitioner.actor, personId, { teamId: a.hubTeamId, keyWorkerId: a.hubPractitioner.userId, memberIds: [a.hubLead.userId] });
      const friendEmail = `sam.${process.pid}@example.net`;
      friend = { id: (await addMember(t.platform, a.hubPractitioner.actor, personId, { name: 'Sam Friend', relationship: 'friend', email: friendEmail, labels: ['general'], consentMethod: 'in-person' }, null)).memberId, email: friendEmail };
      brother = { id: (await addMember(t.platform, a.hubPractitioner.actor, personId, { name: 'Chris Brother', relationship: 'family', phone: '07700900123', labels: ['mental-health'], consentMethod: 'in-person' }, null)).memberId, phone: '07700900123' };
      account = await createTestPersonAccount(t.db, t.clock, { personId, organisationId: a.organisationId });
      personBrowser = new Browser(t.app);
      await signInPerson(personBrowser, t.db, account.email);
      const other = await personWithRequest(t, aPerson({ givenName: 'Robin' }));
      const otherAccount = await createTestPersonAccount(t.db, t.clock, { personId: other.personId, organisationId: a.organisationId });
      otherBrowser = new Browser(t.app);
      await signInPerson(otherBrowser, t.db, otherAccount.email);
      for (const m of [a.hubPractitioner, a.outsider, a.commissioner]) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        staff.set(m, b);
      }
    });
    after(async () => {
      await t?.close();
    });

    const auditFor = (action: string) => t.db.read.selectFrom('audit_events').select(['person_id', 'actor_user_id', 'actor_team_id']).where('action', '=', action).execute();
    const messages = (kind: string) => t.db.read.selectFrom('outbox_messages').select(['channel', 'recipient', 'personalisation', 'person_id']).where('kind', '=', kind).execute();
    const when = (day: string, time: string) => ({ 'date[day]': day, 'date[month]': '12', 'date[year]': '2026', time, durationMinutes: '60' });

    it('arranging a meeting invites the person, their network and professionals through the outbox; professionals get no personal data', async () => {
      const b = as(a.hubPractitioner);
      const form = await b.get(paths.meetingNew(coordinationId));
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /Sam Friend \(friend\)/);
      assert.match(form.body, /Chris Brother \(family\)/);
      assert.match(form.body, /By text message/);
      const res = await b.post(paths.meetingNew(coordinationId), {
        ...when('1', '10:20'),
        place,
        purpose: 'Talk about the move',
        invitePerson: 'yes',
        networkMemberIds: [friend.id, brother.id],
        staffIds: [a.hubLead.userId],
        otherEmails: 'gp.surgery@example.nhs.uk',
      });
      assert.equal(res.statusCode, 303);
      meetingId = String(res.headers.location).split('/').pop()!;
      assert.equal(res.headers.location, paths.meeting(coordinationId, meetingId));
      const m = await t.db.read.selectFrom('care_meetings').select(['person_id', 'team_id', 'starts_at', 'status', 'place']).where('id', '=', meetingId).executeTakeFirstOrThrow();
      assert.deepEqual(m, { person_id: personId, team_id: a.hubTeamId, starts_at: '2026-12-01T10:20:00.000Z', status: 'scheduled', place });
      const invitees = await t.db.read.selectFrom('care_meeting_invitees').select(['kind', 'name', 'message_id']).where('meeting_id', '=', meetingId).execute();
      assert.equal(invitees.length, 5);
      assert.ok(invitees.every((i) => i.message_id), 'each invitee was sent a message');

      const sent = await messages('care.meeting.invite');
      const to = (r: string) => sent.find((s) => s.recipient === r);
      const own = to(personEmail);
      assert.equal(own?.channel, 'email');
      assert.equal(own?.person_id, personId, 'the person’s own message names them, for their export');
      assert.ok(own!.personalisation.includes('1 December 2026 at 10:20') && own!.personalisation.includes('Acre Lane'));
      assert.equal(to(friend.email)?.channel, 'email');
      assert.ok(to(friend.email)!.personalisation.includes('Acre Lane'), 'the network is told where');
      assert.equal(to(brother.phone)?.channel, 'sms');
      for (const professional of [to(a.hubLead.email), to('gp.surgery@example.nhs.uk')]) {
        assert.ok(professional, 'professionals are invited');
        assert.equal(professional.person_id, null);
        assert.ok(!professional.personalisation.includes(familyName) && !professional.personalisation.includes('Alex'), 'no name');
        assert.ok(!professional.personalisation.includes('Acre Lane'), 'no place: it may be the person’s home');
        assert.ok(professional.personalisation.includes('1 December 2026 at 10:20'));
      }
      assert.ok(to(a.hubLead.email)!.personalisation.includes(paths.meeting(coordinationId, meetingId)), 'staff get a link');
      assert.deepEqual(await auditFor('care.meeting.schedule'), [{ person_id: personId, actor_user_id: a.hubPractitioner.userId, actor_team_id: a.hubTeamId }]);

      const page = await b.get(paths.meeting(coordinationId, meetingId));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Talk about the move/);
      assert.equal((page.body.match(/>Sent</g) ?? []).length, 5);
      assert.ok((await auditFor('care.meeting.view')).some((e) => e.person_id === personId));
    });

    it('refuses a meeting in the past or with no place or video link, with an error summary keeping what was typed', async () => {
      const b = as(a.hubPractitioner);
      await b.get(paths.meetingNew(coordinationId));
      const before = (await t.db.read.selectFrom('care_meetings').select(['id']).execute()).length;
      const res = await b.post(paths.meetingNew(coordinationId), { ...when('30', '09:00'), 'date[month]': '11', purpose: 'Kept purpose', invitePerson: 'yes', networkMemberIds: [friend.id], videoLink: 'not a link' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /There is a problem/);
      assert.match(res.body, /The meeting must be in the future/);
      assert.match(res.body, /Enter the video link as a full web address starting https:\/\//);
      assert.ok(res.body.includes('Kept purpose'));
      assert.match(res.body, new RegExp(`value="${friend.id}"[^>]*checked`), 'the network member stays ticked');
      const noPlace = await b.post(paths.meetingNew(coordinationId), { ...when('2', '10:00'), invitePerson: 'no' });
      assert.match(noPlace.body, /Enter a place, a video link, or both/);
      assert.equal((await t.db.read.selectFrom('care_meetings').select(['id']).execute()).length, before);
    });

    it('moving a meeting tells everyone invited; a form opened before another change saves nothing', async () => {
      const b = as(a.hubPractitioner);
      const form = await b.get(paths.meetingReschedule(coordinationId, meetingId));
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /name="time"[^>]*value="10:20"/);
      const res = await b.post(paths.meetingReschedule(coordinationId, meetingId), { ...when('1', '10:25'), place, version: '1' });
      assert.equal(res.statusCode, 303);
      const m = await t.db.read.selectFrom('care_meetings').select(['starts_at', 'rescheduled_at']).where('id', '=', meetingId).executeTakeFirstOrThrow();
      assert.equal(m.starts_at, '2026-12-01T10:25:00.000Z');
      assert.ok(m.rescheduled_at);
      const moved = await messages('care.meeting.reschedule');
      assert.equal(moved.length, 5);
      assert.ok(moved.find((x) => x.recipient === personEmail)!.personalisation.includes('10:25'));
      await b.get(paths.meetingReschedule(coordinationId, meetingId));
      const stale = await b.post(paths.meetingReschedule(coordinationId, meetingId), { ...when('1', '10:40'), place, version: '1' });
      assert.equal(stale.statusCode, 409);
      assert.ok((await auditFor('care.meeting.reschedule')).some((e) => e.person_id === personId));
    });

    it('records who came and the notes only once the meeting has begun; the meeting is then held', async () => {
      const b = as(a.hubPractitioner);
      const invitees = await t.db.read.selectFrom('care_meeting_invitees').select(['id', 'kind', 'name']).where('meeting_id', '=', meetingId).execute();
      const attendance = Object.fromEntries(invitees.map((i) => [`attendance-${i.id}`, i.name === 'Chris Brother' ? 'apologies' : 'attended']));
      const notes = { ...attendance, version: '2', reflections: 'Alex said the new flat feels safer.', decisions: 'Keep weekly visits for a month.', nextSteps: 'Sam will help with the move.', notesPrivacyLabel: 'general' };
      await b.get(paths.meetingRecord(coordinationId, meetingId));
      assert.equal((await b.post(paths.meetingRecord(coordinationId, meetingId), notes)).statusCode, 409, 'not begun yet');

      t.clock.advanceMinutes(26);
      const form = await b.get(paths.meetingRecord(coordinationId, meetingId));
      assert.equal(form.statusCode, 200);
      const missing = await b.post(paths.meetingRecord(coordinationId, meetingId), { ...notes, [`attendance-${invitees[0]!.id}`]: '', reflections: '', decisions: '', nextSteps: '' });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /Select whether they came/);
      assert.match(missing.body, /Write the notes of the meeting/);
      const res = await b.post(paths.meetingRecord(coordinationId, meetingId), notes);
      assert.equal(res.statusCode, 303);
      const m = await t.db.read.selectFrom('care_meetings').select(['status', 'reflections', 'notes_privacy_label', 'notes_written_by']).where('id', '=', meetingId).executeTakeFirstOrThrow();
      assert.deepEqual(m, { status: 'held', reflections: 'Alex said the new flat feels safer.', notes_privacy_label: 'general', notes_written_by: a.hubPractitioner.userId });
      const came = await t.db.read.selectFrom('care_meeting_invitees').select(['name', 'attendance']).where('meeting_id', '=', meetingId).execute();
      assert.equal(came.find((c) => c.name === 'Chris Brother')?.attendance, 'apologies');
      assert.equal(came.filter((c) => c.attendance === 'attended').length, 4);
      const page = await b.get(paths.meeting(coordinationId, meetingId));
      assert.match(page.body, /Keep weekly visits for a month\./);
      assert.match(page.body, /Sent apologies/);
      assert.ok((await auditFor('care.meeting.record')).some((e) => e.person_id === personId && e.actor_user_id === a.hubPractitioner.userId));
    });

    it('adds follow-up tasks from the meeting for the team or one of its staff', async () => {
      const b = as(a.hubPractitioner);
      await b.get(paths.meetingFollowUp(coordinationId, meetingId));
      const bad = await b.post(paths.meetingFollowUp(coordinationId, meetingId), { title: '', 'due[day]': '31', 'due[month]': '2', 'due[year]': '2027' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /Enter what needs to be done/);
      assert.match(bad.body, /The date it is due must be a real date/);
      const res = await b.post(paths.meetingFollowUp(coordinationId, meetingId), { title: 'Book the removal van', assigneeId: a.hubPractitioner.userId, 'due[day]': '8', 'due[month]': '12', 'due[year]': '2026' });
      assert.equal(res.statusCode, 303);
      assert.equal((await b.post(paths.meetingFollowUp(coordinationId, meetingId), { title: 'Ask housing about the deposit', assigneeId: '' })).statusCode, 303);
      const tasks = await t.db.read.selectFrom('tasks').select(['title', 'team_id', 'assignee_id', 'person_id', 'source', 'source_kind', 'due_at', 'status']).where('source_id', '=', meetingId).orderBy('created_at').orderBy('title').execute();
      assert.equal(tasks.length, 2);
      assert.deepEqual(tasks.find((x) => x.title === 'Book the removal van'), {
        title: 'Book the removal van',
        team_id: a.hubTeamId,
        assignee_id: a.hubPractitioner.userId,
        person_id: personId,
        source: 'care',
        source_kind: 'meeting-follow-up',
        due_at: '2026-12-08T23:59:59.000Z',
        status: 'open',
      });
      assert.equal(tasks.find((x) => x.title === 'Ask housing about the deposit')?.assignee_id, null, 'the whole team’s');
      const page = await b.get(paths.meeting(coordinationId, meetingId));
      assert.match(page.body, /Book the removal van/);
      assert.ok((await auditFor('care.meeting.follow-up.add')).some((e) => e.person_id === personId));
    });

    it('the person sees the meeting, who came and the notes in their portal, by default; another person cannot', async () => {
      const list = await personBrowser.get(paths.myMeetings);
      assert.equal(list.statusCode, 200);
      assert.ok(list.body.includes(paths.myMeeting(meetingId)));
      const page = await personBrowser.get(paths.myMeeting(meetingId));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Alex said the new flat feels safer\./);
      assert.match(page.body, /Keep weekly visits for a month\./);
      assert.match(page.body, /Sam will help with the move\./);
      assert.match(page.body, /Sent apologies/);
      assert.match(page.body, /Book the removal van/);
      assert.ok((await auditFor('care.portal.meeting.view')).some((e) => e.person_id === personId && e.actor_user_id === account.userId));
      assert.ok((await auditFor('care.portal.meetings.view')).some((e) => e.person_id === personId));
      assert.equal((await otherBrowser.get(paths.myMeeting(meetingId))).statusCode, 404);
      const theirs = await otherBrowser.get(paths.myMeetings);
      assert.equal(theirs.statusCode, 200);
      assert.ok(!theirs.body.includes(meetingId));
    });

    it('a network member sees when and where with "general", and the notes only with the notes’ label', async () => {
      const samUser = await createTestUser(t.db, t.clock, { role: 'network-member', organisationId: a.organisationId });
      await t.db.write((tx) => markJoined(tx, t.clock.now(), friend.id, samUser.userId));
      const sam = new Browser(t.app);
      await signIn(sam, samUser, t.clock);
      const general = await sam.get(paths.sharedMeetings(personId, 'general'));
      assert.equal(general.statusCode, 200);
      assert.match(general.body, /Acre Lane/);
      assert.match(general.body, /Alex said the new flat feels safer\./, 'the notes are labelled general');
      for (const label of ['mental-health', 'safety-plan', 'nonsense']) assert.equal((await sam.get(paths.sharedMeetings(personId, label))).statusCode, 404, label);
      assert.ok((await auditFor('care.meetings.network.view')).some((e) => e.person_id === personId && e.actor_user_id === samUser.userId));
      await t.db.write((tx) => tx.updateTable('care_meetings').set({ notes_privacy_label: 'mental-health' }).where('id', '=', meetingId).execute());
      const after = await sam.get(paths.sharedMeetings(personId, 'general'));
      assert.match(after.body, /Acre Lane/, 'still when and where');
      assert.doesNotMatch(after.body, /Alex said the new flat feels safer/, 'not notes with a label Sam does not have');
      assert.equal((await as(a.hubPractitioner).get(paths.sharedMeetings(personId, 'general'))).statusCode, 404, 'staff are not network members');
      await t.db.write((tx) => tx.updateTable('care_meetings').set({ notes_privacy_label: 'general' }).where('id', '=', meetingId).execute());
    });

    it('cancelling a meeting needs a reason and tells everyone invited; the person sees why', async () => {
      const b = as(a.hubPractitioner);
      await b.get(paths.meetingNew(coordinationId));
      const res = await b.post(paths.meetingNew(coordinationId), { ...when('15', '14:00'), videoLink: 'https://video.example.nhs.uk/room/42', invitePerson: 'yes', networkMemberIds: [friend.id] });
      assert.equal(res.statusCode, 303);
      toCancelId = String(res.headers.location).split('/').pop()!;
      await b.get(paths.meetingCancel(coordinationId, toCancelId));
      const noReason = await b.post(paths.meetingCancel(coordinationId, toCancelId), { version: '1', reason: '' });
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /Enter why the meeting is cancelled/);
      assert.equal((await b.post(paths.meetingCancel(coordinationId, toCancelId), { version: '1', reason: 'Alex asked to wait until after the move' })).statusCode, 303);
      assert.equal((await t.db.read.selectFrom('care_meetings').select(['status']).where('id', '=', toCancelId).executeTakeFirstOrThrow()).status, 'cancelled');
      const told = await messages('care.meeting.cancel');
      assert.deepEqual(told.map((x) => x.recipient).sort(), [friend.email, personEmail].sort());
      const page = await personBrowser.get(paths.myMeeting(toCancelId));
      assert.match(page.body, /Cancelled/);
      assert.match(page.body, /Alex asked to wait until after the move/);
      await b.get(paths.meetingCancel(coordinationId, meetingId));
      assert.equal((await b.post(paths.meetingCancel(coordinationId, meetingId), { version: '3', reason: 'Too late' })).statusCode, 409, 'a held meeting cannot be cancelled');
    });

    it('shows meetings on the person record’s timeline', async () => {
      const page = await as(a.hubPractitioner).get(peoplePaths.person(personId));
      assert.match(page.body, /Network meeting held on 1 December 2026 at 10:25/);
      assert.match(page.body, /Network meeting on 15 December 2026 at 14:00 cancelled/);
    });

    it('another team, a commissioner and the person (outside their portal) get 404 on every meeting page and change', async () => {
      const urls = [
        paths.meetings(coordinationId),
        paths.meetingNew(coordinationId),
        paths.meeting(coordinationId, meetingId),
        paths.meetingReschedule(coordinationId, toCancelId),
        paths.meetingCancel(coordinationId, toCancelId),
        paths.meetingRecord(coordinationId, meetingId),
        paths.meetingFollowUp(coordinationId, meetingId),
      ];
      const before = (await t.db.read.selectFrom('care_meetings').select(['id']).execute()).length;
      for (const m of [a.outsider, a.commissioner]) {
        for (const url of urls) {
          const res = await as(m).get(url);
          assert.equal(res.statusCode, 404, `${m.role} GET ${url}`);
          assert.ok(!res.body.includes(familyName));
          if (url === paths.meetings(coordinationId) || url === paths.meeting(coordinationId, meetingId)) continue;
          await as(m).get('/sign-out'); // a page with a form: its CSRF token
          const post = await as(m).post(url, { ...when('20', '10:00'), place: 'Anywhere', invitePerson: 'no', title: 'x', version: '1', reason: 'x' });
          assert.equal(post.statusCode, 404, `${m.role} POST ${url}`);
        }
      }
      for (const url of urls) assert.equal((await personBrowser.get(url)).statusCode, 404, `the person: ${url}`);
      assert.equal((await as(a.hubPractitioner).get(paths.myMeetings)).statusCode, 404, 'staff have no portal');
      assert.equal((await t.db.read.selectFrom('care_meetings').select(['id']).execute()).length, before);
      // A meeting of this coordination asked for through another coordination's address is not found either.
      const otherPerson = (await personWithRequest(t, aPerson())).personId;
      const otherCoordination = await openCoordination(t.platform, a.hubPractitioner.actor, otherPerson, { teamId: a.hubTeamId, keyWorkerId: a.hubPractitioner.userId, memberIds: [] });
      assert.equal((await as(a.hubPractitioner).get(paths.meeting(otherCoordination, meetingId))).statusCode, 404);
    });

    // Last: it moves the clock by days, past the browsers' sessions.
    it('reminds everyone invited the day before; a moved meeting is reminded at its new time, a cancelled one never', async () => {
      const actor = a.hubPractitioner.actor;
      const schedule = (startsAt: string) =>
        scheduleMeeting(t.platform, actor, coordinationId, { startsAt: new Date(startsAt), durationMinutes: 60, place: 'The team base', purpose: undefined, invitePerson: 'yes', networkMemberIds: [friend.id], staffIds: [], otherEmails: [] });
      const kept = await schedule('2026-12-20T10:00:00.000Z');
      const moved = await schedule('2026-12-21T10:00:00.000Z');
      const dropped = await schedule('2026-12-22T10:00:00.000Z');
      await rescheduleMeeting(t.platform, actor, coordinationId, moved, { startsAt: new Date('2026-12-28T10:00:00.000Z'), durationMinutes: 60, place: 'The team base', videoLink: undefined, version: 1 });
      await cancelMeeting(t.platform, actor, coordinationId, dropped, { reason: 'Not needed', version: 1 });
      const reminders = async () => (await messages('care.meeting.remind')).map((m) => m.recipient).sort();
      t.clock.set('2026-12-19T09:59:00.000Z');
      await runDueTimers(t.platform);
      assert.deepEqual(await reminders(), [], 'not yet');
      t.clock.set('2026-12-23T12:00:00.000Z');
      await runDueTimers(t.platform);
      assert.deepEqual(await reminders(), [friend.email, personEmail].sort(), 'the kept meeting only: the moved one is not due yet, the cancelled one never');
      const sent = await messages('care.meeting.remind');
      assert.ok(sent.every((m) => m.personalisation.includes('20 December 2026 at 10:00')));
      t.clock.set('2026-12-27T12:00:00.000Z');
      await runDueTimers(t.platform);
      const all = await messages('care.meeting.remind');
      assert.equal(all.length, 4, 'the moved meeting at its new time');
      assert.equal(all.filter((m) => m.personalisation.includes('28 December 2026 at 10:00')).length, 2);
      assert.ok(kept);
    });
  });
}

for (const dialect of testDialects()) {
  describe(`the reviews and meetings demo (${dialect.name})`, { skip: dialect.skip }, () => {
    it('gives Jordan three reviews with a trend, a meeting held with notes and one coming with invitations, once', async (t) => {
      const app = await buildTestApp(dialect);
      t.after(() => app.close());
      await seedDemoAlliance(app.platform, () => {}, [peopleSeed]);
      const jordan = (await app.db.read.selectFrom('users').select(['person_id']).where('id', '=', DEMO.users.person).executeTakeFirstOrThrow()).person_id!;
      assert.equal(await seedReviewsAndMeetingsDemo(app.platform, DEMO), undefined, 'nothing without a coordination');
      await app.db.write((tx) => insertCoordination(tx, { personId: jordan, teamId: DEMO.teams.communityNorth, keyWorkerId: DEMO.users.careCoordinator, requestId: null, by: DEMO.users.careCoordinator, at: app.clock.now() }));
      assert.ok(await seedReviewsAndMeetingsDemo(app.platform, DEMO));
      assert.equal(await seedReviewsAndMeetingsDemo(app.platform, DEMO), undefined, 'once');
      const b = new Browser(app.app);
      await signInPerson(b, app.db, DEMO.emails.person);
      const reviews = await b.get(paths.myReviews);
      assert.equal(reviews.statusCode, 200);
      assert.equal((reviews.body.match(/<g class="point"/g) ?? []).length, 33, 'three reviews of eleven items in the chart');
      const meetings = await b.get(paths.myMeetings);
      assert.match(meetings.body, /Planned/);
      assert.match(meetings.body, /Held/);
      const invitations = await app.db.read.selectFrom('outbox_messages').select(['recipient']).where('kind', '=', 'care.meeting.invite').execute();
      assert.ok(invitations.some((m) => m.recipient === DEMO.emails.person));
      assert.ok(invitations.some((m) => m.recipient === DEMO.emails.networkMember), 'Chris, Jordan’s brother');
      const home = await b.get('/my-record');
      assert.match(home.body, /href="\/my-record\/reviews"/);
      assert.match(home.body, /href="\/my-record\/meetings"/);
    });

    it('runs after the plans part in the whole care demo, on the coordination it opens', async (t) => {
      const app = await buildTestApp(dialect);
      t.after(() => app.close());
      await seedDemoAlliance(app.platform, () => {}, [peopleSeed, careSeed]);
      const jordan = (await app.db.read.selectFrom('users').select(['person_id']).where('id', '=', DEMO.users.person).executeTakeFirstOrThrow()).person_id!;
      assert.equal((await app.db.read.selectFrom('care_reviews').select(['id']).where('person_id', '=', jordan).execute()).length, 3);
      const meetings = await app.db.read.selectFrom('care_meetings').select(['status', 'team_id']).where('person_id', '=', jordan).orderBy('starts_at').execute();
      assert.deepEqual(
        meetings.map((m) => [m.status, m.team_id]),
        [
          ['held', DEMO.teams.communityNorth],
          ['scheduled', DEMO.teams.communityNorth],
        ],
      );
    });
  });
}
