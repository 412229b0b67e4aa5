// Caseloads (issue 5, item 8): "my people" holds the people a practitioner is key worker for or in
// the care team of, and people with tasks assigned to them while their team is involved; each with
// the latest contact, the next review, open tasks and risk flags. A lead sees the whole team's. Other
// teams' people never show; every person shown is audited, once each, in one batch.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../platform/db/ids.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestUser, signIn } from '../../testing/auth.ts';
import { type Alliance, aPerson, createAlliance, type Member, personWithoutRequest, personWithRequest } from '../people/testing.ts';
import { myCaseload, registerRiskFlagSource } from './caseload.ts';
import { paths } from './paths.ts';
import { createTask } from './tasks.ts';

const DAY = 86_400_000;

for (const dialect of testDialects()) {
  describe(`caseloads (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    /** A second practitioner of the community team. */
    let colleague: Member;
    const browsers = new Map<Member, Browser>();
    const as = (m: Member) => browsers.get(m)!;
    const people: Record<string, { id: string; name: string }> = {};

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-10T10:00:00.000Z');
      a = await createAlliance(t);
      const user = await createTestUser(t.db, t.clock, { role: 'practitioner', organisationId: a.organisationId, teamId: a.communityTeamId, displayName: 'Colleague Practitioner' });
      colleague = {
        ...user,
        role: 'practitioner',
        teamId: a.communityTeamId,
        actor: { kind: 'user', userId: user.userId, displayName: 'Colleague Practitioner', memberships: [{ organisationId: a.organisationId, teamId: a.communityTeamId, role: 'practitioner' }], personId: null, sessionRef: 'test' },
      };
      for (const m of [a.outsider, a.communityLead, a.hubPractitioner, a.hubLead, colleague]) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        browsers.set(m, b);
      }
      const make = async (key: string, withRequest = false) => {
        const details = aPerson({ givenName: key });
        const id = withRequest ? (await personWithRequest(t, details)).personId : await personWithoutRequest(t, details);
        people[key] = { id, name: `${key} ${details.familyName}` };
        return id;
      };
      for (const key of ['Avery', 'Blake', 'Casey', 'Ellis']) await make(key);
      await make('Dana', true);
      await make('Frankie');
    });
    after(async () => {
      await t?.close();
    });

    /** An open coordination (as the coordination part makes them), with a care team. */
    const coordinate = (personId: string, teamId: string, keyWorkerId: string | null, careTeam: string[] = []) =>
      t.db.write(async (tx) => {
        const id = newId();
        const at = t.clock.now().toISOString();
        await tx.insertInto('care_coordinations').values({ id, person_id: personId, team_id: teamId, key_worker_id: keyWorkerId, request_id: null, status: 'open', opened_at: at, opened_by: a.communityLead.userId, closed_at: null, closed_by: null, close_reason: null }).execute();
        for (const userId of careTeam) {
          await tx.insertInto('care_team_members').values({ id: newId(), coordination_id: id, user_id: userId, role: 'peer worker', added_at: at, added_by: a.communityLead.userId, removed_at: null, removed_by: null }).execute();
        }
        return id;
      });

    const ago = (days: number) => new Date(t.clock.now().getTime() - days * DAY).toISOString();

    describe('with a small team', () => {
      before(async () => {
        // Avery: the outsider (a community practitioner) is key worker; a phone call 3 days ago; review overdue; a risk flag.
        const avery = await coordinate(people.Avery!.id, a.communityTeamId, a.outsider.userId);
        await t.db.write(async (tx) => {
          const noteId = newId();
          await tx
            .insertInto('care_notes')
            .values({ id: noteId, person_id: people.Avery!.id, coordination_id: avery, team_id: a.communityTeamId, thread_id: noteId, kind: 'original', seq: 1, supersedes_id: null, change_reason: null, contact: 'phone', occurred_at: ago(3), body: 'Phone call', privacy_label: 'mental-health', author_id: a.outsider.userId, written_at: ago(3) })
            .execute();
          const later = newId();
          await tx
            .insertInto('care_notes')
            .values({ id: later, person_id: people.Avery!.id, coordination_id: avery, team_id: a.communityTeamId, thread_id: later, kind: 'original', seq: 1, supersedes_id: null, change_reason: null, contact: 'none', occurred_at: ago(1), body: 'Spoke to the GP', privacy_label: 'mental-health', author_id: a.outsider.userId, written_at: ago(1) })
            .execute();
          await tx.insertInto('care_plans').values({ id: newId(), coordination_id: avery, person_id: people.Avery!.id, version: 1, privacy_label: 'mental-health', review_date: '2026-12-05', created_at: ago(30), updated_at: ago(30) }).execute();
        });
        // Blake: the colleague is key worker, the outsider in the care team; a network meeting held yesterday; review in 7 days.
        const blake = await coordinate(people.Blake!.id, a.communityTeamId, colleague.userId, [a.outsider.userId]);
        await t.db.write(async (tx) => {
          await tx.insertInto('care_plans').values({ id: newId(), coordination_id: blake, person_id: people.Blake!.id, version: 1, privacy_label: 'mental-health', review_date: '2026-12-17', created_at: ago(30), updated_at: ago(30) }).execute();
          await tx
            .insertInto('care_meetings')
            .values({ id: newId(), coordination_id: blake, person_id: people.Blake!.id, team_id: a.communityTeamId, starts_at: ago(1), duration_minutes: 60, place: 'The team base', video_link: null, purpose: 'Network meeting', status: 'held', scheduled_by: colleague.userId, rescheduled_at: null, cancelled_at: null, cancelled_by: null, cancel_reason: null, attendance_recorded_at: null, attendance_recorded_by: null, also_present: null, reflections: null, decisions: null, next_steps: null, notes_privacy_label: 'mental-health', notes_written_by: null, notes_written_at: null })
            .execute();
        });
        // Casey: the colleague's only. Ellis: another team (the hub) coordinates, with the outsider named (wrongly) in its care team.
        await coordinate(people.Casey!.id, a.communityTeamId, colleague.userId);
        await coordinate(people.Ellis!.id, a.hubTeamId, a.hubPractitioner.userId, [a.outsider.userId]);
        await t.db.write(async (tx) => {
          const task = { source: 'care', sourceKind: 'manual', at: t.clock.now() };
          // Two open tasks about Avery; a task about Dana (the hub is involved: an open request) and about Frankie (nobody is involved) for the hub practitioner.
          await createTask(tx, { ...task, teamId: a.communityTeamId, assigneeId: a.outsider.userId, personId: people.Avery!.id, title: 'Call Avery', dueAt: new Date(t.clock.now().getTime() + DAY) });
          await createTask(tx, { ...task, teamId: a.communityTeamId, personId: people.Avery!.id, title: 'Write to the GP' });
          await createTask(tx, { ...task, teamId: a.hubTeamId, assigneeId: a.hubPractitioner.userId, personId: people.Dana!.id, title: 'Call Dana back' });
          await createTask(tx, { ...task, teamId: a.hubTeamId, assigneeId: a.hubPractitioner.userId, personId: people.Frankie!.id, title: 'Old task about Frankie' });
        });
        registerRiskFlagSource(t.platform, {
          name: 'test-crisis',
          flagsOf: async (_db, ids) => new Map(ids.filter((id) => id === people.Avery!.id).map((id) => [id, ['Open crisis episode']])),
        });
      });

      it('shows a practitioner the people they are key worker for or in the care team of, with last contact, next review, open tasks and risk flags', async () => {
        const page = await as(a.outsider).get(paths.caseload);
        assert.equal(page.statusCode, 200);
        assert.ok(page.body.includes(people.Avery!.name) && page.body.includes(people.Blake!.name));
        assert.ok(!page.body.includes(people.Casey!.name), 'not a colleague’s person');
        assert.ok(!page.body.includes(people.Ellis!.name), 'not another team’s person, whatever its care team says');
        const rows = await myCaseload(t.platform, a.outsider.actor);
        const avery = rows.find((r) => r.personId === people.Avery!.id)!;
        const blake = rows.find((r) => r.personId === people.Blake!.id)!;
        assert.equal(rows.length, 2);
        assert.equal(avery.holds, 'Key worker');
        assert.equal(blake.holds, 'Care team');
        assert.equal(avery.lastContactText, '7 December 2026 (3 days ago)', 'the phone call, not the note without contact');
        assert.equal(blake.lastContactText, '9 December 2026 (yesterday)', 'the network meeting');
        assert.deepEqual(avery.review, { date: '2026-12-05', text: '5 December 2026: overdue by 5 days', overdue: true });
        assert.equal(blake.review.text, '17 December 2026: in 7 days');
        assert.equal(avery.openTasks, 2);
        assert.equal(blake.openTasks, 0);
        assert.deepEqual(avery.riskFlags, ['Open crisis episode']);
        assert.match(page.body, /Overdue/);
        assert.match(page.body, /5 December 2026: overdue by 5 days/);
        assert.match(page.body, /Open crisis episode/);
        assert.match(page.body, /None recorded/);
      });

      it('adds people with tasks assigned to the practitioner while their team is involved, and no others', async () => {
        const page = await as(a.hubPractitioner).get(paths.caseload);
        assert.equal(page.statusCode, 200);
        assert.ok(page.body.includes(people.Dana!.name), 'a task, and the hub is involved');
        assert.ok(page.body.includes(people.Ellis!.name), 'the hub practitioner is key worker');
        assert.ok(!page.body.includes(people.Frankie!.name), 'a task, but no team of theirs is involved');
      });

      it('audits each person shown once, with the role and team, and nothing about people not shown', async () => {
        const before = await t.db.read.selectFrom('audit_events').select(['seq']).where('action', '=', 'care.caseload.view').execute();
        await as(a.outsider).get(paths.caseload);
        const events = await t.db.read.selectFrom('audit_events').select(['person_id', 'actor_user_id', 'actor_role', 'actor_team_id', 'seq']).where('action', '=', 'care.caseload.view').execute();
        const fresh = events.filter((e) => !before.some((b) => b.seq === e.seq));
        assert.deepEqual(fresh.map((e) => e.person_id).sort(), [people.Avery!.id, people.Blake!.id].sort());
        assert.ok(fresh.every((e) => e.actor_user_id === a.outsider.userId && e.actor_role === 'practitioner' && e.actor_team_id === a.communityTeamId));
      });

      it('shows a lead the whole team’s caseload by key worker, and refuses practitioners and other teams’ leads', async () => {
        const page = await as(a.communityLead).get(paths.teamCaseload);
        assert.equal(page.statusCode, 200);
        for (const key of ['Avery', 'Blake', 'Casey']) assert.ok(page.body.includes(people[key]!.name), key);
        assert.ok(!page.body.includes(people.Ellis!.name) && !page.body.includes(people.Dana!.name));
        assert.ok(page.body.indexOf('Colleague Practitioner') > 0, 'grouped under the key worker');
        assert.equal((await as(a.outsider).get(paths.teamCaseload)).statusCode, 404);
        const hub = await as(a.hubLead).get(paths.teamCaseload);
        assert.ok(!hub.body.includes(people.Avery!.name));
        assert.ok(hub.body.includes(people.Ellis!.name) && hub.body.includes(people.Dana!.name));
        const audited = await t.db.read.selectFrom('audit_events').select(['person_id']).where('action', '=', 'care.team-caseload.view').where('actor_user_id', '=', a.communityLead.userId).execute();
        assert.equal(audited.length, 3);
      });
    });

    it('lists a caseload of 40 people, auditing each once in one batch', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'practitioner', organisationId: a.organisationId, teamId: a.communityTeamId, displayName: 'Busy Practitioner' });
      for (let i = 0; i < 40; i++) await coordinate(await personWithoutRequest(t, aPerson()), a.communityTeamId, user.userId);
      const b = new Browser(t.app);
      await signIn(b, user, t.clock);
      const page = await b.get(paths.caseload);
      assert.equal(page.statusCode, 200);
      assert.equal((page.body.match(/<tr class="nhsuk-table__row">/g) ?? []).length, 41, 'a header row and 40 people');
      const events = await t.db.read.selectFrom('audit_events').select(['person_id', 'seq']).where('action', '=', 'care.caseload.view').where('actor_user_id', '=', user.userId).orderBy('seq').execute();
      assert.equal(new Set(events.map((e) => e.person_id)).size, 40);
      assert.equal(events.length, 40);
      assert.equal(Number(events[39]!.seq) - Number(events[0]!.seq), 39, 'written together, one after another');
    });
  });
}
