// Crisis measures on a known data set (issue 6, item 6): response against target by priority (count,
// share within target, median), outcomes and the share resolved without admission, places used,
// follow-ups within 72 hours against the 80% ambition, and the answers to "Did you get the right
// response?". Aggregated only: the page shows no reference and no name; commissioners see small
// numbers suppressed; other roles are refused.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../platform/db/testing.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { signIn } from '../../testing/auth.ts';
import { finishTask } from '../care/index.ts';
import { aPerson, personWithoutRequest } from '../people/testing.ts';
import { type CrisisAlliance, createCrisisAlliance } from './episode-testing.ts';
import { answerFeedback, closeEpisode, markResponded, openEpisodeIn } from './episodes.ts';
import { countText, crisisMeasures, shareText } from './measures.ts';
import { paths } from './paths.ts';
import { createPlace, holdPlace } from './places.ts';

const H = 3_600_000;

for (const dialect of testDialects()) {
  describe(`crisis measures (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: CrisisAlliance;
    const references: string[] = [];
    const names: string[] = [];

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T08:00:00.000Z');
      a = await createCrisisAlliance(t);
      const start = t.clock.now().getTime();
      const at = (hours: number) => t.clock.set(new Date(start + hours * H).toISOString());
      const practitioner = a.crisisPractitioner.actor;
      const person = async (phone: string) => {
        const details = aPerson({ phone });
        names.push(details.familyName);
        return personWithoutRequest(t, details);
      };
      const open = async (priority: 'emergency' | 'very-urgent' | 'urgent' | 'routine', personId: string | null) => {
        const e = await t.db.write((tx) =>
          openEpisodeIn(t.platform, tx, { source: 'phone', priority, summary: 'Known data set', personId, teamId: a.crisisTeamId, openedBy: practitioner.userId, openedByRole: 'practitioner' }),
        );
        references.push(e.reference);
        return e.id;
      };
      // Opened at 08:00: emergencies A (answered in 30 minutes) and B (90: late); very urgent C (2 hours),
      // D (never: its target passes), E (3 hours); urgent F (waiting, target not passed by the end).
      const pa = await person('07700900001');
      const pc = await person('07700900003');
      const pe = await person('07700900005');
      const A = await open('emergency', pa);
      const B = await open('emergency', null);
      const C = await open('very-urgent', pc);
      await open('very-urgent', null);
      const E = await open('very-urgent', pe);
      at(0.5);
      await markResponded(t.platform, practitioner, A, { how: 'Phoned back' });
      at(1.5);
      await markResponded(t.platform, practitioner, B, { how: 'Visited' });
      at(2);
      await markResponded(t.platform, practitioner, C, { how: 'Visited' });
      at(3);
      await markResponded(t.platform, practitioner, E, { how: 'Visited' });
      // A place at the crisis house, and C admitted to it from the episode.
      const placeId = await createPlace(t.platform, a.crisisLead.actor, { name: 'Test crisis house', kind: 'crisis-house', teamId: a.crisisTeamId, maximum: 4, holdHours: 2, hoursKind: 'always' });
      await holdPlace(t.platform, a.crisisLead.actor, placeId, { personId: pc, episodeId: C, admitNow: 'yes' });
      // Closed at 10:00: A at home, B detained, C to the crisis house, E at home: 3 of 4 without admission.
      at(4);
      await closeEpisode(t.platform, practitioner, A, { outcome: 'resolved-at-home' });
      await closeEpisode(t.platform, practitioner, B, { outcome: 'detained' });
      await closeEpisode(t.platform, practitioner, C, { outcome: 'crisis-house' });
      await closeEpisode(t.platform, practitioner, E, { outcome: 'resolved-at-home' });
      // Three follow-ups (A, C, E), due at 10:00 three days on: A's done in time, C's late, E's not at all.
      const tasks = await t.db.read.selectFrom('tasks').select(['id', 'person_id']).where('source', '=', 'crisis').execute();
      const task = (personId: string) => tasks.find((x) => x.person_id === personId)!.id;
      at(30);
      await t.db.write((tx) => finishTask(tx, { taskId: task(pa), status: 'done', by: practitioner.userId, at: t.clock.now() }));
      // The question after closure: A says yes, C says no, E does not answer.
      const tokens = await t.db.read.selectFrom('outbox_messages').select(['recipient', 'personalisation']).where('kind', '=', 'crisis.feedback-request').execute();
      const tokenOf = (phone: string) => /\/crisis\/feedback\/([A-Za-z0-9_-]+)/.exec(String(tokens.find((m) => m.recipient === phone)!.personalisation))![1]!;
      await answerFeedback(t.platform, tokenOf('07700900001'), { answer: 'yes' });
      await answerFeedback(t.platform, tokenOf('07700900003'), { answer: 'no', comment: 'I waited too long' });
      at(80);
      await t.db.write((tx) => finishTask(tx, { taskId: task(pc), status: 'done', by: practitioner.userId, at: t.clock.now() }));
      // The urgent one, opened late on so that its target has not passed at the end (84 hours).
      at(70);
      await open('urgent', null);
      at(84);
    });
    after(async () => {
      await t?.close();
    });

    it('counts a known data set', async () => {
      const now = t.clock.now();
      const m = await crisisMeasures(t.db.read, { from: new Date('2026-11-01T00:00:00.000Z'), to: now, teamIds: [a.crisisTeamId] }, now);
      const byPriority = Object.fromEntries(m.response.map((r) => [r.priority, r]));
      assert.deepEqual(byPriority.emergency, { priority: 'emergency', opened: 2, responded: 2, withinTarget: 1, due: 2, waiting: 0, medianMinutes: 60 });
      assert.deepEqual(byPriority['very-urgent'], { priority: 'very-urgent', opened: 3, responded: 2, withinTarget: 2, due: 3, waiting: 1, medianMinutes: 150 });
      assert.deepEqual(byPriority.urgent, { priority: 'urgent', opened: 1, responded: 0, withinTarget: 0, due: 0, waiting: 1, medianMinutes: null });
      assert.equal(byPriority.routine!.opened, 0);
      assert.equal(m.closed, 4);
      assert.equal(m.resolvedWithoutAdmission, 3);
      assert.deepEqual(
        m.outcomes.filter((o) => o.count > 0),
        [
          { outcome: 'resolved-at-home', count: 2 },
          { outcome: 'crisis-house', count: 1 },
          { outcome: 'detained', count: 1 },
        ],
      );
      assert.equal(m.places.find((p) => p.kind === 'crisis-house')!.admissions, 1);
      assert.equal(m.placesFromEpisodes, 1);
      assert.deepEqual(m.followUps, { due: 3, doneInTime: 1, doneLate: 1, notDone: 1, notYetDue: 0 });
      assert.deepEqual(m.feedback, { asked: 3, answered: 2, yes: 1, partly: 0, no: 1 });
      // Another team's measures are empty; a period before the data is empty.
      const other = await crisisMeasures(t.db.read, { from: new Date('2026-11-01T00:00:00.000Z'), to: now, teamIds: [a.communityTeamId] }, now);
      assert.equal(other.closed, 0);
      const before = await crisisMeasures(t.db.read, { from: new Date('2026-10-01T00:00:00.000Z'), to: new Date('2026-11-01T00:00:00.000Z'), teamIds: null }, now);
      assert.equal(before.response.reduce((n, r) => n + r.opened, 0), 0);
    });

    it('shows the figures to the crisis team lead, with no reference or name anywhere on the page', async () => {
      const b = new Browser(t.app);
      await signIn(b, a.crisisLead, t.clock);
      const page = await b.get(paths.measures);
      assert.equal(page.statusCode, 200);
      const text = page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      assert.match(text, /Emergency 2 2 1 50% 1 hour 0/);
      assert.match(text, /Very urgent 3 2 2 67% 2 hours 30 minutes 1/);
      assert.match(text, /75% resolved without an admission/);
      assert.match(text, /33% of follow-ups due in the period were done within 72 hours: below the national ambition of 80%/);
      assert.match(text, /50% of those who answered said yes/);
      for (const r of references) assert.ok(!page.body.includes(r), 'no episode reference');
      for (const n of names) assert.ok(!page.body.includes(n), 'no name');
    });

    it('shows a commissioner the alliance with small numbers suppressed, and refuses practitioners and provider admins', async () => {
      const c = new Browser(t.app);
      await signIn(c, a.commissioner, t.clock);
      const page = await c.get(`${paths.measures}?period=28d`);
      assert.equal(page.statusCode, 200);
      const text = page.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
      assert.match(text, /the whole alliance/);
      assert.match(text, /Emergency fewer than 5 fewer than 5 fewer than 5 not enough to show not enough to show 0/);
      assert.doesNotMatch(text, /Emergency 2 /);
      for (const m of [a.crisisPractitioner, a.providerAdmin]) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        assert.equal((await b.get(paths.measures)).statusCode, 404, 'no permission: not found');
      }
      assert.equal(countText(0, true), '0');
      assert.equal(countText(4, true), 'fewer than 5');
      assert.equal(countText(5, true), '5');
      assert.equal(shareText(4, 5, true), '80%');
      assert.equal(shareText(1, 4, true), 'not enough to show');
      assert.equal(shareText(0, 0, false), 'none yet');
    });
  });
}
