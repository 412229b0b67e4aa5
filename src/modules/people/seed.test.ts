// The demo person: after `mutual seed --demo`, Jordan Reid signs in with a code and sees their record.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO } from '../../platform/seed/demo-alliance.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { seedDemoAlliance } from '../../seed.ts';
import { Browser, buildTestApp } from '../../testing/app.ts';
import { lastSignInCode, signInPerson } from '../../testing/auth.ts';
import { seed } from './index.ts';
import { DEMO_FRIEND_EMAIL, DEMO_PERSON_MOBILE } from './seed.ts';

for (const dialect of testDialects()) {
  describe(`the people demo (${dialect.name})`, { skip: dialect.skip }, () => {
    it('links the demo person account to a record with a request, and they can sign in with a code by email or text', async (t) => {
      const app = await buildTestApp(dialect);
      t.after(() => app.close());
      await seedDemoAlliance(app.platform, () => {}, [seed]);
      for (const contact of [DEMO.emails.person, DEMO_PERSON_MOBILE]) {
        const b = new Browser(app.app);
        await signInPerson(b, app.db, contact);
        const home = await b.get('/my-record');
        assert.equal(home.statusCode, 200);
        assert.match(home.body, /Jordan Reid/);
        assert.match(home.body, /Request [A-Z0-9-]+/);
        assert.match(home.body, /We have your request/);
        app.clock.advance(60_000);
      }
    });

    it("gives Jordan a network: their brother (joined) and a friend who may see the safety plan only, with an invitation waiting", async (t) => {
      const app = await buildTestApp(dialect);
      t.after(() => app.close());
      await seedDemoAlliance(app.platform, () => {}, [seed]);
      const members = await app.db.read.selectFrom('network_members').select(['name', 'labels', 'status', 'user_id', 'consent_given_by', 'consent_method']).orderBy('added_at').orderBy('id').execute();
      assert.deepEqual(
        members.map((m) => [m.name, JSON.parse(m.labels), m.status]),
        [
          ['Chris Reid', ['general', 'mental-health', 'safety-plan'], 'active'],
          ['Sam Okafor', ['safety-plan'], 'invited'],
        ],
      );
      assert.equal(members[0]!.user_id, DEMO.users.networkMember);
      assert.ok(members.every((m) => m.consent_given_by === 'person' && m.consent_method === 'online'));
      const invite = await app.db.read.selectFrom('outbox_messages').select(['personalisation']).where('kind', '=', 'people.network-invite').where('recipient', '=', DEMO_FRIEND_EMAIL).executeTakeFirstOrThrow();
      const token = /\/network-invite\/([A-Za-z0-9_-]{43})/.exec(invite.personalisation)?.[1];
      assert.ok(token, 'the invitation link is in the email');
      assert.equal((await new Browser(app.app).get(`/network-invite/${token}`)).statusCode, 200, 'and it works');
      // Chris signs in with a code and sees Jordan among those sharing with him.
      const b = new Browser(app.app);
      await b.get('/sign-in/my-record');
      await b.post('/sign-in/my-record', { contact: DEMO.emails.networkMember });
      await b.get('/sign-in/my-record/code');
      const res = await b.post('/sign-in/my-record/code', { code: await lastSignInCode(app.db, DEMO.emails.networkMember) });
      assert.equal(res.headers.location, '/shared-with-me');
      assert.match((await b.get('/shared-with-me')).body, /Jordan Reid/);
    });
  });
}
