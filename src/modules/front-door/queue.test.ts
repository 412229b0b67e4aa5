import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSession } from '../../platform/auth/sessions.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { cookieName } from '../../platform/http/security.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { runDueTimers } from '../../platform/jobs/timers.ts';
import { buildTestApp, type TestApp } from '../../testing/app.ts';
import { addNote, claim, closeArranged, decide, recordAttempt } from './queue.ts';
import { paths } from './paths.ts';
import { requestById, updateRequest } from './store.ts';
import { createHub, type Hub, submit } from './testing.ts';

for (const dialect of testDialects()) {
  describe(`the front door queue (${dialect.name})`, { skip: dialect.skip }, () => {
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

    const messagesTo = (to: string, kind: string) =>
      t.db.read.selectFrom('outbox_messages').select(['id']).where('recipient', '=', to).where('kind', '=', kind).execute();

    it('brings forward words the risk phrases cannot read, and says in the queue and on the request that they were not screened (H8)', async () => {
      t.clock.set('2026-12-01T10:00:00.000Z');
      const story = 'Não aguento mais, não durmo há semanas e tenho medo do que posso fazer';
      const unread = await submit(t.platform, { story });
      assert.equal(unread.urgency, 'urgent', 'urgent, not routine: a person reads it within four hours');
      assert.equal(unread.contactBy, '2026-12-01T14:00:00.000Z');
      assert.equal(Number((await requestById(t.db.read, unread.id))?.words_unscreened), 1);
      const english = await submit(t.platform, { story: 'I am behind on my rent and worried about money, could someone help me sort it out' });
      assert.equal(english.urgency, 'routine');
      assert.equal(Number((await requestById(t.db.read, english.id))?.words_unscreened), 0);
      // Words that the phrases do read stay as they were flagged: a high risk in English is a crisis, whatever else is written.
      const both = await submit(t.platform, { story: 'Não aguento mais. I have decided to kill myself tonight.' });
      assert.equal(both.urgency, 'crisis');

      const sessionId = await t.db.write((tx) => startSession(tx, t.config, t.clock.now(), { userId: hub.practitioner.userId, stage: 'full' }));
      const get = (url: string) => t.app.inject({ method: 'GET', url, cookies: { [cookieName(t.config, 'session')]: sessionId }, headers: { accept: 'text/html' } });
      const queue = (await get(paths.queue)).body;
      const row = (reference: string) => new RegExp(`${reference}</a></td>(?:(?!</tr>)[\\s\\S])*</tr>`).exec(queue)?.[0] ?? '';
      assert.match(row(unread.reference), /Not screened for risk/);
      assert.doesNotMatch(row(english.reference), /Not screened for risk/);
      const page = (await get(`/front-door/requests/${unread.id}`)).body;
      assert.match(page, /Not screened for risk/);
      assert.match(page, /no flag here does not mean no risk/);
      assert.doesNotMatch((await get(`/front-door/requests/${english.id}`)).body, /Not screened for risk/);
    });

    it('escalates a request past its target without contact exactly once, and tells the team lead', async () => {
      t.clock.set('2026-12-01T10:00:00.000Z');
      const submitted = await submit(t.platform);
      assert.equal(submitted.contactBy, '2026-12-02T17:00:00.000Z');
      t.clock.set('2026-12-02T17:00:30.000Z');
      await runDueTimers(t.platform);
      await runDueTimers(t.platform);
      const breaches = await t.db.read.selectFrom('request_breaches').select(['kind']).where('request_id', '=', submitted.id).orderBy('kind').execute();
      assert.deepEqual(
        breaches.map((b) => b.kind),
        ['breach', 'warning'],
      );
      const r = await requestById(t.db.read, submitted.id);
      assert.ok(r?.escalated_at, 'marked as escalated');
      const told = (
        await t.db.read.selectFrom('outbox_messages').select(['personalisation']).where('recipient', '=', hub.lead.email).where('kind', '=', 'front-door.breach').execute()
      ).filter((m) => m.personalisation.includes(submitted.reference));
      assert.equal(told.length, 1, 'the lead is told once');
    });

    it('does not escalate a request contacted before its target', async () => {
      t.clock.set('2026-12-07T09:30:00.000Z'); // Monday
      const submitted = await submit(t.platform);
      t.clock.set('2026-12-07T11:00:00.000Z');
      await recordAttempt(t.platform, hub.practitioner, submitted.id, { method: 'phone', result: 'reached' });
      t.clock.set('2026-12-09T09:00:00.000Z');
      await runDueTimers(t.platform);
      const breaches = await t.db.read.selectFrom('request_breaches').select(['kind']).where('request_id', '=', submitted.id).execute();
      assert.deepEqual(breaches, []);
      const r = await requestById(t.db.read, submitted.id);
      assert.equal(r?.status, 'contacted');
      assert.equal(r?.first_contact_at, '2026-12-07T11:00:00.000Z');
    });

    it('after three failed attempts writes to the person and tells the referrer, and keeps the request open', async () => {
      t.clock.set('2026-12-14T09:30:00.000Z');
      const submitted = await submit(t.platform, {
        source: 'family-or-friend',
        referrer: { name: 'A worried sister', email: `sister-${Date.now()}@example.test` },
      });
      const r0 = await requestById(t.db.read, submitted.id);
      for (const result of ['no-answer', 'message-left', 'no-answer'] as const) {
        await recordAttempt(t.platform, hub.practitioner, submitted.id, { method: 'phone', result });
      }
      const r = await requestById(t.db.read, submitted.id);
      assert.equal(r?.failed_attempts, 3);
      assert.notEqual(r?.status, 'closed', 'never a silent closure');
      const person = await t.db.read.selectFrom('people').select(['phone']).where('id', '=', r0!.person_id).executeTakeFirstOrThrow();
      assert.equal((await messagesTo(person.phone!, 'front-door.could-not-reach')).length, 1);
      const referrer = JSON.parse(r0!.referrer!) as { email: string };
      assert.equal((await messagesTo(referrer.email, 'front-door.referrer-could-not-reach')).length, 1);
    });

    it('cannot close a request without an outcome, in the domain or in the database', async () => {
      const submitted = await submit(t.platform);
      await assert.rejects(decide(t.platform, hub.practitioner, submitted.id, { kind: 'refer', serviceId: 'svc-1', serviceName: 'Peer group', reason: 'Wants a group' }).then(() =>
        closeArranged(t.platform, hub.practitioner, submitted.id, '   '),
      ), InputError);
      await assert.rejects(
        t.db.write((tx) => updateRequest(tx, submitted.id, t.clock.now(), { status: 'closed', closed_at: t.clock.now().toISOString(), outcome: null })),
        /requests_closed_has_outcome|CHECK constraint/i,
      );
      await closeArranged(t.platform, hub.practitioner, submitted.id, 'Accepted by the peer group');
      const r = await requestById(t.db.read, submitted.id);
      assert.equal(r?.status, 'closed');
      assert.equal(r?.outcome, 'Accepted by the peer group');
      await assert.rejects(claim(t.platform, hub.practitioner, submitted.id), ConflictError);
    });

    it('records a referral for a partner service and keeps the request open until the partner takes the person on', async () => {
      const submitted = await submit(t.platform);
      await decide(t.platform, hub.practitioner, submitted.id, { kind: 'refer', serviceId: 'svc-peer', serviceName: 'Peer group', reason: 'Would like to meet others' });
      const r = await requestById(t.db.read, submitted.id);
      assert.equal(r?.status, 'arranging');
      const referrals = await t.db.read.selectFrom('referrals').select(['service_id', 'status']).where('request_id', '=', submitted.id).execute();
      assert.deepEqual(referrals, [{ service_id: 'svc-peer', status: 'sent' }]);
    });

    it('closes a signposted request with its outcome and sends the person a summary', async () => {
      const submitted = await submit(t.platform, { person: { givenName: 'Lee', familyName: `Signposted${Date.now()}`, dateOfBirth: '1988-01-01', postcode: 'SE5 8AF', email: `lee-${Date.now()}@example.test` } });
      await decide(t.platform, hub.practitioner, submitted.id, {
        kind: 'signpost',
        serviceIds: ['svc-cafe'],
        services: [{ name: 'Brixton crisis café', phone: '020 7946 0001' }],
      });
      const r = await requestById(t.db.read, submitted.id);
      assert.equal(r?.status, 'closed');
      assert.equal(r?.outcome, 'signposted');
      const person = await t.db.read.selectFrom('people').select(['email']).where('id', '=', r!.person_id).executeTakeFirstOrThrow();
      assert.equal((await messagesTo(person.email!, 'front-door.signpost')).length, 1);
    });

    it('treats a practitioner of another team as if the request did not exist', async () => {
      const submitted = await submit(t.platform);
      await assert.rejects(claim(t.platform, hub.outsider, submitted.id), NotFoundError);
      await assert.rejects(addNote(t.platform, hub.outsider, submitted.id, 'hello'), NotFoundError);
    });
  });
}
