// The functions behind `mutual users create | disable | reset-mfa`, on both databases.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOrganisation, createTeam, findUserByEmail, membershipsOf } from './accounts.ts';
import { AccountError, createAccount, disableUserByEmail, generatePassword, resetMfaByEmail } from './manage.ts';
import { verifyPassword } from './passwords.ts';
import { startSession } from './sessions.ts';
import { countSessionsOfUser, findUserForSignIn, setEnrolledTotpSecret } from './store.ts';
import { testConfig } from '../../config.ts';
import { type TestDatabase, testDialects } from '../db/testing.ts';
import { TestClock } from '../time/clock.ts';

const CLI = { userId: null, role: 'cli' };

for (const dialect of testDialects()) {
  describe(`account management (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestDatabase;
    const clock = new TestClock();
    let orgId: string;
    let teamId: string;
    before(async () => {
      t = await dialect.fresh();
      [orgId, teamId] = await t.db.write(async (tx) => {
        const o = await createOrganisation(tx, clock.now(), { name: 'Brixton Peer Network', kind: 'voluntary' });
        await createOrganisation(tx, clock.now(), { name: 'Twin Name', kind: 'other' });
        await createOrganisation(tx, clock.now(), { name: 'Twin Name', kind: 'other' });
        const tm = await createTeam(tx, clock.now(), { organisationId: o, name: 'Peer support', kind: 'peer' });
        return [o, tm];
      });
    });
    after(async () => {
      await t.close();
    });

    it('creates an account by organisation and team name, with the password hashed and the change audited', async () => {
      const password = generatePassword();
      assert.equal(password.length, 24);
      const made = await createAccount(t.db, clock, { email: ' Ada.Peer@Example.org ', name: 'Ada Peer', role: 'champion', organisation: 'Brixton Peer Network', team: 'Peer support', password }, CLI);
      assert.equal(made.organisationId, orgId);
      assert.equal(made.teamId, teamId);
      const user = await findUserByEmail(t.db.read, 'ada.peer@example.org');
      assert.ok(user);
      assert.equal(user.email, 'ada.peer@example.org');
      assert.notEqual(user.password_hash, password);
      assert.equal(await verifyPassword(user.password_hash!, password), true);
      assert.deepEqual(await membershipsOf(t.db.read, user.id), [{ organisationId: orgId, teamId, role: 'champion' }]);
      const event = await t.db.read.selectFrom('audit_events').select(['action', 'entity_id', 'actor_role']).where('entity_id', '=', user.id).executeTakeFirstOrThrow();
      assert.deepEqual(event, { action: 'admin.user-created', entity_id: user.id, actor_role: 'cli' });
    });

    it('accepts an organisation id as well as its name', async () => {
      const made = await createAccount(t.db, clock, { email: 'by.id@example.org', name: 'By Id', role: 'person', organisation: orgId, password: generatePassword() }, CLI);
      assert.equal(made.organisationId, orgId);
      assert.equal(made.teamId, null);
    });

    it('explains an unknown organisation, team or role, an ambiguous name, a short password and a taken email', async () => {
      const base = { email: 'new.person@example.org', name: 'New Person', role: 'practitioner', organisation: 'Brixton Peer Network', password: generatePassword() };
      const cases: [Partial<typeof base> & { team?: string }, RegExp][] = [
        [{ organisation: 'No Such Org' }, /No organisation has the id or name "No Such Org"/],
        [{ organisation: 'Twin Name' }, /More than one organisation is named "Twin Name": use its id/],
        [{ team: 'No Such Team' }, /No team of that organisation/],
        [{ role: 'wizard' }, /Unknown role "wizard". Use one of: person, network-member/],
        [{ password: 'short' }, /at least 12 characters/],
        [{ email: 'ada.peer@example.org' }, /already exists/],
        [{ email: 'not an email' }, /correct format/],
      ];
      for (const [change, message] of cases) {
        await assert.rejects(createAccount(t.db, clock, { ...base, ...change }, CLI), (e: unknown) => e instanceof AccountError && message.test(e.message));
      }
      assert.equal(await findUserByEmail(t.db.read, 'new.person@example.org'), undefined);
    });

    it('disables an account and ends its sessions', async () => {
      const { userId } = await createAccount(t.db, clock, { email: 'to.disable@example.org', name: 'To Disable', role: 'practitioner', organisation: orgId, password: generatePassword() }, CLI);
      await t.db.write(async (tx) => {
        await startSession(tx, testConfig(), clock.now(), { userId, stage: 'full' });
        await startSession(tx, testConfig(), clock.now(), { userId, stage: 'mfa' });
      });
      assert.equal(await disableUserByEmail(t.db, clock, 'TO.DISABLE@example.org', CLI), 2);
      assert.equal(await countSessionsOfUser(t.db.read, userId), 0);
      assert.ok((await findUserForSignIn(t.db.read, userId))?.disabled_at);
    });

    it('resets an authenticator so it is set up again, ending the sessions', async () => {
      const { userId } = await createAccount(t.db, clock, { email: 'lost.phone@example.org', name: 'Lost Phone', role: 'team-lead', organisation: orgId, password: generatePassword() }, CLI);
      await t.db.write(async (tx) => {
        await setEnrolledTotpSecret(tx, userId, 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', clock.now().toISOString());
        await startSession(tx, testConfig(), clock.now(), { userId, stage: 'full' });
      });
      await resetMfaByEmail(t.db, clock, 'lost.phone@example.org', CLI);
      const user = await findUserForSignIn(t.db.read, userId);
      assert.equal(user?.totp_secret, null);
      assert.equal(user?.totp_enrolled_at, null);
      assert.equal(user?.totp_last_step, null);
      assert.equal(await countSessionsOfUser(t.db.read, userId), 0);
      const actions = (await t.db.read.selectFrom('audit_events').select('action').where('entity_id', '=', userId).orderBy('seq').execute()).map((e) => e.action);
      assert.deepEqual(actions, ['admin.user-created', 'admin.mfa-reset']);
    });

    it('says so for an unknown email', async () => {
      await assert.rejects(disableUserByEmail(t.db, clock, 'nobody@example.org', CLI), /No account has that email address/);
      await assert.rejects(resetMfaByEmail(t.db, clock, 'nobody@example.org', CLI), /No account has that email address/);
    });
  });
}
