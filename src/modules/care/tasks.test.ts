// Tasks (issue 5, item 8): my tasks and team tasks, overdue first and then by due date, due time in
// words; finishing with a note and taking or assigning refused when the task changed since the page
// was opened; a lead sees and assigns the whole team's tasks; other teams and the commissioner see
// nothing; every person shown is audited. And the demo's tasks and notes.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../platform/db/testing.ts';
import { DEMO } from '../../platform/seed/demo-alliance.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { signIn, signInPerson } from '../../testing/auth.ts';
import { seed as peopleSeed } from '../people/index.ts';
import { type Alliance, aPerson, createAlliance, type Member, personWithRequest } from '../people/testing.ts';
import { seed as careSeed } from './index.ts';
import { paths } from './paths.ts';
import { assignTask, createTask, finishTask, openTaskCounts, openTasksAssignedTo, openTasksOfTeams } from './tasks.ts';

const DAY = 86_400_000;

for (const dialect of testDialects()) {
  describe(`tasks (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    let personId: string;
    const browsers = new Map<Member, Browser>();
    const as = (m: Member) => browsers.get(m)!;

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-10T10:00:00.000Z');
      a = await createAlliance(t);
      for (const m of [a.hubPractitioner, a.hubLead, a.outsider, a.commissioner]) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        browsers.set(m, b);
      }
      personId = (await personWithRequest(t, aPerson())).personId;
    });
    after(async () => {
      await t?.close();
    });

    const task = (title: string, over: { assigneeId?: string | null; dueInDays?: number | null; teamId?: string } = {}) =>
      t.db.write((tx) =>
        createTask(tx, {
          teamId: over.teamId ?? a.hubTeamId,
          assigneeId: over.assigneeId === undefined ? a.hubPractitioner.userId : over.assigneeId,
          personId,
          title,
          dueAt: over.dueInDays === null || over.dueInDays === undefined ? null : new Date(t.clock.now().getTime() + over.dueInDays * DAY),
          source: 'care',
          sourceKind: 'manual',
          at: t.clock.now(),
        }),
      );

    it('lists my tasks overdue first, then by due date, those with no due date last, with the due time in words', async () => {
      await task('No date task');
      await task('Due tomorrow task', { dueInDays: 1 });
      await task('Overdue by two days task', { dueInDays: -2 });
      await task('Overdue by five days task', { dueInDays: -5 });
      await task('Someone else task', { assigneeId: a.hubLead.userId, dueInDays: -10 });
      const rows = await openTasksAssignedTo(t.db.read, a.hubPractitioner.userId);
      assert.deepEqual(rows.map((r) => r.title), ['Overdue by five days task', 'Overdue by two days task', 'Due tomorrow task', 'No date task']);
      const page = await as(a.hubPractitioner).get(paths.myTasks);
      assert.equal(page.statusCode, 200);
      const order = ['Overdue by five days task', 'Overdue by two days task', 'Due tomorrow task', 'No date task'].map((title) => page.body.indexOf(title));
      assert.ok(order.every((i, n) => i > 0 && (n === 0 || i > order[n - 1]!)), 'in that order on the page');
      assert.ok(!page.body.includes('Someone else task'));
      for (const text of ['Overdue by 5 days', 'Overdue by 2 days', 'Due tomorrow', 'No due date']) assert.ok(page.body.includes(text), text);
      const audited = await t.db.read.selectFrom('audit_events').select(['entity_id']).where('action', '=', 'care.tasks.view').where('person_id', '=', personId).where('actor_user_id', '=', a.hubPractitioner.userId).execute();
      assert.equal(audited.length, 4, 'one event for each task about the person shown, in one batch');
      assert.equal((await openTaskCounts(t.db.read, [personId])).get(personId), 5);
    });

    it('refuses a stale finish or assignment (optimistic version check) on both the store and the page', async () => {
      const id = await task('Versioned task', { dueInDays: 3 });
      await t.db.write((tx) => assignTask(tx, { taskId: id, assigneeId: a.hubLead.userId, expectedVersion: 1 }));
      await assert.rejects(t.db.write((tx) => assignTask(tx, { taskId: id, assigneeId: a.hubPractitioner.userId, expectedVersion: 1 })), /changed since you opened it/);
      await assert.rejects(t.db.write((tx) => finishTask(tx, { taskId: id, status: 'done', by: a.hubLead.userId, at: t.clock.now(), expectedVersion: 1 })), /changed since you opened it/);
      const lead = as(a.hubLead);
      const page = await lead.get(paths.task(id));
      assert.equal(page.statusCode, 200);
      const res = await lead.post(paths.taskFinish(id), { version: '1', status: 'done', note: 'Done it' });
      assert.equal(res.statusCode, 409);
      assert.match(res.body, /This task changed since you opened it/);
      await lead.get(paths.task(id));
      const cancel = await lead.post(paths.taskFinish(id), { version: '2', status: 'cancelled', note: '' });
      assert.equal(cancel.statusCode, 400);
      assert.match(cancel.body, /Enter why the task is cancelled/);
      const done = await lead.post(paths.taskFinish(id), { version: '2', status: 'done', note: 'Called the GP.' });
      assert.equal(done.statusCode, 303);
      const row = await t.db.read.selectFrom('tasks').select(['status', 'finish_note', 'finished_by', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual({ ...row, version: Number(row.version) }, { status: 'done', finish_note: 'Called the GP.', finished_by: a.hubLead.userId, version: 3 });
      const finished = await lead.get(paths.task(id));
      assert.match(finished.body, /Done on .*: Called the GP\./);
      assert.doesNotMatch(finished.body, /Finish this task/);
      await lead.get(paths.myTasks);
      await lead.get(paths.task(await task('Another task for the CSRF token')));
      const again = await lead.post(paths.taskFinish(id), { version: '3', status: 'done', note: 'Again' });
      assert.equal(again.statusCode, 409, 'a finished task cannot be finished again');
    });

    it('shows a practitioner the team tasks nobody has taken, lets them take one, and a lead sees every team task and gives one to someone', async () => {
      const unassigned = await task('Team task nobody has', { assigneeId: null, dueInDays: 2 });
      const theirs = await task('Lead owned task', { assigneeId: a.hubLead.userId, dueInDays: 2 });
      const practitioner = as(a.hubPractitioner);
      let page = await practitioner.get(paths.teamTasks);
      assert.ok(page.body.includes('Team task nobody has'));
      assert.ok(!page.body.includes('Lead owned task'), 'only unassigned ones for a practitioner');
      const leadPage = await as(a.hubLead).get(paths.teamTasks);
      assert.ok(leadPage.body.includes('Team task nobody has') && leadPage.body.includes('Lead owned task'));
      assert.ok((await openTasksOfTeams(t.db.read, [a.hubTeamId], { unassignedOnly: true })).every((r) => r.assignee_id === null));

      page = await practitioner.get(paths.task(unassigned));
      assert.match(page.body, /Take this task/);
      assert.equal((await practitioner.post(paths.taskAssign(unassigned), { version: '1', assignee: 'me' })).statusCode, 303);
      assert.equal((await t.db.read.selectFrom('tasks').select(['assignee_id']).where('id', '=', unassigned).executeTakeFirstOrThrow()).assignee_id, a.hubPractitioner.userId);
      // A practitioner cannot give a task to someone else, nor take one the lead has.
      await practitioner.get(paths.task(theirs));
      const refused = await practitioner.post(paths.taskAssign(theirs), { version: '1', assignee: a.hubPractitioner.userId });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Only a team lead can give a task to someone else/);
      // The lead gives it to the practitioner, then back to the team.
      const lead = as(a.hubLead);
      const leadTask = await lead.get(paths.task(theirs));
      assert.match(leadTask.body, /Give it to/);
      assert.equal((await lead.post(paths.taskAssign(theirs), { version: '1', assignee: a.hubPractitioner.userId })).statusCode, 303);
      assert.equal((await lead.post(paths.taskAssign(theirs), { version: '2', assignee: '' })).statusCode, 303);
      assert.equal((await t.db.read.selectFrom('tasks').select(['assignee_id']).where('id', '=', theirs).executeTakeFirstOrThrow()).assignee_id, null);
      const outsiderChoice = await lead.post(paths.taskAssign(theirs), { version: '3', assignee: a.outsider.userId });
      assert.equal(outsiderChoice.statusCode, 400, 'only someone in the team');
      const events = await t.db.read.selectFrom('audit_events').select(['action']).where('person_id', '=', personId).where('entity_id', '=', theirs).execute();
      assert.ok(events.filter((e) => e.action === 'care.task.assign').length >= 2);
    });

    it('refuses another team and the commissioner', async () => {
      const id = await task('Hub only task', { assigneeId: null, dueInDays: 1 });
      assert.equal((await as(a.outsider).get(paths.task(id))).statusCode, 404);
      assert.ok(!(await as(a.outsider).get(paths.teamTasks)).body.includes('Hub only task'));
      for (const url of [paths.myTasks, paths.teamTasks, paths.task(id), paths.caseload, paths.teamCaseload]) {
        assert.equal((await as(a.commissioner).get(url)).statusCode, 404, url);
      }
      await as(a.outsider).get(paths.myTasks);
      const take = await as(a.outsider).post(paths.taskAssign(id), { version: '1', assignee: 'me', _csrf: 'x' });
      assert.ok([403, 404].includes(take.statusCode));
      assert.equal((await t.db.read.selectFrom('tasks').select(['assignee_id']).where('id', '=', id).executeTakeFirstOrThrow()).assignee_id, null);
    });
  });

  describe(`the notes and tasks demo (${dialect.name})`, { skip: dialect.skip }, () => {
    it('gives the demo practitioner tasks, and Jordan a shared note and a note withheld awaiting a lead', async (tc) => {
      const app = await buildTestApp(dialect);
      tc.after(() => app.close());
      // Imported here, after the app: src/seed.ts first would enter the modules' import cycle (people → front door → care) from its other end.
      const { seedDemoAlliance } = await import('../../seed.ts');
      await seedDemoAlliance(app.platform, () => {}, [peopleSeed, careSeed]);
      const tasks = await app.db.read.selectFrom('tasks').select(['title', 'assignee_id', 'source_kind']).where('source_kind', 'in', ['manual', 'note-confirmation']).execute();
      assert.ok(tasks.filter((x) => x.source_kind === 'manual' && x.assignee_id).length >= 2, 'tasks for the demo practitioner');
      assert.ok(tasks.some((x) => x.source_kind === 'note-confirmation'), 'a task for the leads');
      const w = await app.db.read.selectFrom('care_note_withholdings').select(['status', 'reason_kind']).execute();
      assert.deepEqual(w, [{ status: 'awaiting-confirmation', reason_kind: 'third-party' }]);
      const b = new Browser(app.app);
      await signInPerson(b, app.db, DEMO.emails.person);
      const notes = await b.get(paths.myNotes);
      assert.equal(notes.statusCode, 200);
      assert.match(notes.body, /walking group/);
      assert.match(notes.body, /A note was withheld from you/);
      assert.ok(!notes.body.includes('shared debts'));
    });
  });
}
