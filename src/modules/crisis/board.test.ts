// The crisis board (issue 6, item 2): every open episode, those waiting first by time left; priority
// and time left in words and colour; responders, the postcode district and the next action, and no
// name; follow-ups due; who is on duty tonight (the rota kept by team leads); a refresh link, and an
// automatic refresh only when asked for; other teams and roles see nothing of it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { queryPlan } from '../../platform/db/dialect/query-plan.ts';
import { refreshPlannerStatistics } from '../../platform/db/dialect/statistics.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { DEMO } from '../../platform/seed/demo-alliance.ts';
import { seedDemoAlliance } from '../../seed.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { signIn } from '../../testing/auth.ts';
import { seed as peopleSeed } from '../people/index.ts';
import { aPerson, personWithoutRequest } from '../people/testing.ts';
import { BOARD_READ_KEPT_MS, boardRows, timeLeft } from './board.ts';
import { boardCountsQuery, waitingEpisodesQuery } from './board-store.ts';
import { seedEpisodesDemo } from './episode-seed.ts';
import { type CrisisAlliance, createCrisisAlliance } from './episode-testing.ts';
import { closeEpisode, markResponded, openEpisode, openEpisodeIn } from './episodes.ts';
import { paths } from './paths.ts';

const MIN = 60_000;

