import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Role } from '../../platform/access/policy.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { newId } from '../../platform/db/ids.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestUser, signIn, type TestUser } from '../../testing/auth.ts';
import { recordAttempt } from './queue.ts';
import { createHub, type Hub } from './testing.ts';

let unique = 0;

/** A referral form as a referrer fills it in; each call names a different person. */
function filledIn(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  unique++;
  return {
    givenName: 'Jordan',
    familyName: `Referred${unique}x${process.pid}`,
    'dateOfBirth[day]': '3',
    'dateOfBirth[month]': '9',
    'dateOfBirth[year]': '1984',
    postcode: 'se15 4qf',
    nhsNumber: '',
    phone: '07700 900 321',
    email: '',
    address: '',
    story: 'He told me at the barbers that he has not slept properly for weeks since losing his job.',
    whatWouldHelp: 'Someone to talk to about money worries',
    personAgreed: 'yes',
    consent: 'yes',
    ...overrides,
  };
}

const formTokenOf = (html: string) => /name="formToken" value="([^"]+)"/.exec(html)?.[1] ?? '';

for (const dialect of testDialects()) {
  describe(`referrals by signed-in professionals and champions (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let hub: Hub;
    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z'); // Tuesday, 10:00 in London
      hub = await createHub(t.platform);
    });
    after(async () => {
      await t.close();
    });

    async function signedIn(role: Role, extraRole?: Role): Promise<{ b: Browser; user: TestUser }> {
      const user = await createTestUser(t.db, t.clock, { role, displayName: `Referrer ${role} ${++unique}` });
      if (extraRole) {
        await t.db.write((tx) =>
          tx
            .insertInto('memberships')
            .values({ id: newId(), user_id: user.userId, organisation_id: user.organisationId, team_id: null, role: extraRole, created_at: t.clock.now().toISOString() })
            .execute(),
        );
      }
      const b = new Browser(t.app);
      await signIn(b, user, t.clock);
      return { b, user };
    }

    /** Opens the form and sends it, as a browser would. */
    async function send(b: Browser, form: Record<string, string | string[]>) {
      const page = await b.get('/refer');
      assert.equal(page.statusCode, 200);
      return b.post('/refer', { formToken: formTokenOf(page.body), ...form });
    }

    const requestsFor = (familyName: string) =>
      t.db.read
        .selectFrom('requests')
        .innerJoin('people', 'people.id', 'requests.person_id')
        .select(['requests.id', 'requests.reference', 'requests.source', 'requests.channel', 'requests.referrer', 'requests.referrer_user_id', 'requests.person_agreed', 'requests.consent_to_share'])
        .where('people.family_name', '=', familyName)
        .execute();

    it('keeps what was typed and lists every problem in an error summary, and sends nothing', async () => {
      const { b } = await signedIn('practitioner');
      const form = filledIn({ postcode: '75001 Paris', 'dateOfBirth[day]': '31', 'dateOfBirth[month]': '2', story: '', phone: '', nhsNumber: '999 123 4561' });
      const res = await send(b, form);
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /There is a problem/);
      assert.match(res.body, /<title>Error: /);
      assert.match(res.body, /href="#dateOfBirth-day">\s*Date of birth must be a real date/);
      assert.match(res.body, /href="#postcode">\s*Enter a full UK postcode/);
      assert.match(res.body, /href="#nhsNumber">\s*Enter a valid 10-digit NHS number/);
      assert.match(res.body, /href="#phone">\s*Enter a phone number or an email address, or select &quot;By letter&quot;/);
      assert.match(res.body, /href="#story">\s*Tell us what is happening/);
      // The summary follows the page: date of birth before postcode before contact before the story.
      const order = ['#dateOfBirth-day', '#postcode', '#nhsNumber', '#phone', '#story'].map((h) => res.body.indexOf(`href="${h}"`));
      assert.deepEqual([...order].sort((a, b) => a - b), order);
      assert.match(res.body, new RegExp(`value="${form.familyName}"`), 'the name typed is kept');
      assert.match(res.body, /value="75001 Paris"/, 'the postcode typed is kept');
      assert.match(res.body, /Someone to talk to about money worries/, 'what would help is kept');
      assert.equal(formTokenOf(res.body).length, 43, 'the form keeps its token');
      assert.deepEqual(await requestsFor(form.familyName as string), []);
    });

    it('asks for an address when "By letter" is the way to reach them, and accepts a letter alone with one', async () => {
      const { b } = await signedIn('practitioner');
      const noAddress = await send(b, filledIn({ phone: '', contactByLetter: 'yes' }));
      assert.equal(noAddress.statusCode, 400);
      assert.match(noAddress.body, /href="#address">\s*Enter an address for letters/);
      const form = filledIn({ phone: '', contactByLetter: 'yes', address: '1 Example Street\nLondon' });
      const sent = await send(b, form);
      assert.equal(sent.statusCode, 303, sent.body.slice(0, 500));
      const [r] = await requestsFor(form.familyName as string);
      const person = await t.db.read.selectFrom('people').innerJoin('requests', 'requests.person_id', 'people.id').select(['people.address', 'people.contact_preferences']).where('requests.id', '=', r!.id).executeTakeFirstOrThrow();
      assert.equal(person.address, '1 Example Street\nLondon');
      assert.deepEqual(JSON.parse(person.contact_preferences!).methods, ['letter']);
    });

    it('refuses a champion\'s referral of someone who has not agreed, and sends nothing', async () => {
      const { b } = await signedIn('champion');
      const page = await b.get('/refer');
      assert.doesNotMatch(page.body, /value="knows"/, 'a champion is not offered "knows but has not agreed"');
      for (const answer of ['no', 'knows']) {
        const form = filledIn({ personAgreed: answer });
        const res = await send(b, form);
        assert.equal(res.statusCode, 400, `personAgreed=${answer}`);
        assert.match(res.body, /href="#personAgreed">\s*A champion can only refer someone who has agreed/);
        assert.deepEqual(await requestsFor(form.familyName as string), []);
      }
    });

    it('sends a champion\'s referral through the front door as one request naming the champion, and tells them the reference', async () => {
      const { b, user } = await signedIn('champion');
      const form = filledIn();
      const res = await send(b, form);
      assert.equal(res.statusCode, 303, res.body.slice(0, 500));
      const rows = await requestsFor(form.familyName as string);
      assert.equal(rows.length, 1);
      const r = rows[0]!;
      assert.equal(res.headers.location, `/refer/sent/${r.id}`);
      assert.equal(r.source, 'champion');
      assert.equal(r.channel, 'referral');
      assert.equal(r.referrer_user_id, user.userId);
      assert.equal(Number(r.person_agreed), 1);
      assert.equal(Number(r.consent_to_share), 1);
      const organisation = await t.db.read.selectFrom('organisations').select(['name']).where('id', '=', user.organisationId).executeTakeFirstOrThrow();
      const users = await t.db.read.selectFrom('users').select(['display_name']).where('id', '=', user.userId).executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(r.referrer!), { name: users.display_name, role: 'champion', organisation: organisation.name });

      const audit = await t.db.read.selectFrom('audit_events').select(['action', 'actor_user_id', 'actor_role']).where('entity_id', '=', r.id).execute();
      assert.deepEqual(audit, [{ action: 'front-door.request.submit', actor_user_id: user.userId, actor_role: 'champion' }]);

      const sent = await b.get(String(res.headers.location));
      assert.equal(sent.statusCode, 200);
      assert.match(sent.body, new RegExp(r.reference));
      // Routine, sent Tuesday 10:00: contact by the end of the next working day.
      assert.match(sent.body, /2 December 2026 at 17:00/);
      assert.match(sent.body, /If you need help now/, 'the crisis panel is on the page');

      // The acknowledgement goes to the champion's account, not to the person they referred.
      const acks = (await t.db.read.selectFrom('outbox_messages').select(['recipient', 'personalisation']).where('kind', '=', 'front-door.acknowledgement').execute()).filter((m) =>
        m.personalisation.includes(r.reference),
      );
      assert.deepEqual(
        acks.map((m) => m.recipient),
        [user.email],
      );
    });

    it('makes one request when the same form is sent twice, one after the other or at once, and a new one when it was changed', async () => {
      const { b } = await signedIn('champion');
      const form = filledIn();
      const first = await send(b, form);
      const again = await b.post('/refer', { formToken: formTokenOf(b.lastPage), ...form }); // the browser resends the same page
      assert.equal(first.statusCode, 303);
      assert.equal(again.statusCode, 303);
      assert.equal(again.headers.location, first.headers.location, 'the second answer shows the first request');
      assert.equal((await requestsFor(form.familyName as string)).length, 1);

      // Back, change the name, send again: a new referral, not swallowed by the first.
      const edited = { ...form, familyName: `${form.familyName}Edited` };
      const resent = await b.post('/refer', { formToken: formTokenOf(b.lastPage), ...edited });
      assert.equal(resent.statusCode, 303);
      assert.notEqual(resent.headers.location, first.headers.location);
      assert.equal((await requestsFor(edited.familyName)).length, 1);
      assert.equal((await requestsFor(form.familyName as string)).length, 1);

      const page = await b.get('/refer');
      const atOnce = filledIn({ formToken: formTokenOf(page.body) });
      const answers = await Promise.all([b.post('/refer', atOnce), b.post('/refer', atOnce), b.post('/refer', atOnce)]);
      assert.deepEqual(answers.map((a) => a.statusCode), [303, 303, 303]);
      assert.equal(new Set(answers.map((a) => a.headers.location)).size, 1);
      assert.equal((await requestsFor(atOnce.familyName as string)).length, 1);
    });

    it('lets a professional refer someone who knows but has not agreed, or, with a reason, someone not told; a practitioner who is also a champion refers as a professional', async () => {
      const { b, user } = await signedIn('practitioner', 'champion');
      const page = await b.get('/refer');
      assert.match(page.body, /value="knows"/);
      const knows = filledIn({ personAgreed: 'knows' });
      assert.equal((await send(b, knows)).statusCode, 303);
      const [k] = await requestsFor(knows.familyName as string);
      assert.equal(k!.source, 'professional');
      assert.equal(Number(k!.person_agreed), 0);
      assert.equal(k!.referrer_user_id, user.userId);
      const referrer = JSON.parse(k!.referrer!);
      assert.equal(referrer.role, 'practitioner', 'the professional membership, not the champion one');
      assert.equal(referrer.personKnows, true);
      assert.equal(referrer.reasonWithoutAgreement, null);

      const noReason = filledIn({ personAgreed: 'no' });
      const refused = await send(b, noReason);
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /href="#reasonWithoutAgreement">\s*Enter why they have not been told about this referral/);
      assert.deepEqual(await requestsFor(noReason.familyName as string), []);

      const withReason = filledIn({ personAgreed: 'no', reasonWithoutAgreement: 'Safeguarding: his partner reads his messages.' });
      assert.equal((await send(b, withReason)).statusCode, 303);
      const [w] = await requestsFor(withReason.familyName as string);
      assert.equal(Number(w!.person_agreed), 0);
      assert.equal(JSON.parse(w!.referrer!).personKnows, false);
      assert.equal(JSON.parse(w!.referrer!).reasonWithoutAgreement, 'Safeguarding: his partner reads his messages.');
    });

    it('sends an anonymous caller to sign in, and sends nothing', async () => {
      for (const url of ['/refer', '/refer/mine', `/refer/sent/${newId()}`]) {
        const res = await t.app.inject({ method: 'GET', url });
        assert.equal(res.statusCode, 303, url);
        assert.equal(res.headers.location, `/sign-in?next=${encodeURIComponent(url)}`);
      }
      const b = new Browser(t.app);
      await b.get('/get-help'); // a page with a form token, so the POST is refused for want of sign-in, not of the token
      const form = filledIn();
      const res = await b.post('/refer', { formToken: 'x'.repeat(43), ...form });
      assert.equal(res.statusCode, 303);
      assert.match(String(res.headers.location), /^\/sign-in\?next=/);
      assert.deepEqual(await requestsFor(form.familyName as string), []);
    });

    for (const role of ['person', 'provider-admin'] as const) {
      it(`answers a signed-in ${role} with the page not found`, async () => {
        const { b } = await signedIn(role);
        for (const url of ['/refer', '/refer/mine']) {
          const res = await b.get(url);
          assert.equal(res.statusCode, 404, `${role} GET ${url}`);
          assert.match(res.body, /Page not found/);
        }
        assert.doesNotMatch((await b.get('/')).body, /href="\/refer/, 'no link to the form on their home page');
        await b.get('/sign-out'); // a page with a form, so the POST carries a good CSRF token
        const form = filledIn();
        const res = await b.post('/refer', { formToken: 'x'.repeat(43), ...form });
        assert.equal(res.statusCode, 404);
        assert.deepEqual(await requestsFor(form.familyName as string), []);
      });
    }

    it('shows each referrer their own referrals, and nothing of anyone else\'s', async () => {
      const a = await signedIn('champion');
      const other = await signedIn('practitioner');
      const mine = filledIn({ story: 'Mine: she has been very withdrawn since her mother died.' });
      const theirs = filledIn({ story: 'Theirs: he keeps missing work and seems frightened.' });
      const sentA = await send(a.b, mine);
      const sentOther = await send(other.b, theirs);
      const [ra] = await requestsFor(mine.familyName as string);
      const [ro] = await requestsFor(theirs.familyName as string);

      const home = await a.b.get('/');
      assert.match(home.body, /<a href="\/refer">Refer someone for help<\/a>/, 'the home page links to the form');
      assert.match(home.body, /<a href="\/refer\/mine">Your referrals<\/a>/);
      const listA = await a.b.get('/refer/mine');
      assert.equal(listA.statusCode, 200);
      assert.match(listA.body, new RegExp(ra!.reference));
      assert.doesNotMatch(listA.body, new RegExp(ro!.reference), 'not another referrer\'s');
      assert.match(listA.body, /We have your request/, 'the status in plain words');
      assert.match(listA.body, /1 December 2026/);
      assert.doesNotMatch(listA.body, /withdrawn since her mother died/, 'not the story');
      assert.doesNotMatch(listA.body, new RegExp(mine.familyName as string), 'not the person\'s details');

      const listOther = await other.b.get('/refer/mine');
      assert.match(listOther.body, new RegExp(ro!.reference));
      assert.doesNotMatch(listOther.body, new RegExp(ra!.reference));

      // Another referrer's confirmation page is not found, as if it did not exist.
      const peek = await other.b.get(String(sentA.headers.location));
      assert.equal(peek.statusCode, 404);
      assert.doesNotMatch(peek.body, new RegExp(ra!.reference));
      assert.equal((await other.b.get(String(sentOther.headers.location))).statusCode, 200);

      const audited = await t.db.read.selectFrom('audit_events').select(['action', 'actor_user_id']).where('action', 'in', ['front-door.referral.list', 'front-door.referral.view']).where('actor_user_id', 'in', [a.user.userId, other.user.userId]).orderBy('seq').execute();
      assert.deepEqual(
        audited.map((e) => `${e.action} ${e.actor_user_id === a.user.userId ? 'a' : 'other'}`),
        ['front-door.referral.list a', 'front-door.referral.list other', 'front-door.referral.view other'],
        'each view of a list, and each confirmation seen, is audited; the refused peek reads nothing',
      );
    });

    it('tells the signed-in referrer by email after three failed contact attempts, once, and keeps the request open', async () => {
      const { b, user } = await signedIn('champion');
      const form = filledIn();
      await send(b, form);
      const [r] = await requestsFor(form.familyName as string);
      for (const result of ['no-answer', 'message-left', 'no-answer', 'no-answer'] as const) {
        await recordAttempt(t.platform, hub.practitioner, r!.id, { method: 'phone', result });
      }
      const told = await t.db.read.selectFrom('outbox_messages').select(['channel', 'personalisation']).where('recipient', '=', user.email).where('kind', '=', 'front-door.referrer-could-not-reach').execute();
      assert.equal(told.length, 1, 'told once, after the third attempt');
      assert.equal(told[0]!.channel, 'email');
      assert.match(told[0]!.personalisation, new RegExp(r!.reference));
      const status = await t.db.read.selectFrom('requests').select(['status', 'failed_attempts']).where('id', '=', r!.id).executeTakeFirstOrThrow();
      assert.notEqual(status.status, 'closed');
      assert.equal(status.failed_attempts, 4);
    });
  });
}
