// Holds on places (issue 6, item 3): never overbooked under real concurrency on both engines (50 holds
// on the last place: one success, 49 refusals, through HTTP and through two database connections as
// two server processes would have); holds expire by their durable timer; admit and discharge (with the
// 72-hour follow-up); the directory's capacity moves in the same unit of work; a full place is refused
// with the alternatives open now, on the page and in the problem response.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../app.ts';
import { testConfig } from '../../config.ts';
import { createPlatform, type Platform } from '../../platform/context.ts';
import { type Database, openDatabase } from '../../platform/db/database.ts';
import { type TestDatabase, testDialects } from '../../platform/db/testing.ts';
import { ConflictError } from '../../platform/http/problems.ts';
import { runDueTimers } from '../../platform/jobs/timers.ts';
import { TestClock } from '../../platform/time/clock.ts';
import { Browser, type TestApp } from '../../testing/app.ts';
import { signIn } from '../../testing/auth.ts';
import { serviceRecord } from '../directory/factories.ts';
import { upsertServiceRecord } from '../directory/store.ts';
import { type Alliance, createAlliance, personWithRequest } from '../people/testing.ts';
import { paths } from './paths.ts';
import { admitHold, cancelHold, dischargeHold, holdPlace, PlaceFullError } from './places.ts';
import { aPlace } from './place-testing.ts';

const COOKIE_SECRET = 'test-cookie-secret-of-at-least-32-characters';

/** The real app on a fresh database, and a second connection to the same database with its own platform: a second server process. */
async function buildTwoProcesses(dialect: ReturnType<typeof testDialects>[number]): Promise<{ t: TestApp; other: Platform; closeOther: () => Promise<void> }> {
  const fresh: TestDatabase = await dialect.fresh();
  const clock = new TestClock();
  const config = testConfig();
  const platform = createPlatform(config, fresh.db, clock);
  const app = await buildApp(platform, { cookieSecret: COOKIE_SECRET });
  await app.ready();
  const db2: Database = openDatabase(fresh.target);
  const other = createPlatform(config, db2, clock);
  const app2 = await buildApp(other, { cookieSecret: COOKIE_SECRET });
  await app2.ready();
  const t: TestApp = {
    app,
    db: fresh.db,
    clock,
    config,
    platform,
    async close() {
      await app.close();
      await fresh.close();
    },
  };
  return {
    t,
    other,
    closeOther: async () => {
      await app2.close();
      await db2.close();
    },
  };
}

