// The partner's side of a front door referral (issue 4, item 8; hazard H9): the organisation that runs
// the service sees the referral, accepts it (the request closes, the person is told), declines it with
// a reason (the request is back in the hub's queue, the hub told), or completes it; nobody else sees
// it; a referral nobody answers in 5 working days is put back to the hub, once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { createTeam, createUser } from '../../platform/auth/accounts.ts';
import { startSession } from '../../platform/auth/sessions.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { runDueTimers } from '../../platform/jobs/timers.ts';
import { cookieName } from '../../platform/http/security.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { nameReferralTeam } from '../directory/index.ts';
import { accessTo, PEOPLE_READ } from '../people/index.ts';
import { answerDueBy, receivedReferral, receivedReferrals, respondToReferral } from './partner-referrals.ts';
import { paths } from './paths.ts';
import { decide } from './queue.ts';
import { requestById } from './store.ts';
import { createHub, createPartner, type Hub, type Partner, submit } from './testing.ts';

describe('when a referral is put back to the hub', () => {
  it('is the end of the 5th working day after it was sent, bank holidays skipped', () => {
    // Tuesday 1 December 2026, 10:00 → Tuesday 8 December, 17:00.
    assert.equal(answerDueBy(new Date('2026-12-01T10:00:00.000Z')).toISOString(), '2026-12-08T17:00:00.000Z');
    // Wednesday 23 December: Christmas Day, Boxing Day (on Monday 28th) and New Year's Day are not working days → Monday 4 January.
    assert.equal(answerDueBy(new Date('2026-12-23T10:00:00.000Z')).toISOString(), '2027-01-04T17:00:00.000Z');
  });
});

