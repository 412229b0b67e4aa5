// Places (issue 6, item 3): the availability board for every team, without JavaScript; a place's page,
// its history and a hold name a person only to those who may see them (audited), and deny provider
// admins and commissioners; forms validate with an error summary and keep what was typed; a team lead
// adds and changes places, linked to the directory; holds are on the person's timeline and in their
// subject access export.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../platform/db/ids.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { DEMO } from '../../platform/seed/demo-alliance.ts';
import { seedDemoAlliance } from '../../seed.ts';
import { seed as directorySeed } from '../directory/index.ts';
import { connectSse } from '../../platform/realtime/testing.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { signIn } from '../../testing/auth.ts';
import { serviceRecord } from '../directory/factories.ts';
import { upsertServiceRecord } from '../directory/store.ts';
import { subjectAccessRows } from '../people/portal-store.ts';
import { type Alliance, createAlliance, type Member, personWithRequest } from '../people/testing.ts';
import { paths } from './paths.ts';
import { admitHold, availabilityBoard, dischargeHold, holdPlace } from './places.ts';
import { seedPlacesDemo } from './place-seed.ts';
import { aPlace } from './place-testing.ts';

/** The error summary's links, as "#field Message". */
function summaryLinks(html: string): string[] {
  const summary = html.slice(html.indexOf('nhsuk-error-summary'), html.indexOf('</ul>', html.indexOf('nhsuk-error-summary')));
  return [...summary.matchAll(/<a href="(#[^"]+)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => `${m[1]} ${m[2]!.replace(/<[^>]+>/g, '').trim()}`);
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