for (const dialect of testDialects()) {
  describe(`holds on places (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let other: Platform;
    let closeOther: () => Promise<void>;
    let a: Alliance;
    let practitioner: Browser;

    before(async () => {
      ({ t, other, closeOther } = await buildTwoProcesses(dialect));
      t.clock.set('2026-12-01T19:00:00.000Z');
      a = await createAlliance(t);
      practitioner = new Browser(t.app);
      await signIn(practitioner, a.hubPractitioner, t.clock);
    });
    after(async () => {
      await closeOther?.();
      await t?.close();
    });

    const place = (id: string) => t.db.read.selectFrom('crisis_places').select(['held', 'occupied', 'maximum']).where('id', '=', id).executeTakeFirstOrThrow();
    const capacity = (serviceId: string) => t.db.read.selectFrom('directory_service_capacity').select(['available', 'maximum', 'unit', 'updated']).where('service_id', '=', serviceId).execute();
    const holdsAt = (id: string) => t.db.read.selectFrom('crisis_place_holds').select(['id', 'status', 'person_id']).where('place_id', '=', id).execute();
    const apiHold = (placeId: string, body: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: paths.apiPlaceHolds(placeId), cookies: practitioner.jar.header(), headers: { 'content-type': 'application/json', accept: 'application/json' }, payload: JSON.stringify(body) });

    async function aService(maximum: number, unit = 'places') {
      const record = serviceRecord({ name: `Sanctuary ${Math.random()}`, capacity: [{ id: crypto.randomUUID(), available: maximum, maximum, unit, updated: '2026-11-01T09:00:00.000Z' }] });
      await t.db.write((tx) => upsertServiceRecord(tx, record));
      return record.id;
    }

    /** Every timer due now (a pass takes at most 50: the front door's own timers of the people made here come due too). */
    async function runAllDueTimers() {
      while ((await runDueTimers(t.platform)).claimed > 0);
    }

    /** Sessions end after 30 idle minutes: tests that move the clock far sign in again. */
    async function signInAgain() {
      t.clock.advance(30_000);
      practitioner = new Browser(t.app);
      await signIn(practitioner, a.hubPractitioner, t.clock);
    }

    async function people(n: number): Promise<string[]> {
      return Promise.all(Array.from({ length: n }, async () => (await personWithRequest(t)).personId));
    }

    it('gives exactly one of 50 concurrent HTTP holds on the last place, and 49 clear refusals with the alternatives', async () => {
      const serviceId = await aService(3);
      const placeId = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'sanctuary', maximum: 3, serviceId });
      const alternative = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'crisis-cafe', maximum: 5, name: 'Open crisis café' });
      const persons = await people(52);
      // Two of the three are taken first: one place is left.
      for (const personId of persons.slice(0, 2)) assert.equal((await apiHold(placeId, { personId })).statusCode, 201);
      const answers = await Promise.all(persons.slice(2).map((personId) => apiHold(placeId, { personId })));
      const statuses = answers.map((r) => r.statusCode);
      assert.equal(statuses.filter((s) => s === 201).length, 1, `one success, got ${JSON.stringify(statuses)}`);
      const refused = answers.filter((r) => r.statusCode === 409);
      assert.equal(refused.length, 49);
      for (const r of refused) {
        assert.match(String(r.headers['content-type']), /application\/problem\+json/);
        const problem = r.json();
        assert.equal(problem.type, 'https://mutual.invalid/problems/place-full');
        assert.match(problem.title, /is full/);
        assert.deepEqual(problem.capacity.available, 0);
        assert.ok(problem.alternatives.some((x: { id: string }) => x.id === alternative), 'the café with space, open now, is offered');
      }
      assert.deepEqual(await place(placeId), { held: 3, occupied: 0, maximum: 3 });
      assert.equal((await holdsAt(placeId)).filter((h) => h.status === 'held').length, 3);
      assert.deepEqual((await capacity(serviceId)).map((c) => [c.available, c.maximum]), [[0, 3]], 'the directory shows it full, in step');
      // Each refusal is in the person's audit trail.
      const denied = await t.db.read.selectFrom('audit_events').select(['person_id']).where('action', '=', 'crisis.holds.create').where('outcome', '=', 'denied').execute();
      assert.equal(denied.length, 49);
    });

    it('gives exactly one of 50 concurrent holds split across two database connections (two server processes)', async () => {
      const placeId = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'crisis-house', maximum: 1 });
      const persons = await people(50);
      const results = await Promise.allSettled(
        persons.map((personId, i) => holdPlace(i % 2 === 0 ? t.platform : other, a.hubPractitioner.actor, placeId, { personId }, null)),
      );
      const ok = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      assert.equal(ok.length, 1);
      assert.equal(refused.length, 49);
      for (const r of refused) assert.ok(r.reason instanceof PlaceFullError, `refused as full, not ${String(r.reason)}`);
      assert.deepEqual(await place(placeId), { held: 1, occupied: 0, maximum: 1 });
      assert.equal((await holdsAt(placeId)).length, 1);
    });

    it('refuses, in the database itself, a change that would overbook a place', async () => {
      const placeId = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, maximum: 2 });
      await assert.rejects(t.db.write((tx) => tx.updateTable('crisis_places').set({ held: 2, occupied: 1 }).where('id', '=', placeId).execute()));
      await assert.rejects(t.db.write((tx) => tx.updateTable('crisis_places').set({ held: -1 }).where('id', '=', placeId).execute()));
      assert.deepEqual(await place(placeId), { held: 0, occupied: 0, maximum: 2 });
    });

    it('releases a hold when its time runs out (the durable timer), and gives the place back to the directory', async () => {
      const serviceId = await aService(2, 'beds');
      const placeId = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'crisis-house', maximum: 2, serviceId });
      const [personId] = await people(1);
      const res = await apiHold(placeId, { personId });
      assert.equal(res.statusCode, 201);
      const { holdId, expiresAt } = res.json();
      assert.equal(new Date(expiresAt).getTime() - t.clock.now().getTime(), 2 * 3_600_000, 'two hours by default');
      assert.equal((await capacity(serviceId))[0]!.available, 1);

      // Not yet: an hour later the hold stands.
      t.clock.advance(3_600_000);
      await runAllDueTimers();
      assert.equal((await t.db.read.selectFrom('crisis_place_holds').select(['status']).where('id', '=', holdId).executeTakeFirstOrThrow()).status, 'held');

      t.clock.advance(3_600_000 + 1000);
      await runAllDueTimers();
      const hold = await t.db.read.selectFrom('crisis_place_holds').select(['status', 'released_at', 'release_reason']).where('id', '=', holdId).executeTakeFirstOrThrow();
      assert.equal(hold.status, 'expired');
      assert.ok(hold.released_at);
      assert.deepEqual(await place(placeId), { held: 0, occupied: 0, maximum: 2 });
      const [cap] = await capacity(serviceId);
      assert.equal(cap!.available, 2);
      assert.equal(cap!.updated, t.clock.now().toISOString(), 'HSDS updated moves with the figure');
      const audit = await t.db.read.selectFrom('audit_events').select(['action', 'actor_role']).where('person_id', '=', personId!).where('action', '=', 'crisis.holds.expire').execute();
      assert.deepEqual(audit, [{ action: 'crisis.holds.expire', actor_role: 'system' }]);
      const events = await t.db.read.selectFrom('crisis_place_events').select(['kind']).where('hold_id', '=', holdId).orderBy('at').execute();
      assert.deepEqual(events.map((e) => e.kind), ['hold', 'expire']);
      // An expired hold cannot be admitted.
      await assert.rejects(admitHold(t.platform, a.hubPractitioner.actor, holdId, null), ConflictError);
    });

    it('holds for as long as asked, within the limit', async () => {
      await signInAgain();
      const placeId = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, holdHours: 4 });
      const [p1, p2] = await people(2);
      const byDefault = (await apiHold(placeId, { personId: p1 })).json();
      assert.equal(new Date(byDefault.expiresAt).getTime() - t.clock.now().getTime(), 4 * 3_600_000, 'the place’s own default');
      const asked = (await apiHold(placeId, { personId: p2, hours: 1 })).json();
      assert.equal(new Date(asked.expiresAt).getTime() - t.clock.now().getTime(), 3_600_000);
      const tooLong = await apiHold(placeId, { personId: p2, hours: 100 });
      assert.equal(tooLong.statusCode, 400);
      assert.equal(tooLong.json().errors[0].field, 'hours');
    });

    it('admits a held person, discharges them with a follow-up task within 72 hours, and keeps the directory in step throughout', async () => {
      const serviceId = await aService(2, 'beds');
      const placeId = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'crisis-house', maximum: 2, serviceId });
      const [personId] = await people(1);
      const held = await holdPlace(t.platform, a.hubPractitioner.actor, placeId, { personId: personId!, note: 'Arriving by taxi' }, null);
      assert.equal((await capacity(serviceId))[0]!.available, 1);

      await admitHold(t.platform, a.hubPractitioner.actor, held.holdId, 'Arrived with her sister');
      assert.deepEqual(await place(placeId), { held: 0, occupied: 1, maximum: 2 });
      assert.equal((await capacity(serviceId))[0]!.available, 1, 'a stay uses the place as a hold did');
      const timer = await t.db.read.selectFrom('timers').select(['status']).where('dedupe_key', '=', `crisis:hold-expiry:${held.holdId}`).execute();
      assert.deepEqual(timer, [], 'the expiry timer is cancelled on admission');
      // Admitting twice is refused: the hold has moved on.
      await assert.rejects(admitHold(t.platform, a.hubPractitioner.actor, held.holdId, null), ConflictError);

      t.clock.advance(3 * 86_400_000);
      const { followUpTaskId } = await dischargeHold(t.platform, a.hubPractitioner.actor, held.holdId, 'Home to her flat; the home treatment team visits tomorrow.');
      assert.ok(followUpTaskId, 'discharge from a crisis house makes a follow-up');
      assert.deepEqual(await place(placeId), { held: 0, occupied: 0, maximum: 2 });
      assert.equal((await capacity(serviceId))[0]!.available, 2);
      const task = await t.db.read.selectFrom('tasks').select(['team_id', 'person_id', 'due_at', 'status']).where('id', '=', followUpTaskId!).executeTakeFirstOrThrow();
      assert.deepEqual(task, { team_id: a.hubTeamId, person_id: personId, due_at: new Date(t.clock.now().getTime() + 72 * 3_600_000).toISOString(), status: 'open' });
      const hold = await t.db.read.selectFrom('crisis_place_holds').select(['status', 'admitted_by', 'discharged_by', 'discharge_note']).where('id', '=', held.holdId).executeTakeFirstOrThrow();
      assert.deepEqual(hold, { status: 'discharged', admitted_by: a.hubPractitioner.userId, discharged_by: a.hubPractitioner.userId, discharge_note: 'Home to her flat; the home treatment team visits tomorrow.' });
      const actions = (await t.db.read.selectFrom('audit_events').select(['action']).where('person_id', '=', personId!).orderBy('seq').execute()).map((e) => e.action);
      for (const action of ['crisis.holds.create', 'crisis.holds.admit', 'crisis.holds.discharge']) assert.ok(actions.includes(action), action);
      // Each change reached the boards as a live event, by place and numbers only.
      const live = await t.db.read.selectFrom('live_events').select(['payload']).where('channel', '=', 'crisis:places').execute();
      const mine = live.map((e) => JSON.parse(e.payload)).filter((p) => p.placeId === placeId);
      assert.deepEqual(mine.map((p) => [p.change, p.available]), [['hold', 1], ['admit', 1], ['discharge', 2]]);
      assert.ok(!JSON.stringify(mine).includes(personId!), 'no person in a live event');
      const events = await t.db.read.selectFrom('crisis_place_events').select(['kind', 'held_after', 'occupied_after']).where('hold_id', '=', held.holdId).orderBy('at').execute();
      assert.deepEqual(events, [
        { kind: 'hold', held_after: 1, occupied_after: 0 },
        { kind: 'admit', held_after: 0, occupied_after: 1 },
        { kind: 'discharge', held_after: 0, occupied_after: 0 },
      ]);
    });

    it('admits a walk-in at once, and a café visit ends without a follow-up', async () => {
      const placeId = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'crisis-cafe', maximum: 2 });
      const [personId] = await people(1);
      const held = await holdPlace(t.platform, a.hubPractitioner.actor, placeId, { personId: personId!, admitNow: 'yes' }, null);
      assert.equal(held.status, 'admitted');
      assert.deepEqual(await place(placeId), { held: 0, occupied: 1, maximum: 2 });
      assert.deepEqual(await t.db.read.selectFrom('timers').select(['id']).where('dedupe_key', '=', `crisis:hold-expiry:${held.holdId}`).execute(), [], 'no expiry for a stay');
      const { followUpTaskId } = await dischargeHold(t.platform, a.hubPractitioner.actor, held.holdId, 'Went home with a friend after a cup of tea.');
      assert.equal(followUpTaskId, null);
      assert.deepEqual(await place(placeId), { held: 0, occupied: 0, maximum: 2 });
    });

    it('cancels a hold with a reason, giving the place back at once', async () => {
      const serviceId = await aService(1);
      const placeId = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, maximum: 1, serviceId });
      const [p1, p2] = await people(2);
      const held = await holdPlace(t.platform, a.hubPractitioner.actor, placeId, { personId: p1! }, null);
      await assert.rejects(holdPlace(t.platform, a.hubPractitioner.actor, placeId, { personId: p2! }, null), PlaceFullError);
      await cancelHold(t.platform, a.hubPractitioner.actor, held.holdId, { reasonKind: 'elsewhere' });
      assert.equal((await capacity(serviceId))[0]!.available, 1);
      const second = await holdPlace(t.platform, a.hubPractitioner.actor, placeId, { personId: p2! }, null);
      assert.equal(second.status, 'held');
      const row = await t.db.read.selectFrom('crisis_place_holds').select(['status', 'release_reason']).where('id', '=', held.holdId).executeTakeFirstOrThrow();
      assert.deepEqual(row, { status: 'cancelled', release_reason: 'The person is going somewhere else' });
      await assert.rejects(cancelHold(t.platform, a.hubPractitioner.actor, held.holdId, { reasonKind: 'elsewhere' }), ConflictError, 'a cancelled hold cannot be cancelled again');
    });

    it('refuses a hold on a full place on the page too, listing what is open now and of a suitable kind', async () => {
      // Evenings only: 18:00 to midnight. It is 19:00 in London on the test clock's day (winter: UTC).
      const evenings = { weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [{ opens: '18:00', closes: '24:00' }]])), bankHolidays: 'open' as const };
      t.clock.set('2026-12-02T19:00:00.000Z');
      const full = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'sanctuary', maximum: 1, name: 'Full sanctuary' });
      const openCafe = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'crisis-cafe', maximum: 3, name: 'Evening café', hours: evenings });
      const closedCafe = await aPlace(t.platform, {
        teamId: a.communityTeamId,
        organisationId: a.organisationId,
        kind: 'crisis-cafe',
        maximum: 3,
        name: 'Lunchtime café',
        hours: { weekly: { mon: [{ opens: '11:00', closes: '14:00' }] }, bankHolidays: 'closed' },
      });
      const homeTreatment = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'home-treatment', maximum: 3, name: 'Home treatment slots' });
      const [p1, p2] = await people(2);
      await holdPlace(t.platform, a.hubPractitioner.actor, full, { personId: p1! }, null);
      await signInAgain();
      await practitioner.get(paths.placeHoldNew(full));
      const res = await practitioner.post(paths.placeHoldNew(full), { personId: p2!, hours: '2', admitNow: 'no' });
      assert.equal(res.statusCode, 409);
      assert.ok(res.body.includes('Full sanctuary is full'));
      const list = res.body.slice(res.body.indexOf('id="alternatives"'));
      assert.ok(list.includes(paths.placeHoldNew(openCafe)), 'the café open now is offered');
      assert.ok(list.includes('Evening café'));
      assert.ok(!list.includes(paths.placeHoldNew(closedCafe)), 'a café closed now is not');
      assert.ok(!list.includes(paths.placeHoldNew(homeTreatment)), 'home treatment does not stand in for a sanctuary');
      assert.ok(list.includes('Open now, closes at midnight'), 'its hours, as text');
      assert.ok(list.includes(`?person=${p2}`), 'holding at the alternative keeps the person');
    });
  });
}
