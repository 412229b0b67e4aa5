import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../platform/db/testing.ts';
import { runDueTimers } from '../../platform/jobs/timers.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTeam } from '../../platform/auth/accounts.ts';
import { createTestUser, signIn, type TestUser } from '../../testing/auth.ts';
import needs from './data/needs-taxonomy.json' with { type: 'json' };
import { REVIEW_TIMER } from './effects.ts';
import { setServiceCapacity } from './store.ts';

const feelingLow = needs.terms.find((t) => t.code === 'feeling-low')!.id;

/** A complete, valid service form. */
function serviceForm(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  return {
    name: 'Stockwell Listening Room',
    description: 'A quiet room with a trained listener, for anyone feeling low.',
    status: 'active',
    accepting: 'yes',
    howToAccess: ['self-referral'],
    needs: [feelingLow],
    free: 'yes',
    phone: '020 7946 0123',
    locationName: 'Stockwell Hall',
    address1: '3 Stockwell Road',
    town: 'London',
    postcode: 'SW9 9SL',
    languages: 'English, Portuguese',
    bankHolidays: 'closed',
    opens_tu: '18:00',
    closes_tu: '22:00',
    opens_th: '18:00',
    closes_th: '22:00',
    capacityAvailable: '3',
    capacityMaximum: '8',
    capacityUnit: 'places',
    ...overrides,
  };
}