for (const dialect of testDialects()) {
  describe(`places and the availability board (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    let elsewhere: Alliance;
    const browsers = new Map<Member, Browser>();
    const as = (m: Member) => browsers.get(m)!;

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T19:00:00.000Z');
      a = await createAlliance(t);
      elsewhere = await createAlliance(t);
      for (const m of [a.hubPractitioner, a.outsider, a.communityLead, a.providerAdmin, a.commissioner, elsewhere.hubPractitioner]) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        browsers.set(m, b);
      }
    });
    after(async () => {
      await t?.close();
    });

    const auditOf = (personId: string, action: string) =>
      t.db.read.selectFrom('audit_events').select(['actor_user_id', 'outcome']).where('person_id', '=', personId).where('action', '=', action).execute();

    /** A place run by the community team, with a person the hub is working with held there. */
    async function heldPlace(name = `Sanctuary ${Math.random().toString(36).slice(2, 7)}`) {
      const placeId = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId, kind: 'sanctuary', maximum: 5, name });
      const { personId } = await personWithRequest(t);
      const held = await holdPlace(t.platform, a.hubPractitioner.actor, placeId, { personId, note: 'Arriving with her brother' }, null);
      const person = await t.db.read.selectFrom('people').select(['given_name', 'family_name']).where('id', '=', personId).executeTakeFirstOrThrow();
      return { placeId, personId, holdId: held.holdId, name: `${person.given_name} ${person.family_name}` };
    }

    it('shows every team the board: open now or not, what is available and held, as text, in plain HTML, naming nobody', async () => {
      const h = await heldPlace('Board sanctuary');
      const res = await as(elsewhere.hubPractitioner).get(paths.places);
      assert.equal(res.statusCode, 200);
      const row = text(res.body.slice(res.body.indexOf(`data-place-id="${h.placeId}"`)).split('</tr>')[0]!);
      assert.match(row, /Open 24 hours/);
      assert.match(row, /4 of 5 places available/);
      assert.match(row, /1 held/);
      assert.ok(!res.body.includes(h.name), 'no person is named on the board');
      assert.match(res.body, /<table class="nhsuk-table" id="places-board">/, 'a plain table: the board needs no JavaScript');
      assert.match(res.body, /Refresh the board/);

      const api = await t.app.inject({ method: 'GET', url: paths.apiPlaces, cookies: as(elsewhere.hubPractitioner).jar.header(), headers: { accept: 'application/json' } });
      const place = api.json().places.find((p: { id: string }) => p.id === h.placeId);
      assert.deepEqual(place.capacity, { available: 4, maximum: 5, unit: 'places', updated: t.clock.now().toISOString() }, 'HSDS 3.1 capacity');
      assert.equal(place.held, 1);
    });

    it('sends each change to live boards as a server-sent event, by place and numbers only', async () => {
      const address = await t.app.listen({ port: 0, host: '127.0.0.1' });
      const cookie = Object.entries(as(elsewhere.hubPractitioner).jar.header()).map(([k, v]) => `${k}=${v}`).join('; ');
      const board = await as(elsewhere.hubPractitioner).get(paths.places);
      assert.match(board.body, /data-live-events="\/crisis\/places\/events"/, 'the board asks for live updates when JavaScript runs');
      const stream = await connectSse(`${address}${paths.placesEvents}`, { cookie });
      try {
        assert.equal(stream.status, 200);
        const h = await heldPlace('Live sanctuary');
        const [event] = await stream.waitFor(1);
        const data = JSON.parse(event!.data);
        assert.deepEqual({ placeId: data.placeId, change: data.change, available: data.available, maximum: data.maximum }, { placeId: h.placeId, change: 'hold', available: 4, maximum: 5 });
        assert.ok(!event!.data.includes(h.personId), 'no person in the event');
      } finally {
        stream.close();
      }
    });

    it('names a held person only to teams involved with them, audits each view, and hides the hold from others', async () => {
      const h = await heldPlace();
      // The team that holds the place sees the person; so does the team that runs the place (involved through the hold).
      for (const m of [a.hubPractitioner, a.outsider]) {
        const page = await as(m).get(paths.place(h.placeId));
        assert.equal(page.statusCode, 200);
        assert.ok(page.body.includes(h.name), `${m.role} of an involved team sees the name`);
        const hold = await as(m).get(paths.hold(h.holdId));
        assert.equal(hold.statusCode, 200);
        assert.match(text(hold.body), /Held\s*: Expires in 2 hours \(at 21:00\)/);
        assert.ok(hold.body.includes('Arriving with her brother'));
      }
      const viewers = (await auditOf(h.personId, 'crisis.places.view')).map((e) => e.actor_user_id);
      assert.ok(viewers.includes(a.hubPractitioner.userId) && viewers.includes(a.outsider.userId));
      assert.equal((await auditOf(h.personId, 'crisis.holds.view')).length, 2);

      // Another alliance's practitioner sees the place, but not who is held there.
      const page = await as(elsewhere.hubPractitioner).get(paths.place(h.placeId));
      assert.equal(page.statusCode, 200);
      assert.ok(!page.body.includes(h.name));
      assert.match(page.body, /A person your team is not working with/);
      assert.equal((await as(elsewhere.hubPractitioner).get(paths.hold(h.holdId))).statusCode, 404);
      assert.ok((await auditOf(h.personId, 'crisis.holds.view')).some((e) => e.outcome === 'denied' && e.actor_user_id === elsewhere.hubPractitioner.userId));
      const history = await as(elsewhere.hubPractitioner).get(paths.placeHistory(h.placeId));
      assert.ok(!history.body.includes(h.name));
    });

    it('denies provider admins and commissioners every page of places and holds, and the API', async () => {
      const h = await heldPlace();
      for (const m of [a.providerAdmin, a.commissioner]) {
        for (const url of [paths.places, paths.place(h.placeId), paths.placeHistory(h.placeId), paths.hold(h.holdId), paths.placeHoldNew(h.placeId), paths.holdDischarge(h.holdId)]) {
          const res = await as(m).get(url);
          assert.equal(res.statusCode, 404, `${m.role} ${url}`);
          assert.ok(!res.body.includes(h.name));
        }
        const api = await t.app.inject({ method: 'POST', url: paths.apiPlaceHolds(h.placeId), cookies: as(m).jar.header(), headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ personId: h.personId }) });
        assert.equal(api.statusCode, 404);
      }
    });

    it('keeps the occupancy history: every hold, admission and discharge, with who and the counts after', async () => {
      const h = await heldPlace();
      await admitHold(t.platform, a.hubPractitioner.actor, h.holdId, null);
      t.clock.advance(60_000);
      await dischargeHold(t.platform, a.outsider.actor, h.holdId, 'Home; the crisis team calls tomorrow.');
      const res = await as(a.hubPractitioner).get(paths.placeHistory(h.placeId));
      assert.equal(res.statusCode, 200);
      const rows = [...res.body.matchAll(/<tr class="nhsuk-table__row">([\s\S]*?)<\/tr>/g)].map((m) => text(m[1]!).trim()).slice(1);
      assert.equal(rows.length, 4);
      assert.match(rows[0]!, /Discharged Home; the crisis team calls tomorrow\./);
      assert.match(rows[0]!, /0 held, 0 in use, of 5/);
      assert.match(rows[1]!, /Admitted/);
      assert.match(rows[2]!, /Held Held for 2 hours/);
      assert.match(rows[3]!, /Place added/);
      for (const r of rows.slice(0, 3)) assert.ok(r.includes(h.name), 'named to an involved team');
      assert.ok((await auditOf(h.personId, 'crisis.places.history.view')).length >= 1);
    });

    it('validates the hold form with an error summary and keeps what was typed', async () => {
      const placeId = await aPlace(t.platform, { teamId: a.communityTeamId, organisationId: a.organisationId });
      const b = as(a.hubPractitioner);
      await b.get(paths.placeHoldNew(placeId));
      const res = await b.post(paths.placeHoldNew(placeId), { personId: '', hours: '2', admitNow: 'no', note: 'Taxi <b>booked</b>' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /There is a problem/);
      assert.ok(summaryLinks(res.body).includes('#personId Enter the person’s record ID'));
      assert.match(res.body, /must not contain anything in angle brackets/);
      assert.ok(res.body.includes('Taxi &lt;b&gt;booked&lt;/b&gt;'), 'what was typed is kept');

      // Someone the hub is not working with: the same answer as no such record.
      const stranger = await personWithRequest(t);
      await t.db.write((tx) => tx.updateTable('requests').set({ status: 'closed' }).where('id', '=', stranger.id).execute());
      const refused = await b.post(paths.placeHoldNew(placeId), { personId: stranger.personId, hours: '2', admitNow: 'no' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Enter the record ID of a person your team is working with/);
      assert.equal((await t.db.read.selectFrom('crisis_place_holds').select(['id']).where('person_id', '=', stranger.personId).execute()).length, 0);
    });

    it('validates the cancel and discharge forms with an error summary', async () => {
      const h = await heldPlace();
      const b = as(a.hubPractitioner);
      await b.get(paths.holdCancel(h.holdId));
      const cancel = await b.post(paths.holdCancel(h.holdId), { reasonKind: 'other', reason: '' });
      assert.equal(cancel.statusCode, 400);
      assert.ok(summaryLinks(cancel.body).includes('#reason Enter why the hold is being cancelled'));
      await admitHold(t.platform, a.hubPractitioner.actor, h.holdId, null);
      await b.get(paths.holdDischarge(h.holdId));
      const discharge = await b.post(paths.holdDischarge(h.holdId), { note: '' });
      assert.equal(discharge.statusCode, 400);
      assert.ok(summaryLinks(discharge.body).some((l) => l.startsWith('#note Enter a discharge note')));
      const ok = await b.post(paths.holdDischarge(h.holdId), { note: 'Home with family; GP informed.' });
      assert.equal(ok.statusCode, 303);
      const page = await b.get(paths.hold(h.holdId));
      assert.match(text(page.body), /Discharged .* Home with family; GP informed\./);
    });

    it('lets a team lead add a place linked to the directory, and change it, with errors shown in a summary', async () => {
      const record = serviceRecord({ name: 'Linked crisis house', capacity: [] });
      await t.db.write((tx) => upsertServiceRecord(tx, record));
      const lead = as(a.communityLead);
      assert.equal((await as(a.hubPractitioner).get(paths.placeNew)).statusCode, 404, 'practitioners do not manage places');
      await lead.get(paths.placeNew);
      const bad = await lead.post(paths.placeNew, { name: '', kind: 'crisis-house', teamId: a.communityTeamId, maximum: 'six', holdHours: '2', hoursKind: 'daily', opens: '18:00', closes: '' });
      assert.equal(bad.statusCode, 400);
      const links = summaryLinks(bad.body).map((l) => l.split(' ')[0]);
      for (const href of ['#name', '#maximum', '#closes']) assert.ok(links.includes(href), href);
      assert.ok(bad.body.includes('value="six"'), 'what was typed is kept');
      const made = await lead.post(paths.placeNew, { name: 'Linked crisis house', kind: 'crisis-house', teamId: a.communityTeamId, maximum: '6', holdHours: '3', hoursKind: 'always', directoryServiceId: record.id });
      assert.equal(made.statusCode, 303);
      const placeId = String(made.headers.location).split('/').pop()!;
      const capacity = () => t.db.read.selectFrom('directory_service_capacity').select(['available', 'maximum', 'unit']).where('service_id', '=', record.id).execute();
      assert.deepEqual(await capacity(), [{ available: 6, maximum: 6, unit: 'beds' }], 'the directory now shows its beds');

      const { personId } = await personWithRequest(t);
      await holdPlace(t.platform, a.hubPractitioner.actor, placeId, { personId }, null);
      await holdPlace(t.platform, a.hubPractitioner.actor, placeId, { personId: (await personWithRequest(t)).personId }, null);
      const form = await lead.get(paths.placeEdit(placeId));
      const version = /name="version" value="(\d+)"/.exec(form.body)![1]!;
      const tooFew = await lead.post(paths.placeEdit(placeId), { version, name: 'Linked crisis house', kind: 'crisis-house', teamId: a.communityTeamId, maximum: '1', holdHours: '3', hoursKind: 'keep', status: 'active', directoryServiceId: record.id });
      assert.equal(tooFew.statusCode, 400);
      assert.ok(summaryLinks(tooFew.body).some((l) => l.startsWith('#maximum The most it can take must be 2 or more')));
      const changed = await lead.post(paths.placeEdit(placeId), { version, name: 'Linked crisis house', kind: 'crisis-house', teamId: a.communityTeamId, maximum: '4', holdHours: '3', hoursKind: 'daily', opens: '08:00', closes: '20:00', status: 'active', directoryServiceId: record.id });
      assert.equal(changed.statusCode, 303);
      assert.deepEqual(await capacity(), [{ available: 2, maximum: 4, unit: 'beds' }], 'a smaller maximum reaches the directory at once');
      // The service's record written again (an Open Referral import, the provider admin's form) with a
      // figure of its own, or none: the beds actually free stay (H12).
      const feedFigure = { id: newId(), available: 9, maximum: 12, unit: 'beds', updated: '2026-12-01T18:00:00.000Z' };
      await t.db.write((tx) => upsertServiceRecord(tx, { ...record, capacity: [feedFigure], lastModified: '2026-12-01T18:30:00.000Z' }));
      assert.deepEqual(await capacity(), [{ available: 2, maximum: 4, unit: 'beds' }], 'a feed does not overwrite the live figure');
      await t.db.write((tx) => upsertServiceRecord(tx, { ...record, capacity: [], lastModified: '2026-12-01T18:40:00.000Z' }));
      assert.deepEqual(await capacity(), [{ available: 2, maximum: 4, unit: 'beds' }], 'nor remove it');
      const page = await lead.get(paths.place(placeId));
      assert.match(page.body, /Monday: 08:00 to 20:00/);
      assert.match(page.body, /Change the place/);
      assert.equal((await as(a.outsider).get(paths.placeEdit(placeId))).statusCode, 404, 'only its team’s leads change it');
      // Unlinked: the service's own figure is the feed's again, from its next record.
      const again = /name="version" value="(\d+)"/.exec((await lead.get(paths.placeEdit(placeId))).body)![1]!;
      const unlinked = await lead.post(paths.placeEdit(placeId), { version: again, name: 'Linked crisis house', kind: 'crisis-house', teamId: a.communityTeamId, maximum: '4', holdHours: '3', hoursKind: 'keep', status: 'active', directoryServiceId: '' });
      assert.equal(unlinked.statusCode, 303);
      await t.db.write((tx) => upsertServiceRecord(tx, { ...record, capacity: [{ ...feedFigure, id: newId() }], lastModified: '2026-12-01T19:00:00.000Z' }));
      assert.deepEqual(await capacity(), [{ available: 9, maximum: 12, unit: 'beds' }]);
    });

    it('puts holds, stays and discharges on the person’s timeline, and in their subject access export', async () => {
      const h = await heldPlace('Timeline sanctuary');
      await admitHold(t.platform, a.hubPractitioner.actor, h.holdId, null);
      await dischargeHold(t.platform, a.hubPractitioner.actor, h.holdId, 'Home; seen by the GP on Monday.');
      const record = await as(a.hubPractitioner).get(`/people/${h.personId}`);
      assert.equal(record.statusCode, 200);
      const timeline = text(record.body);
      assert.match(timeline, /Place held at Timeline sanctuary until/);
      assert.match(timeline, /Admitted to Timeline sanctuary/);
      assert.match(timeline, /Discharged from Timeline sanctuary/);
      const exported = await subjectAccessRows(t.db.read, [h.personId]);
      assert.equal(exported.crisis_place_holds.length, 1);
      assert.equal(exported.crisis_place_holds[0]!.status, 'discharged');
      assert.deepEqual(exported.crisis_place_events.map((e) => e.kind), ['hold', 'admit', 'discharge']);
    });
  });
}

for (const dialect of testDialects()) {
  describe(`the places demo (${dialect.name})`, { skip: dialect.skip }, () => {
    it('adds a sanctuary, a crisis house, two cafés and home treatment, linked to their directory services; twice changes nothing', async (t) => {
      const app = await buildTestApp(dialect);
      t.after(() => app.close());
      app.clock.set('2026-12-03T19:30:00.000Z');
      await seedDemoAlliance(app.platform, () => {}, [directorySeed, { name: 'crisis places', seedDemo: seedPlacesDemo }]);
      assert.equal(await seedPlacesDemo(app.platform, DEMO), undefined, 'the second run adds nothing');
      const places = await app.db.read.selectFrom('crisis_places').select(['name', 'kind', 'maximum', 'directory_service_id']).orderBy('name').execute();
      assert.deepEqual(
        places.map((p) => [p.name, p.kind, p.maximum, p.directory_service_id !== null]),
        [
          ['Brixton Evening Sanctuary', 'sanctuary', 10, true],
          ['Coldharbour Crisis House', 'crisis-house', 6, true],
          ['Home Treatment Team', 'home-treatment', 25, true],
          ['Peckham Crisis Café', 'crisis-cafe', 12, true],
          ['Streatham Crisis Café', 'crisis-cafe', 12, true],
        ],
      );
      const sanctuary = await app.db.read
        .selectFrom('directory_services as s')
        .innerJoin('directory_service_capacity as c', 'c.service_id', 's.id')
        .select(['s.name', 'c.available', 'c.maximum', 'c.unit'])
        .where('s.name', '=', 'Brixton Evening Sanctuary')
        .execute();
      assert.deepEqual(sanctuary, [{ name: 'Brixton Evening Sanctuary', available: 10, maximum: 10, unit: 'places' }], 'one capacity row, the place’s');
      // The crisis practitioner sees them on the board; the sanctuary is open at 19:30, the cafés on a Thursday evening.
      const board = await availabilityBoard(app.platform);
      const byName = new Map(board.places.map((p) => [p.name, p]));
      assert.equal(byName.get('Brixton Evening Sanctuary')!.openText, 'Open now, closes at midnight');
      assert.equal(byName.get('Peckham Crisis Café')!.openText, 'Open now, closes at 23:00 today');
    });
  });
}
