// Care coordination and the shared plan (issue 5, item 4, and "Bad input and faults"): opening from a
// front door decision (in its unit of work) and from the person record; who may see and change it;
// versions that are never overwritten and the "this plan changed since you opened it" page; actions
// as tasks; the review reminder on a durable timer; forms that keep what was typed; the person's own
// view; closing. On both engines, through the real app.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Role } from '../../platform/access/policy.ts';
import { createTeam } from '../../platform/auth/accounts.ts';
import { newId } from '../../platform/db/ids.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { runDueTimers } from '../../platform/jobs/timers.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestPersonAccount, createTestUser, signIn, signInPerson } from '../../testing/auth.ts';
import { frontDoorPaths } from '../front-door/index.ts';
import { closeArranged, decide } from '../front-door/queue.ts';
import { peoplePaths } from '../people/index.ts';
import { type Alliance, aPerson, createAlliance, type Member, personWithRequest } from '../people/testing.ts';
import { paths } from './paths.ts';
import { reminderAt, savePlan } from './plan.ts';
import { finishTask } from './tasks.ts';
import { parsePlanForm } from './plan-schemas.ts';

for (const dialect of testDialects()) {
  describe(`care coordination and the shared plan (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    /** A practitioner of a third team, never involved with anyone here. */
    let stranger: Member;
    /** A second practitioner of the community team. */
    let colleague: Member;
    const browsers = new Map<Member, Browser>();
    const as = (m: Member) => browsers.get(m)!;

    async function member(role: Role, teamId: string, label: string): Promise<Member> {
      const user = await createTestUser(t.db, t.clock, { role, organisationId: a.organisationId, teamId, displayName: label });
      return { ...user, role, teamId, actor: { kind: 'user', userId: user.userId, displayName: label, memberships: [{ organisationId: a.organisationId, teamId, role }], personId: null, sessionRef: `test-${user.userId}` } };
    }

    before(async () => {
      t = await buildTestApp(dialect);
      // A Tuesday.
      t.clock.set('2026-12-01T10:00:00.000Z');
      a = await createAlliance(t);
      const otherTeamId = await t.db.write((tx) => createTeam(tx, t.clock.now(), { organisationId: a.organisationId, name: 'Another team', kind: 'community', openingHours: null }));
      stranger = await member('practitioner', otherTeamId, 'Stranger Practitioner');
      colleague = await member('practitioner', a.communityTeamId, 'Colleague Practitioner');
      for (const m of [a.hubPractitioner, a.outsider, a.communityLead, stranger, colleague, a.providerAdmin, a.commissioner]) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        browsers.set(m, b);
      }
    });
    after(async () => {
      await t?.close();
    });

    const auditFor = (personId: string) => t.db.read.selectFrom('audit_events').select(['action', 'actor_user_id', 'actor_team_id', 'actor_role', 'purpose', 'outcome']).where('person_id', '=', personId).orderBy('seq').execute();
    const coordinationOf = (personId: string) => t.db.read.selectFrom('care_coordinations').selectAll().where('person_id', '=', personId).executeTakeFirstOrThrow();

    /** A person the front door decided the community team should coordinate care for. */
    async function decidedForCommunity() {
      const request = await personWithRequest(t, aPerson());
      await decide(t.platform, a.hubPractitioner.actor, request.id, { kind: 'care-coordination', teamId: a.communityTeamId, reason: 'Needs ongoing support from the community team' });
      const c = await coordinationOf(request.personId);
      return { request, personId: request.personId, coordinationId: c.id };
    }

    /** The error summary of a page, for assertion messages. */
    const summaryOf = (html: string) => [...html.matchAll(/<li>\s*<a href="#[^"]+">\s*([^<]+?)\s*<\/a>/g)].map((m) => m[1]).join('; ') || html.slice(0, 500);

    /** The plan form's fields, with overrides. */
    function planForm(version: number, overrides: Record<string, string> = {}): Record<string, string> {
      return {
        version: String(version),
        whatMatters: 'Seeing my daughter at weekends and getting back to college.',
        strengths: 'I am good with people and my sister helps me.',
        goals: 'Sleep better and go to two classes a week.',
        ifWorse: 'Call my sister first, then the team on 0300 000 0000, or 111 option 2 out of hours.',
        'reviewDate[day]': '15',
        'reviewDate[month]': '3',
        'reviewDate[year]': '2027',
        privacyLabel: 'mental-health',
        note: '',
        ...overrides,
      };
    }

    /** Writes the first version of the plan as the community practitioner (the key worker named first). */
    async function writtenPlan(extra: Record<string, string> = {}) {
      const d = await decidedForCommunity();
      const b = as(a.outsider);
      await b.get(paths.coordination(d.coordinationId));
      const named = await b.post(paths.keyWorker(d.coordinationId), { version: '1', keyWorkerId: a.outsider.userId });
      assert.equal(named.statusCode, 303);
      await b.get(paths.planEdit(d.coordinationId));
      const saved = await b.post(paths.planEdit(d.coordinationId), planForm(0, extra));
      assert.equal(saved.statusCode, 303, summaryOf(saved.body));
      assert.equal(saved.headers.location, paths.plan(d.coordinationId));
      return d;
    }

    it('opens coordination from a front door decision in the same unit of work, with a task to name a key worker, and makes the team involved', async () => {
      const request = await personWithRequest(t, aPerson());
      // Before: the community team is not involved.
      assert.equal((await as(a.outsider).get(peoplePaths.person(request.personId))).statusCode, 404);
      // A decision naming a team that does not exist changes nothing at all (one unit of work).
      await assert.rejects(decide(t.platform, a.hubPractitioner.actor, request.id, { kind: 'care-coordination', teamId: '00000000-0000-7000-8000-000000000000', reason: 'Wrong team' }));
      assert.equal((await t.db.read.selectFrom('care_coordinations').select('id').where('person_id', '=', request.personId).execute()).length, 0);
      assert.equal((await t.db.read.selectFrom('requests').select('decision').where('id', '=', request.id).executeTakeFirstOrThrow()).decision, null);

      await decide(t.platform, a.hubPractitioner.actor, request.id, { kind: 'care-coordination', teamId: a.communityTeamId, reason: 'Needs ongoing support from the community team' });
      const c = await coordinationOf(request.personId);
      assert.equal(c.team_id, a.communityTeamId);
      assert.equal(c.request_id, request.id);
      assert.equal(c.status, 'open');
      assert.equal(c.key_worker_id, null);
      assert.equal(c.opened_by, a.hubPractitioner.userId);
      const plan = await t.db.read.selectFrom('care_plans').select(['version', 'privacy_label']).where('coordination_id', '=', c.id).executeTakeFirstOrThrow();
      assert.deepEqual(plan, { version: 0, privacy_label: 'mental-health' });
      const decision = await t.db.read.selectFrom('requests').select(['decision', 'decision_detail', 'status']).where('id', '=', request.id).executeTakeFirstOrThrow();
      assert.equal(decision.status, 'arranging');
      assert.equal(JSON.parse(decision.decision_detail!).coordinationId, c.id);
      const tasks = await t.db.read.selectFrom('tasks').select(['team_id', 'assignee_id', 'status', 'source_kind']).where('source_id', '=', c.id).execute();
      assert.deepEqual(tasks, [{ team_id: a.communityTeamId, assignee_id: null, status: 'open', source_kind: 'coordination-allocation' }]);

      // The community team is now involved: its practitioners see the person, and why.
      const record = await as(a.outsider).get(peoplePaths.person(request.personId));
      assert.equal(record.statusCode, 200);
      assert.match(record.body, /Care coordination by Community team/);
      const page = await as(a.outsider).get(paths.coordination(c.id));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Not named yet/);
      assert.match(page.body, /from a front door decision/);

      // Naming the key worker finishes the team's task and puts them in the care team.
      const named = await as(a.outsider).post(paths.keyWorker(c.id), { version: '1', keyWorkerId: colleague.userId });
      assert.equal(named.statusCode, 303);
      assert.equal((await coordinationOf(request.personId)).key_worker_id, colleague.userId);
      assert.equal((await t.db.read.selectFrom('tasks').select('status').where('source_id', '=', c.id).executeTakeFirstOrThrow()).status, 'done');
      const team = await t.db.read.selectFrom('care_team_members').select(['user_id', 'role']).where('coordination_id', '=', c.id).where('removed_at', 'is', null).execute();
      assert.deepEqual(team, [{ user_id: colleague.userId, role: 'key worker' }]);
      // The same page with a stale version is refused: nothing overwritten.
      const stale = await as(a.outsider).post(paths.keyWorker(c.id), { version: '1', keyWorkerId: a.outsider.userId });
      assert.equal(stale.statusCode, 409);
      assert.equal((await coordinationOf(request.personId)).key_worker_id, colleague.userId);

      const audit = await auditFor(request.personId);
      assert.ok(audit.some((e) => e.action === 'care.coordination.open' && e.actor_user_id === a.hubPractitioner.userId));
      assert.ok(audit.some((e) => e.action === 'care.coordination.view' && e.actor_user_id === a.outsider.userId && e.actor_team_id === a.communityTeamId && e.purpose === 'direct care'));
      assert.ok(audit.some((e) => e.action === 'care.coordination.key-worker.change'));

      // A second decision for the same team keeps the one open coordination.
      const again = await personWithRequest(t, aPerson());
      await decide(t.platform, a.hubPractitioner.actor, again.id, { kind: 'care-coordination', teamId: a.communityTeamId, reason: 'First' });
      const first = await coordinationOf(again.personId);
      assert.equal((await t.db.read.selectFrom('care_coordinations').select('id').where('person_id', '=', again.personId).execute()).length, 1);
      assert.equal(first.status, 'open');
    });

    it('offers the teams on the front door request page, and a decision made there opens the coordination', async () => {
      const request = await personWithRequest(t, aPerson());
      const b = as(a.hubPractitioner);
      const page = await b.get(frontDoorPaths.request(request.id));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(`<option value="${a.communityTeamId}">Community team`));
      assert.doesNotMatch(page.body, new RegExp(`<option value="${a.hubTeamId}">`), 'the front door hub itself is not offered');
      const missing = await b.post(`${frontDoorPaths.request(request.id)}/decision`, { decision: 'care-coordination', teamId: '', reason: 'Ongoing support' });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /<a href="#teamId">\s*Select the team to coordinate care/);
      const decided = await b.post(`${frontDoorPaths.request(request.id)}/decision`, { decision: 'care-coordination', teamId: a.communityTeamId, reason: 'Ongoing support' });
      assert.equal(decided.statusCode, 303);
      const c = await coordinationOf(request.personId);
      assert.deepEqual([c.team_id, c.request_id, c.status], [a.communityTeamId, request.id, 'open']);
    });

    it('opens coordination directly from the person record: key worker and care team named, a form that keeps what was typed, and one open coordination a team', async () => {
      // The hub is involved through the open request, so its practitioner may open coordination by the hub.
      const request = await personWithRequest(t, aPerson());
      const b = as(a.hubPractitioner);
      const list = await b.get(paths.personCoordinations(request.personId));
      assert.equal(list.statusCode, 200);
      assert.match(list.body, /Open care coordination/);
      const form = await b.get(paths.coordinationNew(request.personId));
      assert.equal(form.statusCode, 200);
      const missing = await b.post(paths.coordinationNew(request.personId), { teamId: a.hubTeamId, keyWorkerId: '', memberIds: [a.hubLead.userId] });
      assert.equal(missing.statusCode, 400);
      assert.match(missing.body, /There is a problem/);
      assert.match(missing.body, /<a href="#keyWorkerId">\s*Choose a key worker\s*<\/a>/);
      assert.match(missing.body, new RegExp(`value="${a.hubLead.userId}" checked`), 'the care team ticked is kept');
      const notStaff = await b.post(paths.coordinationNew(request.personId), { teamId: a.hubTeamId, keyWorkerId: a.outsider.userId });
      assert.equal(notStaff.statusCode, 400);
      assert.match(notStaff.body, /Choose a key worker from the team/);

      const opened = await b.post(paths.coordinationNew(request.personId), { teamId: a.hubTeamId, keyWorkerId: a.hubPractitioner.userId, memberIds: [a.hubLead.userId] });
      assert.equal(opened.statusCode, 303);
      const c = await coordinationOf(request.personId);
      assert.equal(opened.headers.location, paths.coordination(c.id));
      assert.deepEqual([c.team_id, c.key_worker_id, c.request_id, c.opened_by], [a.hubTeamId, a.hubPractitioner.userId, null, a.hubPractitioner.userId]);
      const team = await t.db.read.selectFrom('care_team_members').select(['user_id', 'role']).where('coordination_id', '=', c.id).orderBy('role', 'desc').execute();
      assert.deepEqual(team, [
        { user_id: a.hubPractitioner.userId, role: 'key worker' },
        { user_id: a.hubLead.userId, role: 'care team member' },
      ]);
      // Add and remove a care team member, with a role in words.
      await b.get(paths.coordination(c.id));
      const noRole = await b.post(paths.careTeam(c.id), { userId: a.hubLead.userId, role: '' });
      assert.equal(noRole.statusCode, 400);
      assert.match(noRole.body, /Enter their role in the care team/);
      const leadRow = await t.db.read.selectFrom('care_team_members').select('id').where('coordination_id', '=', c.id).where('user_id', '=', a.hubLead.userId).executeTakeFirstOrThrow();
      assert.equal((await b.post(paths.careTeamRemove(c.id, leadRow.id), {})).statusCode, 303);
      assert.equal((await b.post(paths.careTeam(c.id), { userId: a.hubLead.userId, role: 'Psychiatrist' })).statusCode, 303);
      const now = await t.db.read.selectFrom('care_team_members').select(['user_id', 'role', 'removed_at']).where('coordination_id', '=', c.id).where('user_id', '=', a.hubLead.userId).execute();
      assert.equal(now.length, 2);
      assert.equal(now.find((r) => r.removed_at)?.role, 'care team member', 'the removed membership is kept with its end');
      assert.equal(now.find((r) => !r.removed_at)?.role, 'Psychiatrist');

      // A second coordination by the same team is refused; the team is no longer offered.
      const twice = await b.post(paths.coordinationNew(request.personId), { teamId: a.hubTeamId, keyWorkerId: a.hubPractitioner.userId });
      assert.equal(twice.statusCode, 400);
      assert.equal((await t.db.read.selectFrom('care_coordinations').select('id').where('person_id', '=', request.personId).execute()).length, 1);

      // The coordination keeps the hub involved after the request closes.
      await closeArranged(t.platform, a.hubPractitioner.actor, request.id, 'Care coordination opened by the hub');
      assert.equal((await b.get(peoplePaths.person(request.personId))).statusCode, 200);

      // Someone whose team is not involved cannot open one (the same 404 as no such person).
      assert.equal((await as(stranger).get(paths.coordinationNew(request.personId))).statusCode, 404);
      await as(stranger).get('/sign-out');
      assert.equal((await as(stranger).post(paths.coordinationNew(request.personId), { teamId: stranger.teamId!, keyWorkerId: stranger.userId })).statusCode, 404);
      assert.ok((await auditFor(request.personId)).some((e) => e.action === 'care.coordination.open' && e.actor_team_id === a.hubTeamId));
    });

    it('lets the coordinating team see and change it, another involved team only see it, and nobody else (the same 404 as nothing there)', async () => {
      const d = await writtenPlan();
      const reads = [paths.coordination(d.coordinationId), paths.plan(d.coordinationId), paths.planHistory(d.coordinationId), paths.planVersion(d.coordinationId, 1), paths.personCoordinations(d.personId)];
      for (const url of reads) {
        assert.equal((await as(a.outsider).get(url)).statusCode, 200, `own team: ${url}`);
        assert.equal((await as(a.communityLead).get(url)).statusCode, 200, `own team lead: ${url}`);
        // The hub is involved through the open request: it may read the plan.
        assert.equal((await as(a.hubPractitioner).get(url)).statusCode, 200, `involved other team: ${url}`);
        for (const m of [stranger, a.providerAdmin, a.commissioner]) assert.equal((await as(m).get(url)).statusCode, 404, `${m.role} of another team: ${url}`);
      }
      // Changing: only the coordinating team.
      assert.equal((await as(a.outsider).get(paths.planEdit(d.coordinationId))).statusCode, 200);
      for (const m of [a.hubPractitioner, stranger, a.providerAdmin, a.commissioner]) {
        assert.equal((await as(m).get(paths.planEdit(d.coordinationId))).statusCode, 404, `${m.role}: edit`);
        assert.equal((await as(m).get(paths.coordinationClose(d.coordinationId))).statusCode, 404, `${m.role}: close`);
        const b = as(m);
        // A page with a form first, so each post carries a good CSRF token: the 404 is the route's, not the token's.
        await b.get('/sign-out');
        assert.equal((await b.post(paths.planEdit(d.coordinationId), planForm(1, { goals: 'Overwritten by someone else' }))).statusCode, 404, `${m.role}: save`);
        await b.get('/sign-out');
        assert.equal((await b.post(paths.keyWorker(d.coordinationId), { version: '2', keyWorkerId: m.userId })).statusCode, 404, `${m.role}: key worker`);
      }
      const v = await t.db.read.selectFrom('care_plans').select('version').where('coordination_id', '=', d.coordinationId).executeTakeFirstOrThrow();
      assert.equal(v.version, 1, 'nothing saved by those refused');
      // A refused look at an existing coordination is audited as denied for the person.
      assert.ok((await auditFor(d.personId)).some((e) => e.action === 'care.coordination.view' && e.actor_user_id === stranger.userId && e.outcome === 'denied'));
      // Once the request closes, the hub is no longer involved.
      await closeArranged(t.platform, a.hubPractitioner.actor, d.request.id, 'Handed to the community team');
      assert.equal((await as(a.hubPractitioner).get(paths.plan(d.coordinationId))).statusCode, 404);
      // An address that names nothing is the same 404.
      assert.equal((await as(a.outsider).get(paths.coordination('00000000-0000-7000-8000-000000000000'))).statusCode, 404);
      assert.equal((await as(a.outsider).get(paths.planVersion(d.coordinationId, 99))).statusCode, 404);
    });

    it('keeps every version, and refuses a save against an older version with both versions shown and nothing lost', async () => {
      const d = await writtenPlan();
      const first = as(a.outsider);
      const second = as(colleague);
      // Both open the plan at version 1.
      const formA = await first.get(paths.planEdit(d.coordinationId));
      const formB = await second.get(paths.planEdit(d.coordinationId));
      assert.match(formA.body, /name="version" value="1"/);
      assert.match(formB.body, /name="version" value="1"/);
      const savedA = await first.post(paths.planEdit(d.coordinationId), planForm(1, { goals: 'Sleep better, go to two classes a week, and see my daughter.', note: 'Added seeing my daughter' }));
      assert.equal(savedA.statusCode, 303);
      // The second save names version 1, but the plan is at 2: refused, both shown, nothing overwritten.
      const typed = 'Sleep through the night most nights by the spring.';
      const refused = await second.post(paths.planEdit(d.coordinationId), planForm(1, { goals: typed }));
      assert.equal(refused.statusCode, 409);
      assert.match(refused.body, /This plan changed since you opened it/);
      assert.match(refused.body, /Your changes have not been saved/);
      assert.match(refused.body, /Sleep better, go to two classes a week, and see my daughter\./, 'theirs, as saved');
      assert.match(refused.body, new RegExp(typed), 'yours, as typed, kept in the form');
      assert.match(refused.body, /name="version" value="2"/, 'the form now carries the version saved since');
      const rows = await t.db.read.selectFrom('care_plan_versions').select(['care_plan_versions.version', 'goals', 'saved_by']).innerJoin('care_plans', 'care_plans.id', 'care_plan_versions.plan_id').where('care_plans.coordination_id', '=', d.coordinationId).orderBy('care_plan_versions.version').execute();
      assert.deepEqual(
        rows.map((r) => [r.version, r.goals]),
        [
          [1, 'Sleep better and go to two classes a week.'],
          [2, 'Sleep better, go to two classes a week, and see my daughter.'],
        ],
      );
      // Saving again from the conflict page, deliberately: version 3.
      const again = await second.post(paths.planEdit(d.coordinationId), planForm(2, { goals: typed }));
      assert.equal(again.statusCode, 303);

      // History lists every version with who and what changed; a version shows its changes from the one before.
      const history = await first.get(paths.planHistory(d.coordinationId));
      assert.equal(history.statusCode, 200);
      for (const n of [1, 2, 3]) assert.match(history.body, new RegExp(`Version ${n}<`));
      assert.match(history.body, /Colleague Practitioner/);
      assert.match(history.body, /Added seeing my daughter/);
      const v2 = await first.get(paths.planVersion(d.coordinationId, 2));
      assert.equal(v2.statusCode, 200);
      assert.match(v2.body, /What changed from version 1/);
      assert.match(v2.body, /<li>My goals<\/li>/);
      assert.match(v2.body, /What it said in version 1/);
      assert.match(v2.body, /Sleep better and go to two classes a week\./, 'the text before the change');
      assert.match(v2.body, /see version 3/);
      // Saving with nothing changed makes no version.
      await first.get(paths.planEdit(d.coordinationId));
      const same = await first.post(paths.planEdit(d.coordinationId), planForm(3, { goals: typed }));
      assert.equal(same.statusCode, 400);
      assert.match(same.body, /Nothing has changed/);
      const audit = await auditFor(d.personId);
      assert.equal(audit.filter((e) => e.action === 'care.plan.save').length, 3);
      assert.ok(audit.some((e) => e.action === 'care.plan.version.view'));
      // The timeline of the record lists the versions.
      const record = await first.get(peoplePaths.person(d.personId));
      assert.match(record.body, /Shared plan written/);
      assert.match(record.body, /Shared plan changed \(version 3\)/);
    });

    it('makes each action a task, keeps the task in step with the action, and finishes it when the action is marked done', async () => {
      const d = await writtenPlan({
        'actions[0][id]': '',
        'actions[0][what]': 'Call the college about a part-time course',
        'actions[0][who]': 'Jordan, with the key worker',
        'actions[0][assignee]': colleague.userId,
        'actions[0][due][day]': '18',
        'actions[0][due][month]': '12',
        'actions[0][due][year]': '2026',
        'actions[1][id]': '',
        'actions[1][what]': 'Ask the GP about a sleep review',
        'actions[1][who]': 'Key worker',
        'actions[1][assignee]': '',
        'actions[1][due][day]': '11',
        'actions[1][due][month]': '12',
        'actions[1][due][year]': '2026',
        'actions[2][id]': '',
        'actions[2][what]': '',
        'actions[2][who]': '',
      });
      const actions = await t.db.read.selectFrom('care_plan_actions').selectAll('care_plan_actions').innerJoin('care_plans', 'care_plans.id', 'care_plan_actions.plan_id').where('care_plans.coordination_id', '=', d.coordinationId).orderBy('position').execute();
      assert.equal(actions.length, 2, 'the blank row is not an action');
      const tasks = await t.db.read.selectFrom('tasks').selectAll().where('source', '=', 'care').where('source_kind', '=', 'plan-action').where('person_id', '=', d.personId).orderBy('due_at').execute();
      assert.equal(tasks.length, 2);
      const [gp, college] = tasks;
      assert.equal(gp!.assignee_id, a.outsider.userId, 'no one chosen: the key worker');
      assert.equal(college!.assignee_id, colleague.userId);
      assert.equal(gp!.team_id, a.communityTeamId);
      assert.equal(new Date(gp!.due_at!).toISOString(), '2026-12-11T17:00:00.000Z', 'due at the end of the working day, London time');
      assert.equal(gp!.status, 'open');

      // The edit form shows the open actions as rows; changing one changes its task; removing one cancels it.
      const b = as(a.outsider);
      const form = await b.get(paths.planEdit(d.coordinationId));
      assert.match(form.body, /Call the college about a part-time course/);
      const gpAction = actions.find((x) => x.what.startsWith('Ask the GP'))!;
      const collegeAction = actions.find((x) => x.what.startsWith('Call the college'))!;
      const changed = await b.post(
        paths.planEdit(d.coordinationId),
        planForm(1, {
          'actions[0][id]': collegeAction.id,
          'actions[0][what]': 'Call the college about a part-time course',
          'actions[0][who]': 'Jordan, with the key worker',
          'actions[0][assignee]': colleague.userId,
          'actions[0][due][day]': '8',
          'actions[0][due][month]': '1',
          'actions[0][due][year]': '2027',
          'actions[1][id]': gpAction.id,
          'actions[1][what]': 'Ask the GP about a sleep review',
          'actions[1][who]': 'Key worker',
          'actions[1][remove]': 'yes',
        }),
      );
      assert.equal(changed.statusCode, 303, summaryOf(changed.body));
      const after1 = await t.db.read.selectFrom('tasks').select(['id', 'status', 'due_at', 'finish_note']).where('id', 'in', [gp!.id, college!.id]).execute();
      const byId = new Map(after1.map((x) => [x.id, x]));
      assert.equal(byId.get(gp!.id)!.status, 'cancelled');
      assert.equal(new Date(byId.get(college!.id)!.due_at!).toISOString(), '2027-01-08T17:00:00.000Z');

      // Marked done on the plan: the task is done, and a new version says so.
      await b.get(paths.plan(d.coordinationId));
      const done = await b.post(paths.planActionDone(d.coordinationId, collegeAction.id), {});
      assert.equal(done.statusCode, 303);
      assert.equal((await t.db.read.selectFrom('tasks').select('status').where('id', '=', college!.id).executeTakeFirstOrThrow()).status, 'done');
      const latest = await t.db.read.selectFrom('care_plan_versions').select(['version', 'note', 'changes', 'actions']).where('plan_id', '=', collegeAction.plan_id).orderBy('version', 'desc').executeTakeFirstOrThrow();
      assert.equal(latest.version, 3);
      assert.equal(latest.note, 'Action done: Call the college about a part-time course');
      assert.deepEqual(JSON.parse(latest.changes), ['Actions']);
      assert.deepEqual(
        JSON.parse(latest.actions).map((x: { what: string; status: string }) => [x.what, x.status]),
        [['Call the college about a part-time course', 'done']],
      );
      assert.equal((await b.post(paths.planActionDone(d.coordinationId, collegeAction.id), {})).statusCode, 409, 'done once');
      const page = await b.get(paths.plan(d.coordinationId));
      assert.match(page.body, /Done/);

      // An action whose task is finished from the task list shows as done, and the next save records it.
      await b.get(paths.planEdit(d.coordinationId));
      const added = await b.post(paths.planEdit(d.coordinationId), planForm(3, { 'actions[0][id]': '', 'actions[0][what]': 'Book a benefits appointment', 'actions[0][who]': 'Jordan', 'actions[0][due][day]': '5', 'actions[0][due][month]': '1', 'actions[0][due][year]': '2027' }));
      assert.equal(added.statusCode, 303, summaryOf(added.body));
      const benefits = await t.db.read.selectFrom('care_plan_actions').select(['id', 'task_id']).where('what', '=', 'Book a benefits appointment').where('plan_id', '=', collegeAction.plan_id).executeTakeFirstOrThrow();
      await t.db.write((tx) => finishTask(tx, { taskId: benefits.task_id!, status: 'done', by: colleague.userId, at: t.clock.now(), note: 'Booked' }));
      const shown = await b.get(paths.plan(d.coordinationId));
      assert.doesNotMatch(shown.body, /Mark as done<span class="nhsuk-u-visually-hidden">: Book a benefits appointment/);
      await b.get(paths.planEdit(d.coordinationId));
      assert.equal((await b.post(paths.planEdit(d.coordinationId), planForm(4, { note: 'Booked the appointment', goals: 'Sleep better; sort out my benefits.' }))).statusCode, 303);
      const row = await t.db.read.selectFrom('care_plan_actions').select(['status', 'finished_by']).where('id', '=', benefits.id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'done', finished_by: colleague.userId });

      // An action whose task is cancelled from the task list is not left looking in hand (H16): the plan
      // says nobody is following it up, who cancelled the task and why, until the action is dealt with.
      await b.get(paths.planEdit(d.coordinationId));
      assert.equal((await b.post(paths.planEdit(d.coordinationId), planForm(5, { 'actions[0][id]': '', 'actions[0][what]': 'Find a walking group', 'actions[0][who]': 'Jordan', 'actions[0][assignee]': colleague.userId, 'actions[0][due][day]': '9', 'actions[0][due][month]': '1', 'actions[0][due][year]': '2027' }))).statusCode, 303);
      const walking = await t.db.read.selectFrom('care_plan_actions').select(['id', 'task_id']).where('what', '=', 'Find a walking group').where('plan_id', '=', collegeAction.plan_id).executeTakeFirstOrThrow();
      const untouched = await b.get(paths.plan(d.coordinationId));
      assert.doesNotMatch(untouched.body, /Nobody following up/);
      // The colleague it was given to cancels it from the task list: the key worker gets a task about it.
      await as(colleague).get(paths.task(walking.task_id!));
      const cancelled = await as(colleague).post(paths.taskFinish(walking.task_id!), { version: '1', status: 'cancelled', note: 'The group has closed for the winter' });
      assert.equal(cancelled.statusCode, 303);
      const told = await t.db.read.selectFrom('tasks').select(['assignee_id', 'title', 'detail', 'status', 'team_id', 'person_id']).where('source_kind', '=', 'plan-action-orphaned').where('source_id', '=', walking.id).execute();
      assert.equal(told.length, 1);
      assert.deepEqual({ ...told[0]!, detail: undefined }, { assignee_id: a.outsider.userId, title: 'A plan action has nobody following it up', detail: undefined, status: 'open', team_id: a.communityTeamId, person_id: d.personId });
      assert.match(told[0]!.detail ?? '', /“Find a walking group” \(due 9 January 2027\): its task was cancelled by Colleague Practitioner: “The group has closed for the winter”\./);
      const flagged = (await b.get(paths.plan(d.coordinationId))).body;
      assert.match(flagged, /nhsuk-tag--orange">\s*Nobody following up/);
      assert.match(flagged, /Its task was cancelled by [^<]+ on \d{1,2} \w+ \d{4}: “The group has closed for the winter”\. Change the action, remove it from the plan, or mark it done\./);
      assert.equal((await b.post(paths.planActionDone(d.coordinationId, walking.id), {})).statusCode, 303);
      assert.doesNotMatch((await b.get(paths.plan(d.coordinationId))).body, /Nobody following up/, 'dealt with: done');
    });

    it('reminds the key worker of the review on a durable timer: a task due on the review date and an email with no personal data', async () => {
      const d = await writtenPlan({ 'reviewDate[day]': '11', 'reviewDate[month]': '1', 'reviewDate[year]': '2027' });
      const plan = await t.db.read.selectFrom('care_plans').selectAll().where('coordination_id', '=', d.coordinationId).executeTakeFirstOrThrow();
      assert.equal(plan.review_date, '2027-01-11');
      // Three working days before Monday 11 January 2027 is Wednesday 6 January, at 09:00.
      assert.equal(reminderAt('2027-01-11', t.clock.now()).toISOString(), '2027-01-06T09:00:00.000Z');
      const reviewTasks = () => t.db.read.selectFrom('tasks').selectAll().where('source_kind', '=', 'plan-review').where('source_id', '=', plan.id).execute();
      const emails = () => t.db.read.selectFrom('outbox_messages').selectAll().where('kind', '=', 'care.plan.review-reminder').where('recipient', '=', a.outsider.email.toLowerCase()).where('dedupe_key', 'like', `%${plan.id}%`).execute();
      const saved = t.clock.now();
      try {
        t.clock.set('2027-01-06T08:59:00.000Z');
        await runDueTimers(t.platform);
        assert.equal((await reviewTasks()).length, 0, 'not before its time');
        t.clock.set('2027-01-06T09:01:00.000Z');
        await runDueTimers(t.platform);
        const tasks = await reviewTasks();
        assert.equal(tasks.length, 1);
        assert.equal(tasks[0]!.assignee_id, a.outsider.userId);
        assert.equal(new Date(tasks[0]!.due_at!).toISOString(), '2027-01-11T17:00:00.000Z');
        const sent = await emails();
        assert.equal(sent.length, 1);
        const person = await t.db.read.selectFrom('people').select(['given_name', 'family_name', 'date_of_birth']).where('id', '=', d.personId).executeTakeFirstOrThrow();
        const body = sent[0]!.personalisation;
        assert.match(body, /11 January 2027/);
        for (const personal of [person.family_name, person.date_of_birth, 'Seeing my daughter']) assert.ok(!body.includes(personal), `no personal data in the email: ${personal}`);
        assert.equal(sent[0]!.person_id, null);
        // Reviewing the plan with a new date finishes the review task and moves the reminder. (A domain call: the
        // browsers' sessions stay at the suite's time, and an authenticator code never works at an earlier time again.)
        const form = parsePlanForm(planForm(1, { 'reviewDate[day]': '12', 'reviewDate[month]': '4', 'reviewDate[year]': '2027', note: 'Reviewed together' }), '2027-01-06');
        assert.ok(form.ok);
        await savePlan(t.platform, a.outsider.actor, d.coordinationId, form.data);
        assert.equal((await reviewTasks())[0]!.status, 'done');
        const pending = await t.db.read.selectFrom('timers').select(['due_at', 'status']).where('kind', '=', 'care.plan.review-reminder').where('dedupe_key', 'like', `%${plan.id}%`).where('status', '=', 'pending').execute();
        assert.deepEqual(
          pending.map((p) => new Date(p.due_at).toISOString()),
          ['2027-04-07T08:00:00.000Z'],
          '3 working days before 12 April 2027 (Easter Monday 29 March is long past), 09:00 London summer time',
        );
        // A reminder whose date moved does nothing: set one for an old date and run it.
        t.clock.set('2027-04-07T08:01:00.000Z');
        await runDueTimers(t.platform);
        assert.equal((await reviewTasks()).filter((x) => x.status === 'open').length, 1);
        assert.equal((await emails()).length, 2);
      } finally {
        t.clock.set(saved.toISOString());
      }
    });

    it('keeps what was typed in the plan form, with an error summary in page order and a message by each field', async () => {
      const d = await decidedForCommunity();
      const b = as(a.outsider);
      await b.get(paths.planEdit(d.coordinationId));
      const res = await b.post(
        paths.planEdit(d.coordinationId),
        planForm(0, {
          whatMatters: '',
          goals: 'My goals typed in my words',
          'actions[0][id]': '',
          'actions[0][what]': 'Half an action',
          'actions[0][who]': '',
          'actions[0][due][day]': '31',
          'actions[0][due][month]': '2',
          'actions[0][due][year]': '2027',
          'reviewDate[day]': '1',
          'reviewDate[month]': '1',
          'reviewDate[year]': '2020',
          privacyLabel: 'everyone',
        }),
      );
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /There is a problem/);
      const summary = [...res.body.matchAll(/<li>\s*<a href="#([^"]+)">/g)].map((m) => m[1]);
      assert.deepEqual(summary, ['whatMatters', 'actions-0-who', 'actions-0-due', 'reviewDate', 'privacyLabel']);
      assert.match(res.body, /Enter what matters to the person, in their words/);
      assert.match(res.body, /The date it will be done by must be a real date/);
      assert.match(res.body, /The review date must be today or in the future/);
      assert.match(res.body, /My goals typed in my words/);
      assert.match(res.body, /value="Half an action"/);
      assert.match(res.body, /<title>Error: /);
      assert.equal((await t.db.read.selectFrom('care_plan_versions').select('id').where('person_id', '=', d.personId).execute()).length, 0);
      // The close form too.
      await b.get(paths.coordinationClose(d.coordinationId));
      const close = await b.post(paths.coordinationClose(d.coordinationId), { version: '1', reason: 'Short' });
      assert.equal(close.statusCode, 400);
      assert.match(close.body, /The reason must be 10 characters or more/);
      assert.match(close.body, />Short</);
    });

    it('shows the person their own plans and every version, audited as the person seeing their own record, and nobody else’s', async () => {
      const d = await writtenPlan();
      const b = as(a.outsider);
      await b.get(paths.planEdit(d.coordinationId));
      await b.post(paths.planEdit(d.coordinationId), planForm(1, { strengths: 'I am good with people, my sister helps me, and I cook well.' }));
      const account = await createTestPersonAccount(t.db, t.clock, { personId: d.personId });
      const person = new Browser(t.app);
      await signInPerson(person, t.db, account.email);
      const home = await person.get(peoplePaths.myRecord);
      assert.match(home.body, new RegExp(`href="${paths.myPlan}"`), 'the portal home links to the plan');
      const mine = await person.get(paths.myPlan);
      assert.equal(mine.statusCode, 200);
      assert.match(mine.body, /Seeing my daughter at weekends/);
      assert.match(mine.body, /I cook well/);
      assert.match(mine.body, /Your key worker is/);
      const plan = await t.db.read.selectFrom('care_plans').select('id').where('coordination_id', '=', d.coordinationId).executeTakeFirstOrThrow();
      const history = await person.get(paths.myPlanHistory(plan.id));
      assert.equal(history.statusCode, 200);
      assert.match(history.body, /Version 2</);
      const v2 = await person.get(paths.myPlanVersion(plan.id, 2));
      assert.equal(v2.statusCode, 200);
      assert.match(v2.body, /<li>My strengths<\/li>/);
      const own = (await auditFor(d.personId)).filter((e) => e.actor_user_id === account.userId);
      assert.deepEqual(
        own.filter((e) => e.action.startsWith('care.')).map((e) => [e.action, e.actor_role, e.purpose]),
        [
          ['care.plan.own.view', 'person', 'the person seeing their own record'],
          ['care.plan.own.history.view', 'person', 'the person seeing their own record'],
          ['care.plan.own.version.view', 'person', 'the person seeing their own record'],
        ],
      );
      // Another person sees none of it, by any address; staff cannot use the person's pages.
      const other = await writtenPlan();
      const otherAccount = await createTestPersonAccount(t.db, t.clock, { personId: (await personWithRequest(t, aPerson())).personId });
      void other;
      const someoneElse = new Browser(t.app);
      await signInPerson(someoneElse, t.db, otherAccount.email);
      const theirs = await someoneElse.get(paths.myPlan);
      assert.equal(theirs.statusCode, 200);
      assert.doesNotMatch(theirs.body, /Seeing my daughter/);
      assert.equal((await someoneElse.get(paths.myPlanHistory(plan.id))).statusCode, 404);
      assert.equal((await someoneElse.get(paths.myPlanVersion(plan.id, 1))).statusCode, 404);
      assert.equal((await as(a.outsider).get(paths.myPlan)).statusCode, 404);
      // The person does not use the staff pages, even about their own plan.
      for (const url of [paths.coordination(d.coordinationId), paths.plan(d.coordinationId), paths.planHistory(d.coordinationId), paths.planEdit(d.coordinationId), paths.personCoordinations(d.personId)]) {
        assert.equal((await person.get(url)).statusCode, 404, url);
      }
    });

    it('shows a plan to a network member only if its privacy label is one of theirs, audited for the person', async () => {
      const d = await writtenPlan();
      const members: Record<string, { browser: Browser; userId: string }> = {};
      for (const label of ['mental-health', 'safety-plan']) {
        const user = await createTestUser(t.db, t.clock, { role: 'network-member', displayName: `Friend with ${label}` });
        await t.db.write(async (tx) => {
          const at = t.clock.now().toISOString();
          await tx
            .insertInto('network_members')
            .values({
              id: newId(), person_id: d.personId, relationship: 'friend', relationship_detail: null, name: `Friend with ${label}`, email: user.email, phone: null, labels: JSON.stringify([label]),
              consent_at: at, consent_recorded_by: a.outsider.userId, consent_given_by: 'person', consent_method: 'in-person', status: 'active', user_id: user.userId, added_by: a.outsider.userId,
              added_at: at, invited_at: at, joined_at: at, removed_by: null, removed_at: null, removed_reason: null,
            })
            .execute();
        });
        const browser = new Browser(t.app);
        await signIn(browser, user, t.clock);
        members[label] = { browser, userId: user.userId };
      }
      const withLabel = await members['mental-health']!.browser.get(paths.sharedPlan(d.personId, 'mental-health'));
      assert.equal(withLabel.statusCode, 200);
      assert.match(withLabel.body, /Seeing my daughter at weekends/);
      // Safety plan only: the mental health plan is not theirs to see, by any address.
      assert.equal((await members['safety-plan']!.browser.get(paths.sharedPlan(d.personId, 'mental-health'))).statusCode, 404);
      const own = await members['safety-plan']!.browser.get(paths.sharedPlan(d.personId, 'safety-plan'));
      assert.equal(own.statusCode, 200);
      assert.doesNotMatch(own.body, /Seeing my daughter/);
      // Staff do not use these pages; a member of someone else's network sees nothing here.
      assert.equal((await as(a.outsider).get(paths.sharedPlan(d.personId, 'mental-health'))).statusCode, 404);
      const other = await writtenPlan();
      assert.equal((await members['mental-health']!.browser.get(paths.sharedPlan(other.personId, 'mental-health'))).statusCode, 404);
      const audit = await auditFor(d.personId);
      assert.ok(audit.some((e) => e.action === 'care.plan.network.view' && e.actor_user_id === members['mental-health']!.userId && e.actor_role === 'network-member' && e.purpose === 'network member, shared by the person'));
    });

    it('closes coordination with a reason: the work stops, the team stops being involved, and the person still sees the plan', async () => {
      const d = await writtenPlan({ 'actions[0][id]': '', 'actions[0][what]': 'Go to the peer group', 'actions[0][who]': 'Jordan', 'actions[0][due][day]': '20', 'actions[0][due][month]': '12', 'actions[0][due][year]': '2026' });
      await closeArranged(t.platform, a.hubPractitioner.actor, d.request.id, 'Handed to the community team');
      const b = as(a.outsider);
      await b.get(paths.coordinationClose(d.coordinationId));
      const closed = await b.post(paths.coordinationClose(d.coordinationId), { version: '2', reason: 'Goals met; care handed back to the GP' });
      assert.equal(closed.statusCode, 200, summaryOf(closed.body));
      assert.match(closed.body, /<h1[^>]*>\s*Care coordination closed/);
      assert.match(closed.body, /Your team is no longer involved with/, 'a confirmation, not a redirect to a page the team may no longer see');
      const c = await coordinationOf(d.personId);
      assert.deepEqual([c.status, c.close_reason, c.closed_by], ['closed', 'Goals met; care handed back to the GP', a.outsider.userId]);
      const open = await t.db.read.selectFrom('tasks').select('id').where('person_id', '=', d.personId).where('status', '=', 'open').execute();
      assert.equal(open.length, 0, 'no open tasks left behind');
      const timers = await t.db.read.selectFrom('timers').select('id').where('kind', '=', 'care.plan.review-reminder').where('status', '=', 'pending').where('dedupe_key', 'like', `%${(await t.db.read.selectFrom('care_plans').select('id').where('coordination_id', '=', d.coordinationId).executeTakeFirstOrThrow()).id}%`).execute();
      assert.equal(timers.length, 0, 'the review reminder is cancelled');
      // Nothing else involves the community team now.
      assert.equal((await b.get(peoplePaths.person(d.personId))).statusCode, 404);
      assert.equal((await b.get(paths.plan(d.coordinationId))).statusCode, 404);
      assert.ok((await auditFor(d.personId)).some((e) => e.action === 'care.coordination.close'));
      const account = await createTestPersonAccount(t.db, t.clock, { personId: d.personId });
      const person = new Browser(t.app);
      await signInPerson(person, t.db, account.email);
      const mine = await person.get(paths.myPlan);
      assert.match(mine.body, /Care coordination ended/);
      assert.match(mine.body, /Go to the peer group/);
    });
  });
}
