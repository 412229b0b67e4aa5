import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import { startSession } from '../../platform/auth/sessions.ts';
import { queryPlan } from '../../platform/db/dialect/query-plan.ts';
import { refreshPlannerStatistics } from '../../platform/db/dialect/statistics.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { cookieName } from '../../platform/http/security.ts';
import { buildTestApp, type TestApp } from '../../testing/app.ts';
import { listQueue, QUEUE_PAGE_SIZE, recordAttempt } from './queue.ts';
import { openRequestsPage, type QueueFilters, queueCountsQuery, queuePageQuery, updateRequest } from './store.ts';
import { createHub, type Hub, submit } from './testing.ts';

const OPEN = 120; // two full pages and a third of 20
const NOW = '2026-12-01T10:00:00.000Z'; // Tuesday, 10:00 in London
const SOURCES = ['self', 'family-or-friend', 'professional', 'champion'] as const;

interface Open {
  id: string;
  urgency: string;
  status: string;
  owner_user_id: string | null;
  source: string;
  need_group: string | null;
  contact_target_at: string;
  first_contact_at: string | null;
  escalated_at: string | null;
}

const ms = (iso: string) => new Date(iso).getTime();
const contacted = (r: Open) => r.first_contact_at !== null;
const missed = (r: Open, now: number) =>
  (!contacted(r) && ms(r.contact_target_at) <= now) || (contacted(r) && ms(r.first_contact_at!) > ms(r.contact_target_at)) || r.escalated_at !== null;

