// Words that may mean risk in what the person writes in their own record (hazard H19). The entry is
// screened with the front door's risk phrases; someone who works round the clock hears of it: a
// request not yet contacted is brought forward, an open crisis episode gets a line naming the risk,
// and when nobody round the clock is watching, the front door opens a request, owned, timed and
// escalated like any other. None of them carries the person's words. The person is told at once what
// to do if they are in danger now.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../platform/db/testing.ts';
import { runDueTimers } from '../../platform/jobs/timers.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestPersonAccount, signIn, signInPerson } from '../../testing/auth.ts';
import { openCrisisEpisode } from '../crisis/index.ts';
import { createCrisisAlliance, type CrisisAlliance } from '../crisis/episode-testing.ts';
import { frontDoorPaths, OWN_ENTRY_STORY } from '../front-door/index.ts';
import { paths } from './paths.ts';
import { aPerson, personWithoutRequest, personWithRequest } from './testing.ts';

const HIGH = 'I want to end my life tonight. I have had enough.';
const MEDIUM = 'Years ago I self-harmed but not now. Things are up and down.';

for (const dialect of testDialects()) {
  describe(`words that may mean risk in the person's own record (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: CrisisAlliance;

    before(async () => {
      t = await buildTestApp(dialect);
      // A Saturday night: the coordinating team's next working day is Monday.
      t.clock.set('2026-12-05T23:10:00.000Z');
      a = await createCrisisAlliance(t);
    });
    after(async () => {
      await t?.close();
    });

    /** The front door practitioner, signed in now (the tests move the clock by hours). */
    async function hubPractitioner(): Promise<Browser> {
      const b = new Browser(t.app);
      await signIn(b, a.hubPractitioner, t.clock);
      return b;
    }

    /** The person's account, signed in, on the entries page. */
    async function personOnline(personId: string): Promise<{ browser: Browser; userId: string }> {
      const account = await createTestPersonAccount(t.db, t.clock, { personId, organisationId: a.organisationId });
      const browser = new Browser(t.app);
      await signInPerson(browser, t.db, account.email);
      await browser.get(paths.myEntries);
      return { browser, userId: account.userId };
    }
    const requestsOf = (personId: string) =>
      t.db.read.selectFrom('requests').select(['id', 'urgency', 'risk_level', 'risk_flags', 'status', 'story', 'team_id', 'contact_target_at', 'first_contact_at', 'escalated_at']).where('person_id', '=', personId).orderBy('created_at').execute();
    const timersOf = (requestId: string) => t.db.read.selectFrom('timers').select(['kind', 'due_at', 'status']).where('dedupe_key', 'like', `%:${requestId}%`).orderBy('due_at').execute();
    const entryEvents = (requestId: string) => t.db.read.selectFrom('request_events').select(['detail']).where('request_id', '=', requestId).where('kind', '=', 'person-entry').execute();

    it('opens a crisis request at the front door when nobody round the clock is watching, without the words, and it escalates at its target', async () => {
      const personId = await personWithoutRequest(t, aPerson());
      const { browser, userId } = await personOnline(personId);
      const res = await browser.post(paths.myEntries, { body: HIGH });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `${paths.myEntries}?added=urgent`, 'the address names no words and no category');

      const page = await browser.get(String(res.headers.location));
      // The callout's own words and numbers (the crisis panel of every page has numbers too).
      const callout = page.body.slice(page.body.indexOf('If you are not safe right now'), page.body.indexOf('You can write in your record'));
      assert.match(callout, /we have told a team that works day and night/);
      const { crisis } = t.config;
      for (const n of [crisis.emergency, crisis.nhs111, crisis.samaritans]) assert.ok(callout.includes(`href="tel:${n.replace(/ /g, '')}"`), `calls ${n}`);

      const [request, ...more] = await requestsOf(personId);
      assert.equal(more.length, 0, 'one request');
      assert.ok(request);
      assert.equal(request.urgency, 'crisis');
      assert.equal(request.risk_level, 'high');
      assert.equal(request.status, 'received');
      assert.equal(request.team_id, a.hubTeamId, 'the front door team owns it');
      assert.equal(request.story, OWN_ENTRY_STORY);
      assert.deepEqual(JSON.parse(String(request.risk_flags)), [{ category: 'suicidal-intent' }]);
      assert.equal(request.contact_target_at, '2026-12-06T00:10:00.000Z', 'the crisis contact time, however late on a Saturday');
      assert.deepEqual(
        (await timersOf(request.id)).map((x) => [x.kind, x.due_at]),
        [
          ['front-door:warning', '2026-12-05T23:55:00.000Z'],
          ['front-door:breach', '2026-12-06T00:10:00.000Z'],
        ],
      );
      const audit = await t.db.read.selectFrom('audit_events').select(['actor_role', 'entity_id']).where('action', '=', 'front-door.request.raise-for-entry').where('person_id', '=', personId).execute();
      assert.deepEqual(audit, [{ actor_role: 'system', entity_id: request.id }]);

      const hub = await hubPractitioner();
      const requestPage = await hub.get(frontDoorPaths.request(request.id));
      assert.equal(requestPage.statusCode, 200);
      assert.match(requestPage.body, /opened by the front door for words the person wrote in their own record/);
      assert.match(requestPage.body, /Suicidal thoughts or intent/);
      assert.ok(!requestPage.body.includes('end my life'), 'not the words');
      // …which are on the record's timeline, for the front door now involved with the person.
      const record = await hub.get(paths.person(personId));
      assert.equal(record.statusCode, 200);
      assert.ok(record.body.includes('I want to end my life tonight.'));

      // Nobody contacts them: the request escalates at its target, like any other.
      t.clock.set('2026-12-06T00:11:00.000Z');
      await runDueTimers(t.platform);
      const [escalated] = await requestsOf(personId);
      assert.equal(escalated?.escalated_at, '2026-12-06T00:11:00.000Z');
      const entry = await t.db.read.selectFrom('person_entries').select(['written_by']).where('person_id', '=', personId).executeTakeFirstOrThrow();
      assert.equal(entry.written_by, userId);
    });

    it('brings forward a request not yet contacted (urgency, risk, target and timers of its own), and opens no other', async () => {
      t.clock.set('2026-12-05T23:20:00.000Z');
      const submitted = await personWithRequest(t, aPerson());
      const [before] = await requestsOf(submitted.personId);
      assert.equal(before?.urgency, 'routine');
      const { browser } = await personOnline(submitted.personId);
      t.clock.advanceMinutes(5);
      assert.equal((await browser.post(paths.myEntries, { body: MEDIUM })).headers.location, `${paths.myEntries}?added=urgent`);

      const all = await requestsOf(submitted.personId);
      assert.equal(all.length, 1, 'no other request');
      const r = all[0]!;
      assert.equal(r.urgency, 'urgent', 'medium risk: urgent');
      assert.equal(r.risk_level, 'medium');
      assert.deepEqual(JSON.parse(String(r.risk_flags)), [{ category: 'self-harm' }]);
      assert.equal(r.contact_target_at, '2026-12-06T03:25:00.000Z', 'four hours from the entry');
      const timers = await timersOf(r.id);
      assert.ok(timers.some((x) => x.kind === 'front-door:breach' && x.due_at === '2026-12-06T03:25:00.000Z' && x.status === 'pending'), 'a breach timer at the new target');
      const [event] = await entryEvents(r.id);
      assert.deepEqual(JSON.parse(String(event?.detail)), { entryId: JSON.parse(String(event?.detail)).entryId, riskLevel: 'medium', risk: 'Self-harm', contactBy: '2026-12-06T03:25:00.000Z' });
      const hub = await hubPractitioner();
      const page = await hub.get(frontDoorPaths.request(r.id));
      assert.match(page.body, /the words may mean medium risk \(Self-harm\)/);
      assert.ok(!page.body.includes('self-harmed'), 'not the words');

      // A second entry with high risk raises it again, to crisis.
      t.clock.advanceMinutes(5);
      await browser.get(paths.myEntries);
      await browser.post(paths.myEntries, { body: HIGH });
      const [again] = await requestsOf(submitted.personId);
      assert.equal(again?.urgency, 'crisis');
      assert.equal(again?.risk_level, 'high');
      assert.equal(again?.contact_target_at, '2026-12-06T00:30:00.000Z');
      assert.deepEqual(JSON.parse(String(again?.risk_flags)).map((f: { category: string }) => f.category), ['self-harm', 'suicidal-intent']);

      // Contacted at 23:50: the old timers find the request contacted and do nothing.
      t.clock.set('2026-12-05T23:50:00.000Z');
      const later = await hubPractitioner();
      await later.get(frontDoorPaths.request(r.id));
      assert.equal((await later.post(`${frontDoorPaths.request(r.id)}/attempts`, { method: 'phone', result: 'reached', note: 'Spoke to them; safe with their sister tonight.' })).statusCode, 303);
      t.clock.set('2026-12-06T04:00:00.000Z');
      await runDueTimers(t.platform);
      assert.equal((await requestsOf(submitted.personId))[0]?.escalated_at, null);
    });

    it('opens a request when their only request has been contacted already (its target no longer watches them)', async () => {
      t.clock.set('2026-12-06T09:00:00.000Z');
      const submitted = await personWithRequest(t, aPerson());
      const hub = await hubPractitioner();
      await hub.get(frontDoorPaths.request(submitted.id));
      const attempt = await hub.post(`${frontDoorPaths.request(submitted.id)}/attempts`, { method: 'phone', result: 'reached', note: 'Talked; arranging support.' });
      assert.equal(attempt.headers.location, frontDoorPaths.request(submitted.id));
      t.clock.advanceMinutes(30);
      const { browser } = await personOnline(submitted.personId);
      assert.equal((await browser.post(paths.myEntries, { body: HIGH })).headers.location, `${paths.myEntries}?added=urgent`);
      const all = await requestsOf(submitted.personId);
      assert.equal(all.length, 2, 'a new request');
      assert.equal(all[0]?.urgency, 'routine', 'the contacted one keeps its urgency…');
      assert.equal(all[0]?.risk_level, 'high', '…but shows the risk');
      assert.equal(all[1]?.urgency, 'crisis');
      assert.equal(all[1]?.contact_target_at, '2026-12-06T10:30:00.000Z');
      assert.equal((await entryEvents(submitted.id)).length, 1, 'the contacted request’s timeline says so too');
    });

    it('puts the risk on the line of an open crisis episode, where the crisis team looks, and opens no request', async () => {
      t.clock.set('2026-12-06T11:00:00.000Z');
      const personId = await personWithoutRequest(t, aPerson());
      const episode = await t.db.write((tx) => openCrisisEpisode(t.platform, tx, { source: 'phone', priority: 'urgent', summary: 'Worried about tonight.', personId, teamId: a.crisisTeamId, openedBy: a.crisisPractitioner.userId }));
      const { browser } = await personOnline(personId);
      assert.equal((await browser.post(paths.myEntries, { body: HIGH })).headers.location, `${paths.myEntries}?added=urgent`);
      assert.deepEqual(await requestsOf(personId), [], 'the crisis team is watching: no request');
      const actions = await t.db.read.selectFrom('crisis_episode_actions').select(['text', 'detail']).where('episode_id', '=', episode.id).where('kind', '=', 'person-entry').execute();
      assert.equal(actions.length, 1);
      assert.equal(actions[0]?.text, 'The words may mean high risk: Suicidal thoughts or intent');
      assert.equal(JSON.parse(String(actions[0]?.detail)).riskLevel, 'high');
    });

    it('raises nothing for words that do not mean risk: negated, an idiom, an ordinary day', async () => {
      t.clock.set('2026-12-06T13:00:00.000Z');
      const submitted = await personWithRequest(t, aPerson());
      const { browser } = await personOnline(submitted.personId);
      for (const body of ['I am not suicidal, just tired.', 'This job is killing me.', 'I walked to the park with my sister.']) {
        await browser.get(paths.myEntries);
        assert.equal((await browser.post(paths.myEntries, { body })).headers.location, `${paths.myEntries}?added=1`, body);
      }
      const page = await browser.get(`${paths.myEntries}?added=1`);
      assert.match(page.body, /Your entry has been added/);
      assert.doesNotMatch(page.body, /If you are not safe right now/);
      const all = await requestsOf(submitted.personId);
      assert.equal(all.length, 1);
      assert.equal(all[0]?.urgency, 'routine');
      assert.equal(all[0]?.risk_level, 'none');
      assert.deepEqual((await entryEvents(submitted.id)).map((e) => Object.keys(JSON.parse(String(e.detail)))), [['entryId'], ['entryId'], ['entryId']]);
    });

    it('counts words the risk phrases cannot read as medium risk: the request is brought forward and says they were not screened (H8, H19)', async () => {
      t.clock.set('2026-12-06T15:00:00.000Z'); // last: after every other test's sign-in (one-time codes work once)
      const submitted = await personWithRequest(t, aPerson());
      const { browser } = await personOnline(submitted.personId);
      const res = await browser.post(paths.myEntries, { body: 'Nie daję już rady, nie śpię wcale i boję się, co mogę sobie zrobić' });
      assert.equal(res.headers.location, `${paths.myEntries}?added=urgent`, 'the person is told what to do in danger now');
      const [r, ...more] = await t.db.read.selectFrom('requests').select(['id', 'urgency', 'risk_level', 'words_unscreened', 'contact_target_at']).where('person_id', '=', submitted.personId).execute();
      assert.equal(more.length, 0);
      assert.deepEqual({ urgency: r?.urgency, risk: r?.risk_level, unscreened: Number(r?.words_unscreened) }, { urgency: 'urgent', risk: 'medium', unscreened: 1 });
      assert.equal(r?.contact_target_at, '2026-12-06T19:00:00.000Z', 'four hours from the entry');
      const [event] = await entryEvents(r!.id);
      assert.equal(JSON.parse(String(event?.detail)).risk, 'not screened: written in a language the risk phrases cannot read');
      const page = await (await hubPractitioner()).get(frontDoorPaths.request(r!.id));
      assert.match(page.body, /Not screened for risk/);
      // English without risk words stays an ordinary entry.
      assert.equal((await browser.post(paths.myEntries, { body: 'Went for a long walk with my sister today and felt a bit better.' })).headers.location, `${paths.myEntries}?added=1`);
    });
  });
}
