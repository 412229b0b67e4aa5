// Who may use each route of the person record (issue 5, items 1 and 9): every route, for each role and
// relationship, allowed or denied. Allowed: a page (200) or, for a form sent with nothing filled in,
// the form again with its errors (400), so no state changes. Denied: 404, the same as a record that
// does not exist, with nothing of the person in the page; an anonymous visitor is sent to sign in.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from '../../platform/db/ids.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { signIn } from '../../testing/auth.ts';
import { paths } from './paths.ts';
import { decideDuplicateFor } from './record.ts';
import { type Alliance, aPerson, createAlliance, type Member, personWithoutRequest, personWithRequest } from './testing.ts';

type Route = { name: string; method: 'GET' | 'POST'; url: string; kind: 'record' | 'break-glass' | 'review' };

for (const dialect of testDialects()) {
  describe(`who may use the person record (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    let personId: string;
    let familyName: string;
    let candidateId: string;
    let keptId: string;
    let mergeId: string;
    const browsers = new Map<Member, Browser>();

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
      a = await createAlliance(t);
      // A person who asked the hub for help, and who may be the same as an earlier record.
      const details = aPerson();
      familyName = details.familyName;
      await personWithoutRequest(t, details);
      personId = (await personWithRequest(t, details)).personId;
      candidateId = (await t.db.read.selectFrom('person_duplicate_candidates').select(['id']).where('person_id', '=', personId).executeTakeFirstOrThrow()).id;
      // Another pair, merged: the older record is kept; the hub is involved through the newer one's request.
      const pair = aPerson();
      keptId = await personWithoutRequest(t, pair);
      const newer = await personWithRequest(t, pair);
      const pairCandidate = await t.db.read.selectFrom('person_duplicate_candidates').select(['id']).where('person_id', '=', newer.personId).executeTakeFirstOrThrow();
      const decided = await decideDuplicateFor(t.platform, a.hubPractitioner.actor, newer.personId, pairCandidate.id, { same: 'yes', note: 'Same address and GP, confirmed by phone' });
      assert.equal(decided.showId, keptId, 'the older record is kept');
      mergeId = (await t.db.read.selectFrom('person_merges').select(['id']).where('survivor_id', '=', keptId).executeTakeFirstOrThrow()).id;
      for (const m of [a.hubPractitioner, a.hubLead, a.outsider, a.communityLead, a.providerAdmin, a.commissioner]) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        browsers.set(m, b);
      }
    });
    after(async () => {
      await t?.close();
    });

    function routes(): Route[] {
      return [
        { name: 'the record', method: 'GET', url: paths.person(personId), kind: 'record' },
        { name: 'the change details form', method: 'GET', url: paths.edit(personId), kind: 'record' },
        { name: 'changing details', method: 'POST', url: paths.edit(personId), kind: 'record' },
        // The person has no email address on the record: the invitation is refused with an error summary, so nothing changes.
        { name: 'the portal invitation', method: 'GET', url: paths.portalInvite(personId), kind: 'record' },
        { name: 'inviting the person to the portal', method: 'POST', url: paths.portalInvite(personId), kind: 'record' },
        { name: 'the break glass form', method: 'GET', url: paths.breakGlass(personId), kind: 'break-glass' },
        { name: 'breaking the glass', method: 'POST', url: paths.breakGlass(personId), kind: 'break-glass' },
        { name: 'comparing a possible duplicate', method: 'GET', url: paths.duplicate(personId, candidateId), kind: 'record' },
        { name: 'deciding a possible duplicate', method: 'POST', url: paths.duplicate(personId, candidateId), kind: 'record' },
        { name: 'a merge', method: 'GET', url: paths.merge(keptId, mergeId), kind: 'record' },
        { name: 'undoing a merge', method: 'POST', url: paths.merge(keptId, mergeId), kind: 'record' },
        { name: 'the access reviews', method: 'GET', url: paths.accessReviews, kind: 'review' },
        { name: 'reviewing an access', method: 'POST', url: paths.accessReview(newId()), kind: 'review' },
      ];
    }

    /** Calls a route as this browser: a GET, or a POST with every field empty (and a valid CSRF token). */
    async function call(b: Browser | null, route: Route) {
      if (!b) {
        return t.app.inject({ method: route.method, url: route.url, payload: route.method === 'POST' ? {} : undefined });
      }
      if (route.method === 'GET') return b.get(route.url);
      await b.get('/sign-out'); // a page with a form: its CSRF token
      return b.post(route.url, {});
    }

    async function expectAll(who: string, b: Browser | null, allowed: (r: Route) => boolean) {
      for (const route of routes()) {
        const res = await call(b, route);
        const what = `${who}: ${route.name} (${route.method} ${route.url})`;
        if (allowed(route)) {
          assert.equal(res.statusCode, route.method === 'GET' ? 200 : 400, `${what} should be allowed, answered ${res.statusCode}`);
          if (route.method === 'POST') assert.match(res.body, /There is a problem/, `${what}: the form again with its errors`);
        } else if (!b) {
          assert.ok([303, 403, 404].includes(res.statusCode), `${what} answered ${res.statusCode}`);
          if (res.statusCode === 303) assert.match(String(res.headers.location), /^\/sign-in\?next=/);
          assert.doesNotMatch(res.body, new RegExp(familyName), `${what}: nothing of the person`);
        } else {
          assert.equal(res.statusCode, 404, `${what} should be denied, answered ${res.statusCode}`);
          assert.doesNotMatch(res.body, new RegExp(familyName), `${what}: nothing of the person`);
        }
      }
    }

    it('lets a practitioner of the involved team use every route of the record, but not the access reviews', async () => {
      await expectAll('hub practitioner', browsers.get(a.hubPractitioner)!, (r) => r.kind !== 'review');
    });

    it('lets a team lead of the involved team use every route, the access reviews included', async () => {
      await expectAll('hub lead', browsers.get(a.hubLead)!, () => true);
    });

    it('denies a practitioner of another team everything but the break glass form, as if the person did not exist', async () => {
      await expectAll('community practitioner', browsers.get(a.outsider)!, (r) => r.kind === 'break-glass');
      // The page for this person and for no person at all are the same, but for the id in the link.
      const b = browsers.get(a.outsider)!;
      const nobody = newId();
      const forPerson = (await b.get(paths.person(personId))).body.replaceAll(personId, 'ID').replace(/name="_csrf" value="[^"]*"/g, '');
      const forNobody = (await b.get(paths.person(nobody))).body.replaceAll(nobody, 'ID').replace(/name="_csrf" value="[^"]*"/g, '');
      assert.equal(forPerson.replace(/nonce="[^"]*"/g, ''), forNobody.replace(/nonce="[^"]*"/g, ''));
      assert.match(forPerson, /get emergency access \(break glass\)/);
    });

    it('lets a team lead of another team review access, but not see the person', async () => {
      await expectAll('community lead', browsers.get(a.communityLead)!, (r) => r.kind !== 'record');
    });

    it('denies a provider admin and a commissioner every route', async () => {
      await expectAll('provider admin', browsers.get(a.providerAdmin)!, () => false);
      await expectAll('commissioner', browsers.get(a.commissioner)!, () => false);
    });

    it('sends an anonymous visitor to sign in, and shows nothing', async () => {
      await expectAll('anonymous', null, () => false);
    });

    it('after break glass lets the practitioner of another team in (audited, flagged to their lead), and not once it has expired', async () => {
      const b = browsers.get(a.outsider)!;
      const reason = 'Called by the police at 02:10: the person is at the station and in crisis.';
      for (const id of [personId, keptId]) {
        await b.get(paths.breakGlass(id));
        const res = await b.post(paths.breakGlass(id), { reasonKind: 'urgent-care', reason });
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, paths.person(id));
      }
      await expectAll('community practitioner after break glass', b, (r) => r.kind !== 'review');
      const page = await b.get(paths.person(personId));
      assert.match(page.body, /Emergency access/);

      // Audited, with the person's id and the team the practitioner acted for.
      const events = await t.db.read.selectFrom('audit_events').select(['action', 'actor_role', 'actor_team_id', 'purpose']).where('person_id', '=', personId).where('actor_user_id', '=', a.outsider.userId).execute();
      assert.ok(events.some((e) => e.action === 'people.break-glass' && e.actor_team_id === a.communityTeamId && e.actor_role === 'practitioner'));
      assert.ok(events.some((e) => e.action === 'people.record.view' && e.purpose === 'emergency access (break glass)'));

      // Flagged: the community team's lead is emailed (nothing of the person in it) and sees it to review; the hub's lead does not.
      const mail = await t.db.read.selectFrom('outbox_messages').select(['personalisation']).where('recipient', '=', a.communityLead.email).where('kind', '=', 'people.break-glass').execute();
      assert.equal(mail.length, 2);
      assert.doesNotMatch(mail[0]!.personalisation, new RegExp(familyName));
      const reviews = await browsers.get(a.communityLead)!.get(paths.accessReviews);
      assert.match(reviews.body, /Called by the police at 02:10/);
      assert.doesNotMatch((await browsers.get(a.hubLead)!.get(paths.accessReviews)).body, /Called by the police at 02:10/);

      // 24 hours later the glass must be broken again (signing in again: the session has ended too).
      t.clock.advance(24 * 3_600_000 + 60_000);
      const again = new Browser(t.app);
      await signIn(again, a.outsider, t.clock);
      const denied = await again.get(paths.person(personId));
      assert.equal(denied.statusCode, 404);
      assert.doesNotMatch(denied.body, new RegExp(familyName));
      assert.equal((await again.get(paths.merge(keptId, mergeId))).statusCode, 404);
    });
  });
}