for (const dialect of testDialects()) {
  describe(`referrals to a partner's service (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let hub: Hub;
    let partner: Partner;
    let other: Partner;

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
      hub = await createHub(t.platform);
      partner = await createPartner(t.platform, 'Peer support group');
      other = await createPartner(t.platform, 'Another charity’s group');
    });
    after(async () => {
      await t?.close();
    });

    const messagesTo = (to: string, kind: string) => t.db.read.selectFrom('outbox_messages').select(['personalisation']).where('recipient', '=', to).where('kind', '=', kind).execute();
    const referralOf = (requestId: string) => t.db.read.selectFrom('referrals').selectAll().where('request_id', '=', requestId).executeTakeFirstOrThrow();
    async function referred(story = 'I would like to meet other people who have been through this.', email?: string) {
      const submitted = await submit(t.platform, { story, person: { givenName: 'Robin', familyName: `Referred${Date.now() % 100000}`, dateOfBirth: '1990-05-01', postcode: 'SW9 9SL', email: email ?? null, phone: '07700900555' } });
      await decide(t.platform, hub.practitioner, submitted.id, { kind: 'refer', serviceId: partner.serviceId, serviceName: partner.serviceName, reason: 'Would like a peer group in the evenings' });
      return { submitted, referral: await referralOf(submitted.id) };
    }
    async function browserAs(userId: string): Promise<Browser> {
      const sessionId = await t.db.write((tx) => startSession(tx, t.config, t.clock.now(), { userId, stage: 'full' }));
      const b = new Browser(t.app);
      b.jar.take({ cookies: [{ name: cookieName(t.config, 'session'), value: sessionId }] } as unknown as LightMyRequestResponse);
      return b;
    }

    it('shows the partner its new referrals, the longest waiting first, and the referral with what it needs to reach the person', async () => {
      t.clock.set('2026-12-01T10:00:00.000Z');
      const { referral } = await referred();
      const inbox = await receivedReferrals(t.platform, partner.practitioner, 'new');
      const row = inbox.rows.find((r) => r.id === referral.id);
      assert.ok(row);
      assert.equal(row.serviceName, partner.serviceName);
      assert.equal(row.statusText, 'Waiting for an answer');
      assert.ok(inbox.counts.sent >= 1);

      const b = await browserAs(partner.practitioner.userId);
      const list = await b.get(paths.receivedReferrals);
      assert.equal(list.statusCode, 200);
      assert.match(list.body, new RegExp(`href="/referrals/received/${referral.id}"`));
      const page = await b.get(paths.receivedReferral(referral.id));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Would like a peer group in the evenings/);
      assert.match(page.body, /I would like to meet other people/, 'the person agreed to share within the alliance');
      assert.match(page.body, /07700 900 555/);
      assert.match(page.body, /Answer by 8 December 2026 at 17:00/);
      // Both views are in the person's audit trail.
      const audited = await t.db.read.selectFrom('audit_events').select(['action', 'outcome']).where('actor_user_id', '=', partner.practitioner.userId).execute();
      assert.ok(audited.some((a) => a.action === 'front-door.referral.received.view' && a.outcome === 'success'));
      assert.ok(audited.some((a) => a.action === 'front-door.referral.received.list'));
      // The partner's lead was told one is waiting, with no personal data; the practitioner (the partner has a lead) was not.
      const waiting = (await messagesTo(partner.lead.email, 'front-door.referral-waiting')).filter((m) => m.personalisation.includes(partner.serviceName));
      assert.ok(waiting.length >= 1);
      assert.match(waiting[0]!.personalisation, /\/referrals\/received/);
      assert.doesNotMatch(waiting[0]!.personalisation, /Robin|Referred\d/);
      assert.equal((await messagesTo(partner.practitioner.email, 'front-door.referral-waiting')).length, 0);
      // While the referral runs, the partner may open the person's record (they are involved).
      assert.ok(await accessTo(t.platform, t.db.read, partner.practitioner, referral.person_id, PEOPLE_READ));
    });

    it('shows nobody else the referral: another organisation, the hub, a provider admin of no service; a denied look is audited', async () => {
      t.clock.set('2026-12-01T11:00:00.000Z');
      const { referral } = await referred();
      await assert.rejects(receivedReferral(t.platform, other.practitioner, referral.id), NotFoundError);
      await assert.rejects(respondToReferral(t.platform, other.lead, referral.id, { action: 'accept' }), NotFoundError);
      assert.equal((await receivedReferrals(t.platform, other.practitioner, 'new')).rows.some((r) => r.id === referral.id), false);
      const denied = await t.db.read.selectFrom('audit_events').select('outcome').where('actor_user_id', '=', other.practitioner.userId).where('entity_id', '=', referral.id).execute();
      assert.deepEqual(denied, [{ outcome: 'denied' }]);
      // The hub's own organisation runs no service here: it sees an empty inbox, and the referral page is 404.
      assert.equal((await receivedReferrals(t.platform, hub.practitioner, 'new')).rows.length, 0);
      const hubBrowser = await browserAs(hub.practitioner.userId);
      assert.equal((await hubBrowser.get(paths.receivedReferral(referral.id))).statusCode, 404);
      assert.equal((await (await browserAs(other.practitioner.userId)).get(paths.receivedReferral(referral.id))).statusCode, 404);
      assert.equal((await (await browserAs(other.practitioner.userId)).get(paths.receivedReferral('not-a-referral'))).statusCode, 404);
    });

    it('shows a referral only to the team the service names, and involves only that team with the person (H10)', async () => {
      t.clock.set('2026-12-01T12:00:00.000Z');
      const charity = await createPartner(t.platform, 'Counselling service');
      const otherTeam = await t.db.write(async (tx) => {
        const teamId = await createTeam(tx, t.clock.now(), { organisationId: charity.organisationId, name: `Youth team ${Date.now()}`, kind: 'community' });
        const userId = await createUser(tx, t.clock.now(), { email: `youth-${Date.now()}@example.test`, displayName: 'Youth worker', passwordHash: null, memberships: [{ organisationId: charity.organisationId, teamId, role: 'practitioner' }] });
        return { kind: 'user' as const, userId, displayName: 'Youth worker', memberships: [{ organisationId: charity.organisationId, teamId, role: 'practitioner' as const }], personId: null, sessionRef: `test-${userId}` };
      });
      const namedTeam = charity.practitioner.memberships[0]!.teamId!;
      await nameReferralTeam(t.platform, charity.serviceId, namedTeam);
      const submitted = await submit(t.platform);
      await decide(t.platform, hub.practitioner, submitted.id, { kind: 'refer', serviceId: charity.serviceId, serviceName: charity.serviceName, reason: 'Counselling' });
      const referral = await referralOf(submitted.id);
      assert.ok((await receivedReferrals(t.platform, charity.practitioner, 'new')).rows.some((r) => r.id === referral.id));
      assert.equal((await receivedReferrals(t.platform, otherTeam, 'new')).rows.some((r) => r.id === referral.id), false, 'another team of the same organisation');
      await assert.rejects(receivedReferral(t.platform, otherTeam, referral.id), NotFoundError);
      assert.ok(await accessTo(t.platform, t.db.read, charity.practitioner, referral.person_id, PEOPLE_READ));
      assert.equal(await accessTo(t.platform, t.db.read, otherTeam, referral.person_id, PEOPLE_READ), null, 'not involved with the person');
    });

    it('accepting closes the request with that outcome, tells the person, and puts it on the request’s timeline; a second answer conflicts', async () => {
      t.clock.set('2026-12-02T09:00:00.000Z');
      const email = `robin-${Date.now()}@example.test`;
      const { submitted, referral } = await referred('I would like to meet other people who have been through this.', email);
      const b = await browserAs(partner.practitioner.userId);
      await b.get(paths.receivedReferral(referral.id));
      const res = await b.post(`${paths.receivedReferral(referral.id)}/accept`, { note: 'First group on Thursday 10 December' });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, `${paths.receivedReferral(referral.id)}?answered=accept`);
      const after = await b.get(String(res.headers.location));
      assert.match(after.body, /You accepted the referral/);
      assert.match(after.body, /When your work with them ends/);

      const moved = await referralOf(submitted.id);
      assert.equal(moved.status, 'accepted');
      assert.equal(moved.status_note, 'First group on Thursday 10 December');
      const r = await requestById(t.db.read, submitted.id);
      assert.equal(r?.status, 'closed');
      assert.equal(r?.outcome, `Referred to ${partner.serviceName}: accepted`);
      const events = await t.db.read.selectFrom('request_events').select(['kind', 'actor_user_id']).where('request_id', '=', submitted.id).execute();
      assert.ok(events.some((e) => e.kind === 'referral-accepted' && e.actor_user_id === partner.practitioner.userId));
      const told = await messagesTo(email, 'front-door.referral-accepted');
      assert.equal(told.length, 1);
      assert.match(told[0]!.personalisation, new RegExp(`${partner.serviceName} has accepted the referral`));
      // The person's record (the partner is involved while the referral runs) shows the answer, once, with who gave it.
      const record = await b.get(`/people/${referral.person_id}`);
      assert.equal(record.statusCode, 200);
      assert.equal(record.body.match(new RegExp(`Referral from request ${submitted.reference} to ${partner.serviceName} accepted`, 'g'))?.length, 1);
      // The unanswered timer is gone.
      assert.equal((await t.db.read.selectFrom('timers').select('id').where('dedupe_key', '=', `front-door:referral-unanswered:${referral.id}`).execute()).length, 0);
      // Someone else answering the same referral from a page opened before: refused, nothing changed.
      await assert.rejects(respondToReferral(t.platform, partner.lead, referral.id, { action: 'decline', reasonKind: 'no-capacity' }), ConflictError);
      assert.equal((await referralOf(submitted.id)).status, 'accepted');

      // Completing it needs to say how it ended.
      await b.get(paths.receivedReferral(referral.id));
      const empty = await b.post(`${paths.receivedReferral(referral.id)}/complete`, { note: '' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /There is a problem/);
      assert.match(empty.body, /Say how the referral ended/);
      const done = await b.post(`${paths.receivedReferral(referral.id)}/complete`, { note: 'Came to 6 groups; now meets the group without us' });
      assert.equal(done.statusCode, 303);
      assert.equal((await referralOf(submitted.id)).status, 'completed');
    });

    it('declining needs a reason, and puts the request back in the hub’s queue for a new decision, telling the referrer and the hub’s leads', async () => {
      t.clock.set('2026-12-03T09:00:00.000Z');
      const { submitted, referral } = await referred();
      const b = await browserAs(partner.lead.userId);
      await b.get(paths.receivedReferral(referral.id));
      const none = await b.post(`${paths.receivedReferral(referral.id)}/decline`, { reason: 'Typed before choosing' });
      assert.equal(none.statusCode, 400);
      assert.match(none.body, /There is a problem/);
      assert.match(none.body, /href="#reasonKind"/);
      assert.match(none.body, /Typed before choosing/, 'what was typed is kept');
      const other = await b.post(`${paths.receivedReferral(referral.id)}/decline`, { reasonKind: 'other' });
      assert.equal(other.statusCode, 400);
      assert.match(other.body, /Say why the referral is declined/);
      assert.equal((await referralOf(submitted.id)).status, 'sent', 'nothing saved by a refused answer');

      const res = await b.post(`${paths.receivedReferral(referral.id)}/decline`, { reasonKind: 'no-capacity', reason: 'Group full until March' });
      assert.equal(res.statusCode, 303);
      const declined = await referralOf(submitted.id);
      assert.equal(declined.status, 'declined');
      assert.equal(declined.status_note, 'No capacity at the moment: Group full until March');
      const r = await requestById(t.db.read, submitted.id);
      assert.equal(r?.status, 'received', 'back in the queue, never contacted yet');
      assert.equal(r?.decision, null);
      for (const to of [hub.practitioner.email, hub.lead.email]) {
        const told = await messagesTo(to, 'front-door.referral-declined');
        assert.equal(told.length, 1, to);
        assert.match(told[0]!.personalisation, new RegExp(`request ${submitted.reference} needs a new decision`));
        assert.doesNotMatch(told[0]!.personalisation, /Robin|Referred\d/, 'no personal data in the email');
      }
      // The hub's request page shows it, and offers the decision again.
      const hubPage = await (await browserAs(hub.practitioner.userId)).get(paths.request(submitted.id));
      assert.match(hubPage.body, /referral declined[^<]*: [^<]*Group full until March/);
      assert.match(hubPage.body, /Decide what happens next/);
    });

    it('lets the hub withdraw a referral not yet answered: back in its queue, and the partner can no longer answer it', async () => {
      t.clock.set('2026-12-04T09:00:00.000Z');
      const { submitted, referral } = await referred();
      const hubBrowser = await browserAs(hub.practitioner.userId);
      const page = await hubBrowser.get(paths.request(submitted.id));
      assert.match(page.body, /Referral waiting for an answer/);
      assert.match(page.body, new RegExp(`The referral to ${partner.serviceName} was sent`));
      const empty = await hubBrowser.post(`${paths.request(submitted.id)}/withdraw-referral`, { withdrawReason: '' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /Say why the referral is withdrawn/);
      const res = await hubBrowser.post(`${paths.request(submitted.id)}/withdraw-referral`, { withdrawReason: 'Found a group nearer home' });
      assert.equal(res.statusCode, 303);
      assert.deepEqual({ status: (await referralOf(submitted.id)).status, note: (await referralOf(submitted.id)).status_note }, { status: 'withdrawn', note: 'Found a group nearer home' });
      const r = await requestById(t.db.read, submitted.id);
      assert.equal(r?.status, 'received');
      assert.equal(r?.decision, null);
      assert.equal((await t.db.read.selectFrom('timers').select('id').where('dedupe_key', '=', `front-door:referral-unanswered:${referral.id}`).execute()).length, 0);
      await assert.rejects(respondToReferral(t.platform, partner.practitioner, referral.id, { action: 'accept' }), ConflictError);
      const inbox = await receivedReferrals(t.platform, partner.practitioner, 'closed');
      assert.equal(inbox.rows.find((x) => x.id === referral.id)?.statusText, 'Withdrawn');
      // Withdrawing again: nothing waiting.
      await hubBrowser.get(paths.request(submitted.id));
      const again = await hubBrowser.post(`${paths.request(submitted.id)}/withdraw-referral`, { withdrawReason: 'Twice' });
      assert.equal(again.statusCode, 409);
    });

    it('refers someone who said no to sharing only once the hub confirms they agreed to the referral', async () => {
      t.clock.set('2026-12-04T11:00:00.000Z');
      const submitted = await submit(t.platform, { consentToShare: false });
      const refer = (personAgreed?: boolean) => decide(t.platform, hub.practitioner, submitted.id, { kind: 'refer', serviceId: partner.serviceId, serviceName: partner.serviceName, reason: 'Asked for a group', personAgreed });
      await assert.rejects(refer(), (e: Error) => e instanceof InputError && e.errors[0]?.field === 'personAgreed');
      assert.equal((await t.db.read.selectFrom('referrals').select('id').where('request_id', '=', submitted.id).execute()).length, 0, 'nothing saved');
      // On the page: the box is offered, and the error summary links to it.
      const b = await browserAs(hub.practitioner.userId);
      const page = await b.get(paths.request(submitted.id));
      assert.match(page.body, /They have agreed to this referral/);
      const refused = await b.post(`${paths.request(submitted.id)}/decision`, { decision: 'refer', serviceId: partner.serviceId, reason: 'Asked for a group' });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /href="#personAgreed"/);
      const agreed = await b.post(`${paths.request(submitted.id)}/decision`, { decision: 'refer', serviceId: partner.serviceId, reason: 'Asked for a group', personAgreed: 'yes' });
      assert.equal(agreed.statusCode, 303);
      assert.equal((await referralOf(submitted.id)).status, 'sent');
      const decision = await t.db.read.selectFrom('request_events').select('detail').where('request_id', '=', submitted.id).where('kind', '=', 'decision').executeTakeFirstOrThrow();
      assert.deepEqual(JSON.parse(String(decision.detail)), { kind: 'refer', personAgreed: true });
      // Someone who agreed to share at the start needs no box.
      const willing = await submit(t.platform);
      assert.doesNotMatch((await b.get(paths.request(willing.id))).body, /They have agreed to this referral/);
    });

    it('puts a referral nobody answers back to the hub after 5 working days, once', async () => {
      t.clock.set('2026-12-01T10:00:00.000Z');
      const { submitted, referral } = await referred();
      const due = async () => {
        while ((await runDueTimers(t.platform)).claimed > 0);
      };
      t.clock.set('2026-12-08T16:59:00.000Z');
      await due();
      const eventsOf = async () => (await t.db.read.selectFrom('request_events').select('kind').where('request_id', '=', submitted.id).execute()).filter((e) => e.kind === 'referral-unanswered');
      assert.equal((await eventsOf()).length, 0);
      t.clock.set('2026-12-08T17:01:00.000Z');
      await due();
      assert.equal((await eventsOf()).length, 1);
      const told = await messagesTo(hub.lead.email, 'front-door.referral-unanswered');
      assert.ok(told.some((m) => m.personalisation.includes(submitted.reference)));
      t.clock.set('2026-12-10T17:01:00.000Z');
      await due();
      assert.equal((await eventsOf()).length, 1, 'once');
      assert.equal((await referralOf(submitted.id)).status, referral.status);
    });
  });
}