for (const dialect of testDialects()) {
  describe(`the crisis board (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: CrisisAlliance;

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T18:00:00.000Z');
      a = await createCrisisAlliance(t);
    });
    after(async () => {
      await t?.close();
    });

    it('orders open episodes by time left, those answered last, with priority and time left in words and colour, and no names', async () => {
      const p = a.crisisPractitioner.actor;
      // 18:00 routine (72 h), 18:10 urgent (24 h), 18:20 emergency (1 h), 18:30 very urgent (4 h), 18:40 emergency, answered.
      const personId = await personWithoutRequest(t, aPerson({ familyName: 'Boardtestname', postcode: 'SE11 5QY' }));
      const routine = await openEpisode(t.platform, p, { source: 'phone', priority: 'routine', summary: 'Wants a call about medication.', postcode: 'SW2' });
      t.clock.advance(10 * MIN);
      const urgent = await openEpisode(t.platform, p, { source: 'walk-in', priority: 'urgent', summary: 'At the sanctuary.', nextAction: 'Sanctuary to call at 21:00' });
      t.clock.advance(10 * MIN);
      const emergency = await t.db.write((tx) =>
        openEpisodeIn(t.platform, tx, { source: 'police', priority: 'emergency', summary: 'On the bridge', personId, teamId: a.crisisTeamId, openedBy: p.userId, responderIds: [a.crisisColleague.userId] }),
      );
      t.clock.advance(10 * MIN);
      const veryUrgent = await openEpisode(t.platform, p, { source: 'phone', priority: 'very-urgent', summary: 'Mother worried.' });
      t.clock.advance(10 * MIN);
      const answered = await openEpisode(t.platform, p, { source: 'phone', priority: 'emergency', summary: 'Called back at once.' });
      await markResponded(t.platform, p, answered.id, { how: 'Spoke on the phone' });
      const closed = await openEpisode(t.platform, p, { source: 'phone', priority: 'emergency', summary: 'Closed at once.' });
      await closeEpisode(t.platform, p, closed.id, { outcome: 'other', note: 'Wrong number' });
      t.clock.advance(5 * MIN); // 18:45

      const board = await boardRows(t.platform, p);
      assert.deepEqual(
        board.rows.map((r) => r.id),
        [emergency.id, veryUrgent.id, urgent.id, routine.id, answered.id],
        'emergency (35 min left), very urgent (3 h 45), urgent, routine; the answered one last; the closed one not at all',
      );
      const e = board.rows[0]!;
      assert.equal(e.priorityText, 'Emergency');
      assert.equal(e.priorityTag, 'red');
      assert.deepEqual(e.timeLeft, { text: '35 minutes left', tag: 'green', overdue: false, ms: 35 * MIN });
      assert.deepEqual(e.responders, [a.crisisColleague.actor.displayName]);
      assert.equal(e.area, 'SE11');
      assert.equal(e.named, true);
      assert.equal(board.rows[2]!.nextAction, 'Sanctuary to call at 21:00');
      assert.equal(board.rows[3]!.area, 'SW2');
      assert.match(board.rows[4]!.timeLeft.text, /^Responded at 18:40$/);

      t.clock.advance(25 * MIN); // 19:10: the emergency has 10 minutes left, in its last quarter
      assert.deepEqual((await boardRows(t.platform, p)).rows[0]!.timeLeft, { text: '10 minutes left', tag: 'orange', overdue: false, ms: 10 * MIN });
      t.clock.advance(15 * MIN); // 19:25: overdue
      const late = await boardRows(t.platform, p);
      assert.deepEqual(late.rows[0]!.timeLeft, { text: 'Overdue by 5 minutes', tag: 'red', overdue: true, ms: -5 * MIN });

      const b = new Browser(t.app);
      await signIn(b, a.crisisPractitioner, t.clock);
      const page = await b.get(paths.board);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<strong class="nhsuk-tag nhsuk-tag--red">Overdue by 5 minutes<\/strong>/, 'time left in words inside its colour');
      assert.match(page.body, /<strong class="nhsuk-tag nhsuk-tag--red">Emergency<\/strong>/);
      assert.ok(page.body.indexOf(emergency.reference) < page.body.indexOf(veryUrgent.reference));
      assert.ok(!page.body.includes('Boardtestname'), 'no names on the board');
      assert.ok(!page.body.includes('On the bridge'), 'no clinical summary on the board');
      assert.ok(!page.body.includes(closed.reference));
      assert.match(page.body, /<tbody class="nhsuk-table__body" id="crisis-board-rows">/, 'the rows come from the partial the live updates use');
    });

    it('works without JavaScript: a refresh link, and an automatic refresh only when the user asks for it', async () => {
      const b = new Browser(t.app);
      await signIn(b, a.crisisColleague, t.clock);
      const page = await b.get(paths.board);
      assert.doesNotMatch(page.body, /http-equiv="refresh"/, 'never by default (WCAG 2.2.1)');
      assert.match(page.body, /<a href="\/crisis\/board">Refresh the board<\/a>/);
      assert.match(page.body, /<a href="\/crisis\/board\?refresh=60">Refresh automatically every minute<\/a>/);
      const auto = await b.get(`${paths.board}?refresh=60`);
      assert.match(auto.body, /<meta http-equiv="refresh" content="60">/);
      assert.match(auto.body, /<a href="\/crisis\/board">Stop refreshing automatically<\/a>/);
      assert.doesNotMatch((await b.get(`${paths.board}?refresh=1`)).body, /http-equiv="refresh"/, 'only the one interval offered');
    });

    it('shows who is on duty tonight from the rota the team lead keeps, which validates its form', async () => {
      const lead = new Browser(t.app);
      await signIn(lead, a.crisisLead, t.clock);
      // Nobody on the rota now: the board says so, in words, to everyone who sees it (H14).
      const teamName = (await boardRows(t.platform, a.crisisLead.actor)).teams.find((x) => x.id === a.crisisTeamId)!.name;
      assert.deepEqual((await boardRows(t.platform, a.crisisLead.actor)).nobodyOnDuty.map((x) => x.name), [teamName]);
      const nobody = (await lead.get(paths.board)).body;
      assert.match(nobody, new RegExp(`Nobody on duty now: ${teamName}`));
      assert.match(nobody, /escalated to the team’s leads only\. <a href="\/crisis\/duty">Add a shift to the duty rota/);
      const form = await lead.get(paths.duty);
      assert.equal(form.statusCode, 200);
      const bad = await lead.post(paths.duty, { teamId: a.crisisTeamId, userId: a.crisisColleague.userId, role: 'responder', starts: '2026-12-01T20:00', ends: '2026-12-01T19:00' });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /The shift must end after it starts/);
      const outsider = await lead.post(paths.duty, { teamId: a.crisisTeamId, userId: a.outsider.userId, role: 'responder', starts: '2026-12-01T20:00', ends: '2026-12-02T08:00' });
      assert.equal(outsider.statusCode, 400);
      assert.match(outsider.body, /Choose someone in the team/);
      // A duty mobile must be one a text can reach; what was typed is kept.
      const landline = await lead.post(paths.duty, { teamId: a.crisisTeamId, userId: a.crisisColleague.userId, role: 'duty-senior', starts: '2026-12-01T19:00', ends: '2026-12-02T07:00', phone: '020 7946 0000' });
      assert.equal(landline.statusCode, 400);
      assert.match(landline.body, /nhsuk-error-summary[\s\S]*href="#phone">\s*Enter a UK mobile number, like 07700 900 982/);
      assert.match(landline.body, /name="phone" type="tel" value="020 7946 0000"/);
      assert.match(landline.body, /name="starts" type="datetime-local" value="2026-12-01T19:00"/);
      const ok = await lead.post(paths.duty, { teamId: a.crisisTeamId, userId: a.crisisColleague.userId, role: 'duty-senior', starts: '2026-12-01T19:00', ends: '2026-12-02T07:00', phone: '+44 7700 900982' });
      assert.equal(ok.statusCode, 303);
      assert.match((await lead.get(paths.duty)).body, /<td class="nhsuk-table__cell">07700 900 982<\/td>/, 'the rota shows the duty mobile');
      await lead.post(paths.duty, { teamId: a.crisisTeamId, userId: a.crisisPractitioner.userId, role: 'responder', starts: '2026-12-03T19:00', ends: '2026-12-04T07:00' });
      const board = await boardRows(t.platform, a.crisisPractitioner.actor);
      assert.deepEqual(
        board.duty.map((d) => [d.name, d.role, d.onNow]),
        [[a.crisisColleague.actor.displayName, 'Duty senior', true]],
        'tonight only: the shift two days on is not shown',
      );
      const b = new Browser(t.app);
      await signIn(b, a.crisisPractitioner, t.clock);
      assert.match((await b.get(paths.board)).body, new RegExp(`${a.crisisColleague.actor.displayName}, duty senior: 19:00 to 07:00 \\(on now\\), duty mobile <a href="tel:07700900982">07700 900 982</a>`));
      assert.doesNotMatch((await b.get(paths.board)).body, /Nobody on duty now/, 'someone is on now');
      // A practitioner cannot change the rota, and the board offers them no link to it; the lead's does.
      assert.doesNotMatch((await b.get(paths.board)).body, />Duty rota</);
      assert.match((await lead.get(paths.board)).body, /<a href="\/crisis\/duty">Duty rota<\/a>/);
      assert.equal((await b.get(paths.duty)).statusCode, 404);
      // The lead removes the shift.
      const rota = await lead.get(paths.duty);
      const id = /\/crisis\/duty\/([0-9a-f-]+)\/remove/.exec(rota.body)![1]!;
      assert.equal((await lead.post(paths.dutyRemove(id), {})).statusCode, 303);
      assert.deepEqual((await boardRows(t.platform, a.crisisPractitioner.actor)).duty, []);
      const again = (await b.get(paths.board)).body;
      assert.match(again, /Nobody on duty now/);
      assert.match(again, /Tell a team lead: they keep the duty rota\./, 'no rota link for a practitioner');
    });

    it('shows another team, a provider admin and a commissioner nothing of the crisis team', async () => {
      const other = await boardRows(t.platform, a.outsider.actor);
      assert.deepEqual(other.rows, []);
      for (const m of [a.providerAdmin, a.commissioner]) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        assert.equal((await b.get(paths.board)).statusCode, 404, `${m.role}: denied`);
      }
    });

    it('pages a board of many episodes, the most urgent first, with counts of them all', async () => {
      const big = await createCrisisAlliance(t);
      const p = big.crisisPractitioner.actor;
      await t.db.write(async (tx) => {
        for (let i = 0; i < 120; i++) {
          await openEpisodeIn(t.platform, tx, { source: 'phone', priority: i === 119 ? 'emergency' : 'routine', summary: `Call ${i}`, teamId: big.crisisTeamId, openedBy: p.userId });
        }
      });
      const first = await boardRows(t.platform, p);
      assert.deepEqual([first.counts, first.page, first.pages, first.rows.length], [{ open: 120, waiting: 120, overdue: 0 }, 1, 3, 50]);
      assert.equal(first.rows[0]!.priority, 'emergency', 'the emergency opened last is first');
      const last = await boardRows(t.platform, p, t.db.read, 3);
      assert.equal(last.rows.length, 20);
      assert.equal((await boardRows(t.platform, p, t.db.read, 99)).page, 3, 'past the end: the last page');
      const b = new Browser(t.app);
      await signIn(b, big.crisisPractitioner, t.clock);
      const page = await b.get(`${paths.board}?page=2&refresh=60`);
      assert.match(page.body.replace(/\s+/g, ' '), /120 open episodes for A crisis team \d+: 120 waiting for a response, <strong>0 overdue<\/strong>\. Those waiting come first, by time left\. Showing 51 to 100 \(page 2 of 3\)/);
      assert.match(page.body, /href="\/crisis\/board\?refresh=60&amp;page=3"/, 'the next page keeps the refresh choice');
      assert.match(page.body, /<a href="\/crisis\/board\?page=2">Stop refreshing automatically<\/a>/);
    });

    it('counts the board and reads its first page from indexes, without reading or sorting the team’s episodes', async () => {
      const scope = { teamIds: [a.crisisTeamId], responding: [] };
      await refreshPlannerStatistics(t.db.writer, ['crisis_episodes']);
      // On PostgreSQL a table this small is cheaper to read whole, so the planner is asked what it
      // would do were it not: the indexes must then serve the counts and the order.
      const planOf = async (query: Parameters<typeof queryPlan>[1]) => (await queryPlan(t.db.read, query, { withoutSeqScan: true })).join('\n');
      const counts = await planOf(boardCountsQuery(t.db.read, scope, t.clock.now().toISOString()));
      assert.doesNotMatch(counts, /Seq Scan|SCAN e\b|TEMP B-TREE/, counts);
      const page = await planOf(waitingEpisodesQuery(t.db.read, scope, 50, 0));
      assert.match(page, /crisis_episodes_(waiting|open_team)_idx/, page);
      assert.doesNotMatch(page, /Seq Scan|SCAN e\b/, page);
      if (dialect.name === 'sqlite') {
        // SQLite: the three counts from the index alone, and the page in the index's order (no sort).
        assert.equal((counts.match(/USING COVERING INDEX/g) ?? []).length, 3, counts);
        assert.doesNotMatch(page, /TEMP B-TREE/, page);
      }
      // PostgreSQL may fetch the few rows of a test team by the index and sort those, which is no sort
      // of a team's 10,000: at that size the bench's plan is the index in order (board-store.ts).
    });

    it('time left reads the same in words as in colour', () => {
      const now = new Date('2026-12-01T12:00:00.000Z');
      const e = (first: string, target: string, responded: string | null = null) => ({ first_contact_at: first, target_at: target, responded_at: responded, status: 'open' });
      assert.equal(timeLeft(e('2026-12-01T08:00:00.000Z', '2026-12-01T12:00:00.000Z'), now).text, 'Overdue by less than a minute');
      assert.equal(timeLeft(e('2026-12-01T08:00:00.000Z', '2026-12-01T13:00:00.000Z'), now).tag, 'orange', 'an hour of five left: the last quarter');
      assert.equal(timeLeft(e('2026-12-01T08:00:00.000Z', '2026-12-01T15:00:00.000Z'), now).tag, 'green');
      assert.equal(timeLeft(e('2026-12-01T08:00:00.000Z', '2026-12-01T13:00:00.000Z', '2026-12-01T13:30:00.000Z'), now).text, 'Responded at 13:30, after the target');
    });
  });

  describe(`the crisis board of the demo alliance (${dialect.name})`, { skip: dialect.skip }, () => {
    it('shows open episodes of every priority, named and unnamed, a follow-up due, and tonight’s rota; a second run adds nothing', async () => {
      const t = await buildTestApp(dialect);
      try {
        t.clock.set('2026-12-01T19:00:00.000Z');
        await seedDemoAlliance(t.platform, () => {}, [peopleSeed, { name: 'crisis episodes', seedDemo: seedEpisodesDemo }]);
        const actor = {
          kind: 'user' as const,
          userId: DEMO.users.crisisPractitioner,
          displayName: 'Daniel Price',
          memberships: [{ organisationId: DEMO.orgs.trust, teamId: DEMO.teams.crisis, role: 'practitioner' as const }],
          personId: null,
          sessionRef: 'test',
        };
        const board = await boardRows(t.platform, actor);
        assert.deepEqual(board.rows.map((r) => r.priority), ['emergency', 'very-urgent', 'urgent', 'routine']);
        assert.deepEqual(board.rows.map((r) => r.named), [false, true, false, true]);
        assert.equal(board.followUps.length, 1);
        assert.deepEqual(board.duty.map((d) => [d.name, d.onNow]), [['Daniel Price', false]]);
        assert.equal(await seedEpisodesDemo(t.platform, DEMO), undefined);
        assert.equal((await boardRows(t.platform, actor)).rows.length, 4);
      } finally {
        await t.close();
      }
    });
  });

  describe(`boards sharing one read (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: CrisisAlliance;
    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-02T18:00:00.000Z');
      a = await createCrisisAlliance(t);
    });
    after(async () => {
      await t?.close();
    });

    it('share one read while nothing on them changes; a change, the next target passing or the time kept ends it; the clock is read at each render (H13)', async () => {
      const p = a.crisisPractitioner.actor;
      const e = await openEpisode(t.platform, p, { source: 'phone', priority: 'very-urgent', summary: 'Sister worried.', nextAction: 'Call back' });
      const version = () => t.app.live.latestId();
      const board = async (v?: number) => boardRows(t.platform, p, t.db.read, 1, v);
      const nextAction = async (v?: number) => (await board(v)).rows.find((r) => r.id === e.id)?.nextAction;
      const behindTheBack = (text: string) => t.db.write((tx) => tx.updateTable('crisis_episodes').set({ next_action: text }).where('id', '=', e.id).execute());

      const v1 = await version();
      assert.equal(await nextAction(v1), 'Call back');
      // Written without a live event (as no change through Mutual is): a board of the same version keeps its read…
      await behindTheBack('Written behind the board');
      assert.equal(await nextAction(v1), 'Call back', 'the read is shared');
      // …a board read without a version reads afresh (the tests' and tools' way)…
      assert.equal(await nextAction(), 'Written behind the board');
      // …and so does every board once a change publishes its event.
      await openEpisode(t.platform, p, { source: 'walk-in', priority: 'routine', summary: 'Walked in.' });
      const v2 = await version();
      assert.ok(v2 > v1);
      assert.equal(await nextAction(v2), 'Written behind the board');
      assert.equal((await board(v2)).counts.open, 2);

      // The clock: time left is worked out at each render, and the overdue count is read again when the next target passes.
      t.clock.advance(3 * 3_600_000 + 59 * MIN); // one minute before the very urgent target
      assert.match((await board(v2)).rows.find((r) => r.id === e.id)!.timeLeft.text, /^1 minute left$/, 'worked out at the render');
      t.clock.advance(50_000); // ten seconds before it: read again (kept time over), and kept until the target
      assert.equal((await board(v2)).counts.overdue, 0);
      t.clock.advance(20_000); // ten seconds after, well within the time a read is kept
      const after = await board(v2);
      assert.equal(after.counts.overdue, 1, 'read again: the target passed');
      assert.equal(after.rows.find((r) => r.id === e.id)!.timeLeft.overdue, true);

      // Kept no longer than BOARD_READ_KEPT_MS, whatever else.
      await behindTheBack('Written later still');
      assert.equal(await nextAction(v2), 'Written behind the board');
      t.clock.advance(BOARD_READ_KEPT_MS + 1000);
      assert.equal(await nextAction(v2), 'Written later still');
    });
  });
}