/** The queue's order, worked out here from the rows themselves. */
function queueOrder(a: Open, b: Open): number {
  return Number(contacted(a)) - Number(contacted(b)) || ms(a.contact_target_at) - ms(b.contact_target_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

for (const dialect of testDialects()) {
  describe(`the front door queue, a page at a time (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let hub: Hub;
    let cookie: Record<string, string>;
    let open: Open[];

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set(NOW);
      hub = await createHub(t.platform);
      const ids = (await Promise.all(Array.from({ length: OPEN }, () => submit(t.platform)))).map((s) => s.id);
      // Targets in an order unlike the order of submission: 37 and 120 share no factor, so
      // i * 37 % 120 visits every slot once. Slots 0 to 4 are past their target, the rest 30 minutes apart.
      await t.db.write(async (tx) => {
        for (const [i, id] of ids.entries()) {
          const slot = (i * 37) % OPEN;
          await updateRequest(tx, id, t.clock.now(), {
            contact_target_at: new Date(ms(NOW) + (slot * 30 - 135) * 60_000).toISOString(),
            urgency: i % 10 === 0 ? 'crisis' : i % 7 === 0 ? 'urgent' : 'routine',
            source: SOURCES[i % 4]!,
            need_group: i % 3 === 0 ? 'getting-help' : null,
            owner_user_id: i % 8 === 0 ? hub.practitioner.userId : null,
          });
        }
      });
      // Some reached already, a few of them after their target had passed.
      for (const id of ids.filter((_, i) => i % 11 === 0)) {
        await recordAttempt(t.platform, hub.practitioner, id, { method: 'phone', result: 'reached' });
      }
      open = (await t.db.read
        .selectFrom('requests')
        .select(['id', 'urgency', 'status', 'owner_user_id', 'source', 'need_group', 'contact_target_at', 'first_contact_at', 'escalated_at'])
        .where('team_id', '=', hub.teamId)
        .where('status', '<>', 'closed')
        .execute()) as Open[];
      open.sort(queueOrder);
      const sessionId = await t.db.write((tx) => startSession(tx, t.config, t.clock.now(), { userId: hub.practitioner.userId, stage: 'full' }));
      cookie = { [cookieName(t.config, 'session')]: sessionId };
    });
    after(async () => {
      await t.close();
    });

    const page = (n: number, filters: QueueFilters = {}) => listQueue(t.platform, hub.practitioner, filters, n);
    const get = (url: string) => t.app.inject({ method: 'GET', url, cookies: cookie, headers: { accept: 'text/html' } });

    it('shows 50 requests a page in order of time left: page 2 goes on where page 1 stopped, and page 3 has the rest', async () => {
      assert.equal(open.length, OPEN);
      const [one, two, three] = [await page(1), await page(2), await page(3)];
      assert.deepEqual([one.rows.length, two.rows.length, three.rows.length], [QUEUE_PAGE_SIZE, QUEUE_PAGE_SIZE, OPEN - 2 * QUEUE_PAGE_SIZE]);
      assert.deepEqual([one.pages, one.pastEnd, three.pastEnd], [3, false, false]);
      assert.deepEqual(
        [...one.rows, ...two.rows, ...three.rows].map((r) => r.id),
        open.map((r) => r.id),
      );
      const html = (await get('/front-door?page=2')).body;
      assert.match(html, /Showing 51 to 100 of 120 requests \(page 2 of 3\)/);
      const onPage = [...html.matchAll(/href="\/front-door\/requests\/([^"]+)"/g)].map((m) => m[1]);
      assert.deepEqual(onPage, open.slice(50, 100).map((r) => r.id));
    });

    it('puts missed targets first, then the nearest targets, and requests already contacted after every one still waiting', async () => {
      const now = ms(NOW);
      const rows = [...(await page(1)).rows, ...(await page(2)).rows, ...(await page(3)).rows];
      const waiting = rows.filter((r) => r.first_contact_at === null);
      const firstContacted = rows.findIndex((r) => r.first_contact_at !== null);
      assert.ok(firstContacted > 0 && rows.slice(firstContacted).every((r) => r.first_contact_at !== null), 'contacted requests come last');
      const late = waiting.filter((r) => ms(r.contact_target_at) <= now);
      assert.ok(late.length >= 3, 'the fixture has requests past their target');
      assert.deepEqual(
        rows.slice(0, late.length).map((r) => r.id),
        late.map((r) => r.id),
        'missed targets lead the first page',
      );
      for (let i = 1; i < waiting.length; i++) assert.ok(ms(waiting[i - 1]!.contact_target_at) <= ms(waiting[i]!.contact_target_at));
      assert.match((await get('/front-door')).body, /Target missed 1 hour 45 minutes ago/);
      assert.match((await get('/front-door?page=3')).body, /Contacted after the target/);
    });

    it('counts requests by urgency and missed target at the top, and each filter narrows the list and its count alike', async () => {
      const now = ms(NOW);
      const { counts } = await page(1);
      assert.deepEqual(counts, {
        open: OPEN,
        crisis: open.filter((r) => r.urgency === 'crisis').length,
        urgent: open.filter((r) => r.urgency === 'urgent').length,
        routine: open.filter((r) => r.urgency === 'routine').length,
        missedTarget: open.filter((r) => missed(r, now)).length,
        matching: OPEN,
      });
      assert.ok(counts.crisis > 0 && counts.urgent > 0 && counts.missedTarget > 0);
      const me = hub.practitioner.userId;
      const cases: [QueueFilters, (r: Open) => boolean][] = [
        [{ urgency: 'crisis' }, (r) => r.urgency === 'crisis'],
        [{ status: 'contacted' }, (r) => r.status === 'contacted'],
        [{ owner: 'me' }, (r) => r.owner_user_id === me],
        [{ owner: 'unassigned' }, (r) => r.owner_user_id === null],
        [{ source: 'professional' }, (r) => r.source === 'professional'],
        [{ needGroup: 'none' }, (r) => r.need_group === null],
        [{ needGroup: 'getting-help' }, (r) => r.need_group === 'getting-help'],
        [{ breached: true }, (r) => missed(r, now)],
        [{ urgency: 'routine', owner: 'unassigned', breached: true }, (r) => r.urgency === 'routine' && r.owner_user_id === null && missed(r, now)],
      ];
      for (const [filters, keep] of cases) {
        const expected = open.filter(keep).map((r) => r.id);
        assert.ok(expected.length > 0, `the fixture has requests for ${JSON.stringify(filters)}`);
        const first = await page(1, filters);
        const rows = [...first.rows];
        for (let n = 2; n <= first.pages; n++) rows.push(...(await page(n, filters)).rows);
        assert.deepEqual(
          rows.map((r) => r.id),
          expected,
          JSON.stringify(filters),
        );
        assert.equal(first.counts.matching, expected.length, JSON.stringify(filters));
        assert.equal(first.counts.open, OPEN, 'the counts at the top stay those of the whole queue');
      }
      const html = (await get('/front-door')).body;
      assert.match(html, new RegExp(`Crisis: ${counts.crisis}<`));
      assert.match(html, new RegExp(`Missed their contact target: ${counts.missedTarget} \\(<a href="/front-door\\?breached=yes">`));
    });

    it('keeps the filters in the page links', async () => {
      const routineUnassigned = open.filter((r) => r.urgency === 'routine' && r.owner_user_id === null).length;
      assert.ok(routineUnassigned > QUEUE_PAGE_SIZE && routineUnassigned <= 2 * QUEUE_PAGE_SIZE, 'two pages of routine requests nobody owns');
      const linksOf = (html: string) => [...html.matchAll(/href="(\/front-door\?[^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
      const one = await get('/front-door?owner=unassigned&urgency=routine');
      assert.equal(one.statusCode, 200);
      assert.match(one.body, new RegExp(`Showing 1 to 50 of ${routineUnassigned} matching requests \\(page 1 of 2\\)`));
      assert.ok(linksOf(one.body).includes('/front-door?urgency=routine&owner=unassigned&page=2'), 'next, and page 2');
      const two = await get('/front-door?owner=unassigned&urgency=routine&page=2');
      assert.ok(linksOf(two.body).includes('/front-door?urgency=routine&owner=unassigned'), 'previous, and page 1: the filters, no page');
      for (const html of [one.body, two.body]) {
        for (const link of linksOf(html).filter((l) => l.includes('page='))) assert.match(link, /^\/front-door\?urgency=routine&owner=unassigned&page=\d+$/);
        assert.match(html, /aria-current="page"/);
      }
    });

    it('answers a page past the end with no rows and a link to the last page, not an error', async () => {
      const past = await page(9);
      assert.deepEqual([past.rows.length, past.pastEnd, past.pages], [0, true, 3]);
      const res = await get('/front-door?page=9');
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /There is no page 9: there are 3 pages\. <a href="\/front-door\?page=3">Go to the last page \(page 3\)<\/a>/);
      const filtered = await get('/front-door?urgency=crisis&page=4');
      assert.equal(filtered.statusCode, 200);
      assert.match(filtered.body, /There is no page 4 of requests matching these filters: there is 1 page\./);
      const none = await get('/front-door?needGroup=getting-risk-support');
      assert.equal(none.statusCode, 200);
      assert.match(none.body, /<p id="page">No open requests match these filters\.<\/p>/);
      assert.doesNotMatch(none.body, /<table/);
    });

    it('says what is wrong with a page number that is not a page, with a 400 and never a 500', async () => {
      const cases: [string, RegExp][] = [
        ['page=0', /Page must be 1 or more/],
        ['page=-3', /Page must be 1 or more/],
        ['page=two', /Page must be a number, like 2/],
        ['page=1.5', /Page must be a whole number, like 2/],
        ['page=10001', /Page must be 10,000 or less/],
        ['page=1&page=2', /Page must be a number, like 2/],
        ['page=9999999999999999999999', /Page must be 10,000 or less/],
      ];
      for (const [query, message] of cases) {
        const res = await get(`/front-door?${query}`);
        assert.equal(res.statusCode, 400, query);
        assert.match(res.body, /There is a problem/, query);
        assert.match(res.body, message, query);
        assert.match(res.body, /href="#page"/, `${query}: the summary links to the page position`);
      }
      assert.equal((await get('/front-door?page=')).statusCode, 200, 'an empty page is the first');
    });

    it('reads a page with three queries whatever its length, and audits the view once, not once a row', async () => {
      let queries = 0;
      const counting: KyselyPlugin = {
        transformQuery: (args) => {
          queries++;
          return args.node;
        },
        transformResult: async (args) => args.result,
      };
      const scope = { teamIds: [hub.teamId], userId: hub.practitioner.userId, now: t.clock.now() };
      const rows = await openRequestsPage(t.db.read.withPlugin(counting), scope, {}, { limit: QUEUE_PAGE_SIZE, offset: 0 });
      assert.equal(rows.length, QUEUE_PAGE_SIZE);
      assert.ok(rows.some((r) => r.owner_name !== null) && rows.every((r) => r.family_name !== ''), 'names and owners are filled in');
      assert.equal(queries, 3, 'the page, then the people and the owners in one look-up each');

      const views = () => t.db.read.selectFrom('audit_events').select(['seq']).where('action', '=', 'front-door.queue.view').execute();
      const before = (await views()).length;
      assert.equal((await get('/front-door')).statusCode, 200);
      assert.equal((await views()).length, before + 1);
    });

    it('serves the page and the counts from the queue index, without sorting the open requests', async () => {
      await refreshPlannerStatistics(t.db.writer, ['requests']);
      const scope = { teamIds: [hub.teamId], userId: hub.practitioner.userId, now: t.clock.now() };
      // On PostgreSQL a table this small is cheaper to read whole, so the planner is asked what it
      // would do were it not: the index must then serve the order. With a selective filter it may
      // rather fetch the few matching rows by the index and sort those, which is no sort of the queue.
      const planOf = async (query: Parameters<typeof queryPlan>[1]) => (await queryPlan(t.db.read, query, { withoutSeqScan: true })).join('\n');
      for (const offset of [0, 100]) {
        const plan = await planOf(queuePageQuery(t.db.read, scope, {}, { limit: QUEUE_PAGE_SIZE, offset }));
        assert.match(plan, /requests_queue_idx/, plan);
        assert.doesNotMatch(plan, /TEMP B-TREE|\bSort\b|Seq Scan/, plan);
      }
      for (const filters of [{}, { urgency: 'crisis' }, { owner: 'me', breached: true }, { needGroup: 'none', source: 'self' }] as QueueFilters[]) {
        for (const query of [queuePageQuery(t.db.read, scope, filters, { limit: QUEUE_PAGE_SIZE, offset: 0 }), queueCountsQuery(t.db.read, scope, filters)]) {
          const plan = await planOf(query);
          assert.match(plan, /requests_queue_idx/, plan);
          assert.doesNotMatch(plan, /TEMP B-TREE|Seq Scan/, plan);
        }
      }
      if (dialect.name === 'sqlite') {
        // SQLite reads only the index, never a row of the table (so never the story).
        const plan = await queryPlan(t.db.read, queuePageQuery(t.db.read, scope, {}, { limit: QUEUE_PAGE_SIZE, offset: 0 }));
        assert.deepEqual(plan, ['SCAN requests USING COVERING INDEX requests_queue_idx']);
      }
    });
  });
}
