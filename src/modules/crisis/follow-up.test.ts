// The follow-up timer test (issue 6, "Done when"): a discharge makes a follow-up task due 72 hours
// later; when it is still open at that time, a durable timer escalates it to the team's leads (once);
// one done in time is left alone; the board lists follow-ups due; one discharge makes one follow-up.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../platform/db/ids.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { runDueTimers } from '../../platform/jobs/timers.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { signIn } from '../../testing/auth.ts';
import { carePaths, finishTask } from '../care/index.ts';
import { personWithoutRequest } from '../people/testing.ts';
import { boardRows } from './board.ts';
import { type CrisisAlliance, createCrisisAlliance, messagesTo } from './episode-testing.ts';
import { BOARD_CHANNEL } from './episode-store.ts';
import { FOLLOW_UP_OVERDUE_TIMER, scheduleFollowUp } from './follow-up.ts';
import { paths } from './paths.ts';
import { insertPlan, insertVersion } from './safety-plan-store.ts';

for (const dialect of testDialects()) {
  describe(`follow-up within 72 hours (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: CrisisAlliance;

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
      a = await createCrisisAlliance(t);
    });
    after(async () => {
      await t?.close();
    });

    const followUp = (id: string) => t.db.read.selectFrom('crisis_follow_ups').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('discharge from a crisis house: a task due in 72 hours; still open at 72 hours, it escalates to the team leads, once', async () => {
      t.clock.set('2026-12-01T10:00:00.000Z');
      const personId = await personWithoutRequest(t);
      const dischargedAt = new Date('2026-12-01T09:30:00.000Z');
      const made = await t.db.write((tx) => scheduleFollowUp(t.platform, tx, { personId, teamId: a.crisisTeamId, dischargedAt, from: 'crisis-house', sourceId: 'stay-1' }));
      assert.equal(made.dueAt.toISOString(), '2026-12-04T09:30:00.000Z');
      const task = await t.db.read.selectFrom('tasks').selectAll().where('id', '=', made.taskId).executeTakeFirstOrThrow();
      assert.equal(task.source, 'crisis');
      assert.equal(task.source_kind, 'crisis-follow-up');
      assert.equal(task.team_id, a.crisisTeamId);
      assert.equal(task.person_id, personId);
      assert.equal(task.due_at, '2026-12-04T09:30:00.000Z');
      assert.equal(task.status, 'open');
      assert.match(task.title, /72 hours of discharge from a crisis house/);
      const timer = await t.db.read.selectFrom('timers').select(['due_at', 'status']).where('kind', '=', FOLLOW_UP_OVERDUE_TIMER).where('dedupe_key', '=', `${FOLLOW_UP_OVERDUE_TIMER}:${made.followUpId}`).executeTakeFirstOrThrow();
      assert.deepEqual(timer, { due_at: '2026-12-04T09:30:00.000Z', status: 'pending' });

      // The board lists it as due, and the crisis team is involved with the person meanwhile.
      let board = await boardRows(t.platform, a.crisisPractitioner.actor);
      const listed = board.followUps.find((f) => f.id === made.followUpId);
      assert.ok(listed);
      assert.equal(listed.from, 'Crisis house');
      assert.equal(listed.dueText, 'Due in 2 days 23 hours');
      assert.equal(listed.overdue, false);

      // One minute before the due time: nothing.
      t.clock.set('2026-12-04T09:29:00.000Z');
      await runDueTimers(t.platform);
      assert.equal((await followUp(made.followUpId)).escalated_at, null);
      assert.equal((await messagesTo(t, a.crisisLead.email, 'crisis.follow-up-overdue')).length, 0);

      // At the due time, still open: escalated, and the team lead told without personal data.
      t.clock.set('2026-12-04T09:31:00.000Z');
      await runDueTimers(t.platform);
      const escalated = await followUp(made.followUpId);
      assert.equal(escalated.escalated_at, '2026-12-04T09:31:00.000Z');
      const emails = await messagesTo(t, a.crisisLead.email, 'crisis.follow-up-overdue');
      assert.equal(emails.length, 1);
      assert.equal(emails[0]!.person_id, null);
      const body = String(emails[0]!.personalisation);
      assert.doesNotMatch(body, new RegExp(personId));
      const person = await t.db.read.selectFrom('people').select(['family_name']).where('id', '=', personId).executeTakeFirstOrThrow();
      assert.doesNotMatch(body, new RegExp(person.family_name), 'no name in a staff email');
      assert.equal((await messagesTo(t, a.crisisPractitioner.email, 'crisis.follow-up-overdue')).length, 0, 'leads only');
      const audit = await t.db.read.selectFrom('audit_events').select(['action', 'actor_role']).where('person_id', '=', personId).where('action', '=', 'crisis.follow-up.escalate').execute();
      assert.deepEqual(audit, [{ action: 'crisis.follow-up.escalate', actor_role: 'system' }]);

      // Running again changes nothing.
      t.clock.advance(3_600_000);
      await runDueTimers(t.platform);
      assert.equal((await messagesTo(t, a.crisisLead.email, 'crisis.follow-up-overdue')).length, 1);

      // The board shows it overdue, in words, and that the leads were told.
      board = await boardRows(t.platform, a.crisisPractitioner.actor);
      const overdue = board.followUps.find((f) => f.id === made.followUpId)!;
      assert.equal(overdue.overdue, true);
      assert.equal(overdue.escalated, true);
      assert.equal(overdue.dueText, 'Overdue by 1 hour 1 minute');
      const browser = new Browser(t.app);
      await signIn(browser, a.crisisPractitioner, t.clock);
      const page = await browser.get(paths.board);
      assert.match(page.body, /nhsuk-tag--red">Overdue by 1 hour 1 minute<\/strong> After discharge from: crisis house/);
      assert.match(page.body, /team leads told/);

      // Once done, it leaves the board.
      await t.db.write((tx) => finishTask(tx, { taskId: made.taskId, status: 'done', by: a.crisisPractitioner.userId, at: t.clock.now(), note: 'Phoned: doing well, seeing GP Friday' }));
      board = await boardRows(t.platform, a.crisisPractitioner.actor);
      assert.ok(!board.followUps.some((f) => f.id === made.followUpId));
    });

    it('a follow-up done within 72 hours is not escalated', async () => {
      t.clock.set('2026-12-10T10:00:00.000Z');
      const personId = await personWithoutRequest(t);
      const made = await t.db.write((tx) => scheduleFollowUp(t.platform, tx, { personId, teamId: a.crisisTeamId, dischargedAt: t.clock.now(), from: 'admission', sourceId: 'ward-stay-7' }));
      t.clock.advance(48 * 3_600_000);
      await t.db.write((tx) => finishTask(tx, { taskId: made.taskId, status: 'done', by: a.crisisPractitioner.userId, at: t.clock.now() }));
      t.clock.advance(25 * 3_600_000);
      await runDueTimers(t.platform);
      assert.equal((await followUp(made.followUpId)).escalated_at, null);
      const timer = await t.db.read.selectFrom('timers').select('status').where('dedupe_key', '=', `${FOLLOW_UP_OVERDUE_TIMER}:${made.followUpId}`).executeTakeFirstOrThrow();
      assert.equal(timer.status, 'done', 'the timer ran and found nothing to do');
    });

    it('a follow-up marked done on its task page leaves every board at once: a live event on the board channel (H13)', async () => {
      t.clock.set('2026-12-11T10:00:00.000Z');
      const personId = await personWithoutRequest(t);
      const made = await t.db.write((tx) => scheduleFollowUp(t.platform, tx, { personId, teamId: a.crisisTeamId, dischargedAt: t.clock.now(), from: 'crisis-house', sourceId: 'stay-live-1' }));
      assert.ok((await boardRows(t.platform, a.crisisPractitioner.actor)).followUps.some((f) => f.id === made.followUpId));
      const boardEvents = async () =>
        (await t.db.read.selectFrom('live_events').select(['payload']).where('channel', '=', BOARD_CHANNEL).orderBy('id').execute()).map((e) => JSON.parse(String(e.payload)) as { followUpId?: string; change: string });
      const before = (await boardEvents()).length;
      const b = new Browser(t.app);
      await signIn(b, a.crisisPractitioner, t.clock);
      await b.get(carePaths.task(made.taskId));
      const done = await b.post(carePaths.taskFinish(made.taskId), { version: '1', status: 'done', note: 'Rang them: doing better, seeing their GP on Friday' });
      assert.equal(done.statusCode, 303);
      assert.deepEqual((await boardEvents()).slice(before), [{ teamId: a.crisisTeamId, followUpId: made.followUpId, change: 'follow-up-done' }]);
      assert.ok(!(await boardRows(t.platform, a.crisisPractitioner.actor)).followUps.some((f) => f.id === made.followUpId), 'no longer due');
    });

    it('one discharge makes one follow-up, however often it is recorded', async () => {
      t.clock.set('2026-12-20T10:00:00.000Z');
      const personId = await personWithoutRequest(t);
      const input = { personId, teamId: a.crisisTeamId, dischargedAt: t.clock.now(), from: 'sanctuary' as const, sourceId: 'visit-3' };
      const first = await t.db.write((tx) => scheduleFollowUp(t.platform, tx, input));
      const second = await t.db.write((tx) => scheduleFollowUp(t.platform, tx, input));
      assert.equal(first.made, true);
      assert.deepEqual(second, { ...first, made: false });
      assert.equal((await t.db.read.selectFrom('tasks').select('id').where('person_id', '=', personId).execute()).length, 1);
    });

    it('asks the follow-up to go through the person’s safety plan with them, or to offer one when they have none (H11)', async () => {
      t.clock.set('2026-12-21T10:00:00.000Z');
      const detail = async (taskId: string) => (await t.db.read.selectFrom('tasks').select('detail').where('id', '=', taskId).executeTakeFirstOrThrow()).detail ?? '';
      const without = await personWithoutRequest(t);
      const none = await t.db.write((tx) => scheduleFollowUp(t.platform, tx, { personId: without, teamId: a.crisisTeamId, dischargedAt: t.clock.now(), from: 'episode', sourceId: 'episode-without-plan' }));
      assert.match(await detail(none.taskId), /They have no safety plan in Mutual: offer to write one with them\./);
      const withPlan = await personWithoutRequest(t);
      await t.db.write(async (tx) => {
        const planId = newId();
        await insertPlan(tx, { id: planId, personId: withPlan, by: a.crisisPractitioner.userId, at: new Date('2026-12-15T16:00:00.000Z') });
        await insertVersion(tx, { id: newId(), planId, personId: withPlan, version: 1, content: JSON.stringify({ warningSigns: 'Not sleeping' }), changeNote: null, by: a.crisisPractitioner.userId, role: 'practitioner', teamId: a.crisisTeamId, withPerson: true, at: new Date('2026-12-15T16:00:00.000Z') });
      });
      const some = await t.db.write((tx) => scheduleFollowUp(t.platform, tx, { personId: withPlan, teamId: a.crisisTeamId, dischargedAt: t.clock.now(), from: 'episode', sourceId: 'episode-with-plan' }));
      assert.match(await detail(some.taskId), /Go through their safety plan with them \(version 1, last changed 15 December 2026 at 16:00\): what helped, what did not, and what to change\./);
    });

    it('another team does not see the follow-ups of the crisis team on its board', async () => {
      const board = await boardRows(t.platform, a.outsider.actor);
      assert.deepEqual(board.followUps, []);
      assert.deepEqual(board.rows, []);
    });
  });
}