for (const dialect of testDialects()) {
  describe(`provider admin (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let alice: TestUser; // provider admin of organisation A
    let bob: TestUser; // provider admin of organisation B
    let a: Browser;
    let b: Browser;

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-06-01T09:00:00Z');
      await t.db.write((tx) => tx.insertInto('postcodes').values({ postcode: 'SW9 9SL', outcode: 'SW9', latitude: 51.4631, longitude: -0.1131 }).execute());
      alice = await createTestUser(t.db, t.clock, { role: 'provider-admin' });
      bob = await createTestUser(t.db, t.clock, { role: 'provider-admin' });
    });
    after(async () => {
      await t?.close();
    });

    /** Sets the clock, then signs both admins in afresh (sessions expire when the clock jumps). */
    async function at(iso: string) {
      t.clock.set(iso);
      a = new Browser(t.app);
      b = new Browser(t.app);
      await signIn(a, alice, t.clock);
      t.clock.advance(31_000);
      await signIn(b, bob, t.clock);
    }

    /** The review timers of a service (the payload is JSON text on SQLite, jsonb on PostgreSQL: read, then matched here). */
    async function reviewTimers(serviceId: string) {
      const rows = await t.db.read.selectFrom('timers').select(['due_at', 'status', 'payload']).where('kind', '=', REVIEW_TIMER).orderBy('due_at').execute();
      return rows.filter((r) => (JSON.parse(r.payload) as { serviceId?: string }).serviceId === serviceId).map(({ due_at, status }) => ({ due_at, status }));
    }

    async function createAs(browser: Browser, form = serviceForm()): Promise<string> {
      await browser.get('/directory/manage/services/new');
      const res = await browser.post('/directory/manage/services', form);
      assert.equal(res.statusCode, 303, res.body.slice(0, 300));
      const list = await browser.get('/directory/manage');
      const id = new RegExp(`href="/directory/manage/services/([^"/]+)/edit">${form.name}<`).exec(list.body)?.[1];
      assert.ok(id, 'the new service is listed');
      return id;
    }

    it('creates a service with its place, hours and capacity; it is public, audited, and has history', async () => {
      await at('2026-06-01T09:00:00Z');
      const id = await createAs(a);
      t.clock.set('2026-06-02T19:00:00Z'); // a Tuesday evening
      const page = await t.app.inject({ method: 'GET', url: `/directory/services/${id}` });
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Open now · closes 22:00/);
      assert.match(page.body, /Tuesday and Thursday, 18:00 to 22:00/);
      assert.match(page.body, /3 of 8 places available/);
      assert.match(page.body, /Last checked 1 June 2026/);
      const found = await t.app.inject({ method: 'GET', url: '/directory?need=feeling-low&postcode=SW9+9SL&when=now' });
      assert.match(found.body, /Stockwell Listening Room/);
      const audit = await t.db.read.selectFrom('audit_events').select(['action', 'actor_user_id']).where('entity_id', '=', id).execute();
      assert.deepEqual(audit, [{ action: 'directory.service.create', actor_user_id: alice.userId }]);
      const history = await t.db.read.selectFrom('directory_service_history').select(['version', 'change', 'actor_user_id']).where('service_id', '=', id).execute();
      assert.deepEqual(history, [{ version: 1, change: 'created', actor_user_id: alice.userId }]);
    });

    it('edits a service, keeping every version, and archives it out of search', async () => {
      await at('2026-06-03T09:00:00Z');
      const id = await createAs(a, serviceForm({ name: 'Clapham Coffee and Chat' }));
      await a.get(`/directory/manage/services/${id}/edit`);
      const res = await a.post(`/directory/manage/services/${id}`, serviceForm({ name: 'Clapham Coffee and Chat', accepting: 'no', opens_sa: '10:00', closes_sa: '12:00' }));
      assert.equal(res.statusCode, 303);
      const edit = await a.get(`/directory/manage/services/${id}/edit`);
      assert.match(edit.body, /Version 2: updated/);
      assert.match(edit.body, /name="opens_sa"[^>]*value="10:00"|value="10:00"[^>]*name="opens_sa"/);
      const archive = await a.post(`/directory/manage/services/${id}/archive`, {});
      assert.equal(archive.statusCode, 303);
      const search = await t.app.inject({ method: 'GET', url: '/directory?q=Clapham+Coffee' });
      assert.doesNotMatch(search.body, /Clapham Coffee and Chat/);
      const actions = (await t.db.read.selectFrom('audit_events').select(['action']).where('entity_id', '=', id).orderBy('seq').execute()).map((r) => r.action);
      assert.deepEqual(actions, ['directory.service.create', 'directory.service.update', 'directory.service.archive']);
    });

    it('cannot see or change another organisation’s service: each answers 404', async () => {
      await at('2026-06-04T09:00:00Z');
      const id = await createAs(a, serviceForm({ name: 'Peckham Quiet Hour' }));
      assert.equal((await b.get(`/directory/manage/services/${id}/edit`)).statusCode, 404);
      await b.get('/directory/manage/services/new'); // a page with a form token, as a real attacker would have
      assert.equal((await b.post(`/directory/manage/services/${id}`, serviceForm({ name: 'Taken over' }))).statusCode, 404);
      await b.get('/directory/manage/services/new');
      assert.equal((await b.post(`/directory/manage/services/${id}/archive`, {})).statusCode, 404);
      await b.get('/directory/manage/services/new');
      assert.equal((await b.post(`/directory/manage/services/${id}/reviewed`, {})).statusCode, 404);
      assert.doesNotMatch((await b.get('/directory/manage')).body, /Peckham Quiet Hour/);
      const row = await t.db.read.selectFrom('directory_services').select(['name', 'status']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.deepEqual(row, { name: 'Peckham Quiet Hour', status: 'active' });
      // Not signed in: sent to sign in; signed in without the permission: not found.
      assert.equal((await t.app.inject({ method: 'GET', url: '/directory/manage' })).statusCode, 303);
    });

    it('names the team that answers the service’s referrals, one of its own organisation’s only; an edit of the service keeps it (H10)', async () => {
      await at('2026-06-05T09:00:00Z');
      const id = await createAs(a, serviceForm({ name: 'Vauxhall Walk and Talk' }));
      const aliceOrg = alice.organisationId;
      const bobOrg = bob.organisationId;
      const [ours, theirs] = await t.db.write(async (tx) => [
        await createTeam(tx, t.clock.now(), { organisationId: aliceOrg, name: 'Walk and talk team', kind: 'community' }),
        await createTeam(tx, t.clock.now(), { organisationId: bobOrg, name: 'Someone else’s team', kind: 'community' }),
      ]);
      const edit = await a.get(`/directory/manage/services/${id}/edit`);
      assert.match(edit.body, /Who answers referrals through Mutual/);
      assert.match(edit.body, /Walk and talk team/);
      assert.doesNotMatch(edit.body, /Someone else’s team/);
      const refused = await a.post(`/directory/manage/services/${id}/referral-team`, { referralTeamId: theirs });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /There is a problem/);
      assert.match(refused.body, /Choose one of your organisation’s teams/);
      const referralTeam = async () => (await t.db.read.selectFrom('directory_services').select('referral_team_id').where('id', '=', id).executeTakeFirstOrThrow()).referral_team_id;
      assert.equal(await referralTeam(), null);
      const saved = await a.post(`/directory/manage/services/${id}/referral-team`, { referralTeamId: ours });
      assert.equal(saved.statusCode, 303);
      assert.equal(await referralTeam(), ours);
      // Another organisation's admin cannot change it.
      await b.get('/directory/manage/services/new');
      assert.equal((await b.post(`/directory/manage/services/${id}/referral-team`, { referralTeamId: '' })).statusCode, 404);
      // Saving the service's own form (an Open Referral UK record) leaves the team as it was.
      await a.get(`/directory/manage/services/${id}/edit`);
      assert.equal((await a.post(`/directory/manage/services/${id}`, serviceForm({ name: 'Vauxhall Walk and Talk', accepting: 'no' }))).statusCode, 303);
      assert.equal(await referralTeam(), ours);
      const actions = (await t.db.read.selectFrom('audit_events').select(['action']).where('entity_id', '=', id).orderBy('seq').execute()).map((r) => r.action);
      assert.ok(actions.includes('directory.service.referral-team'));
      // Back to anyone of the organisation.
      await a.get(`/directory/manage/services/${id}/edit`);
      assert.equal((await a.post(`/directory/manage/services/${id}/referral-team`, { referralTeamId: '' })).statusCode, 303);
      assert.equal(await referralTeam(), null);
    });

    it('keeps what was typed and shows an error summary when the form is wrong', async () => {
      await at('2026-06-05T09:00:00Z');
      await a.get('/directory/manage/services/new');
      const res = await a.post('/directory/manage/services', serviceForm({ name: '', opens_mo: '25:00', closes_mo: '26:00', postcode: 'NOWHERE', minimumAge: '40', maximumAge: '18' }));
      assert.equal(res.statusCode, 400);
      for (const message of [/Enter the name of the service/, /Enter the opening time as a time between 00:00 and 23:59/, /The oldest age must be the same as or more than the youngest age/]) {
        assert.match(res.body, message);
      }
      assert.match(res.body, /value="25:00"/);
      assert.match(res.body, /value="3 Stockwell Road"/);
    });

    it('schedules a review six months on, nudges the provider admins when it is due, and a review resets it', async () => {
      await at('2026-06-10T09:00:00Z');
      const id = await createAs(a, serviceForm({ name: 'Herne Hill Walk and Talk' }));
      const timers = await reviewTimers(id);
      assert.deepEqual(timers, [{ due_at: '2026-12-10T09:00:00.000Z', status: 'pending' }]);

      await at('2026-12-10T09:05:00Z');
      await runDueTimers(t.platform);
      const nudges = await t.db.read.selectFrom('outbox_messages').select(['recipient', 'kind', 'personalisation']).where('kind', '=', 'directory.review-due').execute();
      const mine = nudges.filter((n) => n.personalisation.includes('Herne Hill Walk and Talk'));
      assert.deepEqual(mine.map((n) => n.recipient), [alice.email], 'only the organisation’s own provider admin');
      assert.match((await a.get('/directory/manage')).body, /Review due/);

      await a.get(`/directory/manage/services/${id}/edit`);
      assert.equal((await a.post(`/directory/manage/services/${id}/reviewed`, {})).statusCode, 303);
      const page = await t.app.inject({ method: 'GET', url: `/directory/services/${id}` });
      assert.match(page.body, /Last checked 10 December 2026/);
      const next = (await reviewTimers(id)).filter((r) => r.status === 'pending').map((r) => ({ due_at: r.due_at }));
      assert.deepEqual(next, [{ due_at: '2027-06-10T08:00:00.000Z' }], '09:00 London in summer time');
    });

    it('shows a capacity the availability board keeps instead of its fields, and saving the form leaves it (H12)', async () => {
      await at('2026-12-11T09:00:00Z');
      const id = await createAs(a, serviceForm({ name: 'Brixton Evening Sanctuary' }));
      await t.db.write((tx) => setServiceCapacity(tx, id, { available: 1, maximum: 8, unit: 'places', updated: '2026-12-11T09:00:00.000Z' }));
      const edit = await a.get(`/directory/manage/services/${id}/edit`);
      assert.match(edit.body, /id="capacity-live">1 of 8 places available/);
      assert.doesNotMatch(edit.body, /name="capacityAvailable"/);
      const res = await a.post(`/directory/manage/services/${id}`, serviceForm({ name: 'Brixton Evening Sanctuary', capacityAvailable: '7' }));
      assert.equal(res.statusCode, 303);
      const rows = await t.db.read.selectFrom('directory_service_capacity').select(['available', 'maximum', 'unit', 'live']).where('service_id', '=', id).execute();
      assert.deepEqual(rows, [{ available: 1, maximum: 8, unit: 'places', live: 1 }]);
      // A form sent back with an error shows the figure too, not the fields.
      const bad = await a.post(`/directory/manage/services/${id}`, serviceForm({ name: '' }));
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /id="capacity-live"/);
    });
  });
}
