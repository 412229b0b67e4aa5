// The person's network (issue 5, item 2): the person adds people, says what each may see (privacy
// labels), invites them; a member makes an account from the link, signs in with a code and sees only
// the views their labels allow; removing them ends it at once, their link included. Practitioners
// manage the network on the record, recording how consent was given. Everything is audited with the
// person's id and shows in their access log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDialects } from '../../platform/db/testing.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestPersonAccount, createTestUser, lastSignInCode, signIn, signInPerson, type TestPersonAccount } from '../../testing/auth.ts';
import { networkAccess, PURPOSE_NETWORK, registerNetworkView } from './network.ts';
import { insertMember, markJoined } from './network-store.ts';
import { paths } from './paths.ts';
import { decideDuplicateFor } from './record.ts';
import { type Alliance, aPerson, createAlliance, personWithoutRequest, personWithRequest } from './testing.ts';

let n = 0;
const friendEmail = () => `friend.${process.pid}.${++n}.${Date.now().toString(36)}@example.org`;

/** The token in the newest invitation emailed to this address (read from the outbox, as the friend reads their email). */
async function inviteTokenSentTo(t: TestApp, email: string): Promise<string> {
  const row = await t.db.read.selectFrom('outbox_messages').select(['personalisation', 'person_id']).where('kind', '=', 'people.network-invite').where('recipient', '=', email).orderBy('created_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
  assert.equal(row.person_id, null, 'the invitation goes to the member, not the person: no person id (its link is their secret)');
  const token = /\/network-invite\/([A-Za-z0-9_-]{43})/.exec(row.personalisation)?.[1];
  assert.ok(token, 'the email holds the link');
  return token;
}

/** Signs a network member in with a code sent to their email: they land on what is shared with them. */
async function signInMember(t: TestApp, browser: Browser, email: string): Promise<void> {
  await browser.get('/sign-in/my-record');
  let res = await browser.post('/sign-in/my-record', { contact: email });
  assert.equal(res.statusCode, 303);
  await browser.get('/sign-in/my-record/code');
  res = await browser.post('/sign-in/my-record/code', { code: await lastSignInCode(t.db, email) });
  assert.equal(res.statusCode, 303, `the code answered ${res.statusCode}`);
  assert.equal(res.headers.location, paths.sharedWithMe);
}

for (const dialect of testDialects()) {
  describe(`the person's network (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    let personId: string;
    let familyName: string;
    let account: TestPersonAccount;
    let person: Browser;
    let practitioner: Browser;
    /** Another person with an account, and their browser. */
    let other: { personId: string; account: TestPersonAccount; browser: Browser };

    const memberByEmail = (email: string) => t.db.read.selectFrom('network_members').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
    /** The person adds someone through the form; returns the member's row. */
    const personAdds = async (browser: Browser, form: Record<string, string | string[]>) => {
      await browser.get(paths.myNetworkAdd);
      const res = await browser.post(paths.myNetworkAdd, { relationship: 'friend', consent: 'yes', ...form });
      assert.equal(res.statusCode, 303, `adding answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
      assert.equal(res.headers.location, paths.myNetwork);
    };
    const accept = async (browser: Browser, token: string, form: Record<string, string> = {}) => {
      await browser.get(paths.networkInvite(token));
      return browser.post(paths.networkInvite(token), { displayName: 'Sam Friend', agree: 'yes', ...form });
    };

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
      // The modules' views for members, one for each label (the modules that own them register theirs the same way).
      registerNetworkView(t.platform, { name: 'test-care-plan', label: 'mental-health', title: 'Test care plan', href: (id) => `/test/care-plan/${id}` });
      registerNetworkView(t.platform, { name: 'test-safety-plan', label: 'safety-plan', title: 'Test safety plan', href: (id) => `/test/safety-plan/${id}` });
      registerNetworkView(t.platform, { name: 'test-general', label: 'general', title: 'Test meeting times', href: (id) => `/test/general/${id}` });
      // A view of the member's label with nothing in it for this person: not listed either.
      registerNetworkView(t.platform, { name: 'test-empty', label: 'safety-plan', title: 'Test empty list', href: (id) => `/test/empty/${id}`, shows: async (_db, p) => p.personIds.length === 0 });
      a = await createAlliance(t);
      const details = aPerson();
      familyName = details.familyName;
      personId = (await personWithRequest(t, details)).personId;
      account = await createTestPersonAccount(t.db, t.clock, { personId, organisationId: a.organisationId, displayName: `Alex ${familyName}` });
      person = new Browser(t.app);
      await signInPerson(person, t.db, account.email);
      practitioner = new Browser(t.app);
      await signIn(practitioner, a.hubPractitioner, t.clock);
      const otherId = await personWithoutRequest(t, aPerson({ givenName: 'Robin' }));
      const otherAccount = await createTestPersonAccount(t.db, t.clock, { personId: otherId, organisationId: a.organisationId });
      other = { personId: otherId, account: otherAccount, browser: new Browser(t.app) };
      await signInPerson(other.browser, t.db, otherAccount.email);
    });
    after(async () => {
      await t?.close();
    });

    describe('the person adds and invites a friend who then sees only the safety plan', () => {
      const email = friendEmail();
      let token: string;
      const friend = () => new Browser(t.app);
      let friendBrowser: Browser;

      it('records the member, their labels, the consent (the person, online) and the label history, and emails a link that is stored hashed', async () => {
        await personAdds(person, { name: 'Sam Friend', email, phone: '07700 900123', labels: 'safety-plan', invite: 'yes' });
        const m = await memberByEmail(email);
        assert.equal(m.person_id, personId);
        assert.equal(m.relationship, 'friend');
        assert.deepEqual(JSON.parse(m.labels), ['safety-plan']);
        assert.equal(m.consent_given_by, 'person');
        assert.equal(m.consent_method, 'online');
        assert.equal(m.consent_recorded_by, account.userId);
        assert.equal(m.consent_at, '2026-12-01T10:00:00.000Z');
        assert.equal(m.status, 'invited');
        assert.equal(m.phone, '07700900123');
        const history = await t.db.read.selectFrom('network_label_changes').selectAll().where('member_id', '=', m.id).execute();
        assert.equal(history.length, 1);
        assert.deepEqual([JSON.parse(history[0]!.labels_before), JSON.parse(history[0]!.labels_after)], [[], ['safety-plan']]);
        assert.equal(history[0]!.changed_by, account.userId);
        token = await inviteTokenSentTo(t, email);
        const invites = await t.db.read.selectFrom('network_invites').selectAll().where('member_id', '=', m.id).execute();
        assert.equal(invites.length, 1);
        assert.notEqual(invites[0]!.token_hash, token, 'only a hash of the token is kept');
        assert.ok(!JSON.stringify(invites).includes(token));
        assert.equal(invites[0]!.expires_at, '2026-12-15T10:00:00.000Z', 'the link works for 14 days');
        const audit = await t.db.read.selectFrom('audit_events').select(['action', 'person_id', 'actor_role', 'purpose']).where('actor_user_id', '=', account.userId).where('action', 'in', ['people.network.add', 'people.network.invite']).execute();
        assert.deepEqual(audit.map((e) => [e.action, e.person_id, e.actor_role]).sort(), [['people.network.add', personId, 'person'], ['people.network.invite', personId, 'person']]);
        const page = await person.get(paths.myNetwork);
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /Sam Friend/);
        assert.match(page.body, /Safety plan only/);
        assert.match(page.body, /Invited, not joined yet/);
        assert.match(page.body, /Given by the person, online/);
      });

      it('the link makes a network-member account; the friend signs in with a code and lands on what is shared with them', async () => {
        friendBrowser = friend();
        const open = await friendBrowser.get(paths.networkInvite(token));
        assert.equal(open.statusCode, 200);
        assert.match(open.body, /Alex has shared information with you/);
        assert.ok(!open.body.includes(familyName), 'the link page names the person by first name only');
        const res = await accept(friendBrowser, token);
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, paths.networkInviteDone);
        const user = await t.db.read.selectFrom('users').select(['id', 'password_hash', 'person_id']).where('email', '=', email).executeTakeFirstOrThrow();
        assert.equal(user.password_hash, null, 'no password: codes only');
        assert.equal(user.person_id, null, 'not a person account');
        const roles = await t.db.read.selectFrom('memberships').select(['role', 'organisation_id']).where('user_id', '=', user.id).execute();
        assert.deepEqual(roles, [{ role: 'network-member', organisation_id: a.organisationId }], "the account joins the organisation of the person's own account");
        const m = await memberByEmail(email);
        assert.equal(m.status, 'active');
        assert.equal(m.user_id, user.id);
        await signInMember(t, friendBrowser, email);
        const signedIn = await t.db.read.selectFrom('audit_events').select(['actor_role']).where('action', '=', 'auth.sign-in').where('actor_user_id', '=', user.id).where('outcome', '=', 'success').execute();
        assert.deepEqual(signedIn, [{ actor_role: 'network-member' }], 'the sign-in is audited in the role it was made in');
        const home = await friendBrowser.get(paths.sharedWithMe);
        assert.equal(home.statusCode, 200);
        assert.match(home.body, new RegExp(`Alex ${familyName}`));
        assert.ok(home.body.includes(`href="${paths.sharedBy(personId)}"`));
      });

      it('the link works once: a second use gets the "does not work" page and makes nothing', async () => {
        const again = friend();
        assert.equal((await again.get(paths.networkInvite(token))).statusCode, 404);
        const res = await again.post(paths.networkInvite(token), { displayName: 'Someone Else', agree: 'yes', _csrf: 'x' });
        assert.ok(res.statusCode === 404 || res.statusCode === 403, `answered ${res.statusCode}`);
        const users = await t.db.read.selectFrom('users').select(['id']).where('email', '=', email).execute();
        assert.equal(users.length, 1);
      });

      it('the friend sees only the views their label allows: others are not even listed; every look is audited with the person id', async () => {
        const res = await friendBrowser.get(paths.sharedBy(personId));
        assert.equal(res.statusCode, 200);
        assert.match(res.body, /Test safety plan/);
        assert.ok(res.body.includes(`href="/test/safety-plan/${personId}"`));
        assert.ok(!res.body.includes('Test care plan') && !res.body.includes('/test/care-plan/'), 'mental health views not listed');
        assert.ok(!res.body.includes('Test meeting times'), 'general views not listed');
        assert.ok(!res.body.includes('Test empty list'), 'a view with nothing for the person is not listed');
        const user = await t.db.read.selectFrom('users').select(['id']).where('email', '=', email).executeTakeFirstOrThrow();
        const events = await t.db.read.selectFrom('audit_events').select(['action', 'person_id', 'actor_role', 'purpose', 'outcome']).where('actor_user_id', '=', user.id).where('action', 'like', 'people.network.%').execute();
        for (const action of ['people.network.join', 'people.network.shared-list', 'people.network.shared-view']) {
          const e = events.find((x) => x.action === action);
          assert.ok(e, `${action} audited`);
          assert.equal(e.person_id, personId);
          assert.equal(e.actor_role, 'network-member');
          assert.equal(e.purpose, PURPOSE_NETWORK);
        }
        const access = await networkAccess(t.db.read, { userId: user.id, personId });
        assert.deepEqual(access && [...access.labels], ['safety-plan']);
      });

      it("the friend's looks show in the person's access log", async () => {
        const log = await person.get(paths.myAccessLog);
        const row = log.body.split('<tr').find((r) => r.includes('Sam Friend') && r.includes('Looked at what you share with them'));
        assert.ok(row, 'listed with their name');
        assert.match(row, /Someone in your network/);
        assert.match(row, /network member, shared by the person/);
      });

      it('a network member never sees the record, the portal, requests or the access log; another person sharing nothing is 404', async () => {
        for (const url of [paths.person(personId), paths.network(personId), paths.myRecord, paths.myAccessLog, paths.myDownloadJson, paths.myNetwork, '/queue']) {
          const res = await friendBrowser.get(url);
          assert.equal(res.statusCode, 404, `${url} answered ${res.statusCode}`);
          assert.ok(!res.body.includes(familyName));
        }
        const res = await friendBrowser.get(paths.sharedBy(other.personId));
        assert.equal(res.statusCode, 404);
        const denied = await t.db.read.selectFrom('audit_events').select(['outcome']).where('person_id', '=', other.personId).where('action', '=', 'people.network.shared-view').execute();
        assert.deepEqual(denied, [{ outcome: 'denied' }], "the refused look shows in that person's log");
        assert.equal((await friendBrowser.get(paths.sharedBy('not-an-id'))).statusCode, 404);
      });

      it('changing what they see is kept as history and takes effect at once; a stale form saves nothing', async () => {
        const m = await memberByEmail(email);
        const page = await person.get(paths.myNetworkMember(m.id));
        assert.equal(page.statusCode, 200);
        t.clock.advanceMinutes(1);
        const res = await person.post(paths.myNetworkMember(m.id), { version: String(m.version), labels: ['safety-plan', 'mental-health'], consent: 'yes' });
        assert.equal(res.statusCode, 303);
        const shared = await friendBrowser.get(paths.sharedBy(personId));
        assert.match(shared.body, /Test care plan/);
        assert.match(shared.body, /Test safety plan/);
        const history = await t.db.read.selectFrom('network_label_changes').selectAll().where('member_id', '=', m.id).orderBy('changed_at').execute();
        assert.equal(history.length, 2);
        assert.deepEqual(JSON.parse(history[1]!.labels_after), ['mental-health', 'safety-plan']);
        // The same form again, opened before that change: refused, nothing changed.
        const stale = await person.post(paths.myNetworkMember(m.id), { version: String(m.version), labels: [], consent: 'yes' });
        assert.equal(stale.statusCode, 409);
        assert.match(stale.body, /There is a problem/);
        assert.match(stale.body, /changed since you opened this page/);
        assert.deepEqual(JSON.parse((await memberByEmail(email)).labels), ['mental-health', 'safety-plan']);
        // Back to the safety plan only.
        const now = await memberByEmail(email);
        await person.get(paths.myNetworkMember(m.id));
        assert.equal((await person.post(paths.myNetworkMember(m.id), { version: String(now.version), labels: 'safety-plan', consent: 'yes' })).statusCode, 303);
        assert.ok(!(await friendBrowser.get(paths.sharedBy(personId))).body.includes('Test care plan'));
      });

      it('removing them ends their access at once, in the session they already have', async () => {
        const m = await memberByEmail(email);
        await person.get(paths.myNetworkRemove(m.id));
        const res = await person.post(paths.myNetworkRemove(m.id), { reason: 'We are not in touch any more' });
        assert.equal(res.statusCode, 303);
        assert.equal((await friendBrowser.get(paths.sharedBy(personId))).statusCode, 404);
        const home = await friendBrowser.get(paths.sharedWithMe);
        assert.equal(home.statusCode, 200);
        assert.ok(!home.body.includes(familyName));
        assert.equal(await networkAccess(t.db.read, { userId: m.user_id!, personId }), null);
        const row = await memberByEmail(email);
        assert.equal(row.status, 'removed');
        assert.equal(row.removed_by, account.userId);
        assert.equal(row.removed_reason, 'We are not in touch any more');
        const page = await person.get(paths.myNetwork);
        assert.match(page.body, /Removed/);
      });
    });

    describe('invitation links', () => {
      it('a link for a removed member no longer works, before or after opening it', async () => {
        const email = friendEmail();
        await personAdds(person, { name: 'Jo Removed', email, labels: 'general', invite: 'yes' });
        const token = await inviteTokenSentTo(t, email);
        const b = new Browser(t.app);
        assert.equal((await b.get(paths.networkInvite(token))).statusCode, 200, 'it works before the removal');
        const m = await memberByEmail(email);
        await person.get(paths.myNetworkRemove(m.id));
        assert.equal((await person.post(paths.myNetworkRemove(m.id), {})).statusCode, 303);
        // The page was opened before the removal: submitting it now fails too.
        const res = await b.post(paths.networkInvite(token), { displayName: 'Jo Removed', agree: 'yes' });
        assert.equal(res.statusCode, 404);
        assert.match(res.body, /This invitation link does not work/);
        assert.equal((await new Browser(t.app).get(paths.networkInvite(token))).statusCode, 404);
        assert.equal((await t.db.read.selectFrom('users').select(['id']).where('email', '=', email).execute()).length, 0, 'no account made');
        const invite = await t.db.read.selectFrom('network_invites').select(['revoked_at']).where('member_id', '=', m.id).executeTakeFirstOrThrow();
        assert.ok(invite.revoked_at, 'the link is ended with the removal');
      });

      it('a link expires after 14 days', async () => {
        const email = friendEmail();
        await personAdds(person, { name: 'Kim Late', email, labels: 'general', invite: 'yes' });
        const token = await inviteTokenSentTo(t, email);
        t.clock.advanceMinutes(14 * 24 * 60 - 1);
        assert.equal((await new Browser(t.app).get(paths.networkInvite(token))).statusCode, 200, 'still works a minute before');
        t.clock.advanceMinutes(1);
        const b = new Browser(t.app);
        assert.equal((await b.get(paths.networkInvite(token))).statusCode, 404);
        // Two weeks on, everyone's sessions have ended: sign in again.
        await signInPerson(person, t.db, account.email);
        await signInPerson(other.browser, t.db, other.account.email);
        await signIn(practitioner, a.hubPractitioner, t.clock);
        const m = await memberByEmail(email);
        const page = await person.get(paths.myNetwork);
        assert.match(page.body, /Invitation expired/);
        // A new invitation makes a new link; the member can use it.
        await person.get(paths.myNetworkMember(m.id));
        assert.equal((await person.post(paths.myNetworkInvite(m.id), {})).statusCode, 303);
        const fresh = await inviteTokenSentTo(t, email);
        assert.notEqual(fresh, token);
        assert.equal((await accept(new Browser(t.app), fresh, { displayName: 'Kim Late' })).statusCode, 303);
      });

      it('a new invitation ends the link sent before', async () => {
        const email = friendEmail();
        await personAdds(person, { name: 'Lee Twice', email, labels: 'general', invite: 'yes' });
        const first = await inviteTokenSentTo(t, email);
        const m = await memberByEmail(email);
        await person.get(paths.myNetworkMember(m.id));
        assert.equal((await person.post(paths.myNetworkInvite(m.id), {})).statusCode, 303);
        const second = await inviteTokenSentTo(t, email);
        assert.equal((await new Browser(t.app).get(paths.networkInvite(first))).statusCode, 404);
        assert.equal((await new Browser(t.app).get(paths.networkInvite(second))).statusCode, 200);
      });

      it("changing their email address ends the link sent to the old one; the details form keeps what was typed and refuses a stale save", async () => {
        const email = friendEmail();
        await personAdds(person, { name: 'Nat Moved', email, labels: 'general', invite: 'yes' });
        const old = await inviteTokenSentTo(t, email);
        const m = await memberByEmail(email);
        await person.get(paths.myNetworkDetails(m.id));
        const bad = await person.post(paths.myNetworkDetails(m.id), { version: String(m.version), name: 'Nat Moved', relationship: 'friend', email: 'nat at home', phone: '' });
        assert.equal(bad.statusCode, 400);
        assert.match(bad.body, /There is a problem/);
        assert.match(bad.body, /value="nat at home"/);
        const newEmail = friendEmail();
        const res = await person.post(paths.myNetworkDetails(m.id), { version: String(m.version), name: 'Nat Moved', relationship: 'other', relationshipDetail: 'neighbour', email: newEmail, phone: '020 7946 0000' });
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, paths.myNetworkMember(m.id));
        const row = await t.db.read.selectFrom('network_members').selectAll().where('id', '=', m.id).executeTakeFirstOrThrow();
        assert.deepEqual([row.email, row.relationship, row.relationship_detail, row.phone, row.status], [newEmail, 'other', 'neighbour', '02079460000', 'added']);
        assert.equal((await new Browser(t.app).get(paths.networkInvite(old))).statusCode, 404, 'the link sent to the old address no longer works');
        // The same form again, opened before that change: refused, nothing changed.
        await person.get(paths.myNetworkDetails(m.id));
        const stale = await person.post(paths.myNetworkDetails(m.id), { version: String(m.version), name: 'Someone Else', relationship: 'friend' });
        assert.equal(stale.statusCode, 409);
        assert.match(stale.body, /changed since you opened this page/);
        assert.equal((await t.db.read.selectFrom('network_members').select(['name']).where('id', '=', m.id).executeTakeFirstOrThrow()).name, 'Nat Moved');
        await person.get(paths.myNetworkMember(m.id));
        assert.equal((await person.post(paths.myNetworkInvite(m.id), {})).statusCode, 303);
        assert.equal((await accept(new Browser(t.app), await inviteTokenSentTo(t, newEmail), { displayName: 'Nat Moved' })).statusCode, 303);
      });

      it('a malformed or unknown token gets the same page', async () => {
        for (const token of ['nope', 'A'.repeat(43)]) {
          const res = await new Browser(t.app).get(paths.networkInvite(token));
          assert.equal(res.statusCode, 404);
          assert.match(res.body, /This invitation link does not work/);
        }
      });

      it('the account form shows errors in a summary and keeps what was typed', async () => {
        const email = friendEmail();
        await personAdds(person, { name: 'Mo Form', email, labels: 'general', invite: 'yes' });
        const token = await inviteTokenSentTo(t, email);
        const b = new Browser(t.app);
        await b.get(paths.networkInvite(token));
        const res = await b.post(paths.networkInvite(token), { displayName: 'Mo Typed', mobile: '12345' });
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /There is a problem/);
        assert.match(res.body, /Confirm that you will keep what is shared with you private/);
        assert.match(res.body, /value="Mo Typed"/);
        const again = await b.post(paths.networkInvite(token), { displayName: 'Mo Typed', mobile: '12345', agree: 'yes' });
        assert.equal(again.statusCode, 400);
        assert.match(again.body, /Enter a UK mobile number/);
        assert.match(again.body, /value="12345"/);
      });

      it("an email address of a staff account is refused: work and personal accounts stay apart", async () => {
        const staff = await createTestUser(t.db, t.clock, { role: 'practitioner', organisationId: a.organisationId });
        await personAdds(person, { name: 'Pat Staff', email: staff.email, labels: 'general', invite: 'yes' });
        const token = await inviteTokenSentTo(t, staff.email);
        const res = await accept(new Browser(t.app), token, { displayName: 'Pat Staff' });
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /another kind of account/);
        const roles = await t.db.read.selectFrom('memberships').select(['role']).where('user_id', '=', staff.userId).execute();
        assert.deepEqual(roles, [{ role: 'practitioner' }]);
      });

      it("the person's own email address is refused: they cannot join their own network", async () => {
        await personAdds(person, { name: 'Me Again', email: account.email, labels: 'general', invite: 'yes' });
        const res = await accept(new Browser(t.app), await inviteTokenSentTo(t, account.email));
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /the email address of the person who shares/);
        const roles = await t.db.read.selectFrom('memberships').select(['role']).where('user_id', '=', account.userId).execute();
        assert.deepEqual(roles, [{ role: 'person' }]);
      });

      it("a member of two people's networks uses one account", async () => {
        const email = friendEmail();
        await personAdds(person, { name: 'Ari Both', email, labels: 'general', invite: 'yes' });
        assert.equal((await accept(new Browser(t.app), await inviteTokenSentTo(t, email))).statusCode, 303);
        await personAdds(other.browser, { name: 'Ari Both', email, labels: 'safety-plan', invite: 'yes' });
        assert.equal((await accept(new Browser(t.app), await inviteTokenSentTo(t, email))).statusCode, 303);
        const users = await t.db.read.selectFrom('users').select(['id']).where('email', '=', email).execute();
        assert.equal(users.length, 1);
        const b = new Browser(t.app);
        await signInMember(t, b, email);
        const home = await b.get(paths.sharedWithMe);
        assert.ok(home.body.includes(paths.sharedBy(personId)) && home.body.includes(paths.sharedBy(other.personId)));
        assert.match((await b.get(paths.sharedBy(personId))).body, /Test meeting times/);
        const theirs = await b.get(paths.sharedBy(other.personId));
        assert.match(theirs.body, /Test safety plan/);
        assert.ok(!theirs.body.includes('Test meeting times'), "each person's labels apply to their own views only");
      });
    });

    describe('forms', () => {
      it('the add form shows every problem in an error summary and keeps what was typed', async () => {
        await person.get(paths.myNetworkAdd);
        const res = await person.post(paths.myNetworkAdd, { name: '', relationship: 'other', email: 'not-an-email', phone: '123', labels: ['safety-plan', 'everything'], invite: 'yes' });
        assert.equal(res.statusCode, 400);
        assert.match(res.body, /There is a problem/);
        for (const message of ['Enter their name', 'Enter an email address in the correct format', 'Enter a UK phone number', 'Choose what they may see from the list', 'Confirm that you want to share this with them']) {
          assert.ok(res.body.includes(message), message);
        }
        assert.match(res.body, /value="not-an-email"/);
        assert.match(res.body, /value="123"/);
        assert.match(res.body, /value="other" checked/);
        const missingDetail = await person.post(paths.myNetworkAdd, { name: 'Someone', relationship: 'other', labels: 'general', consent: 'yes', invite: 'yes' });
        assert.equal(missingDetail.statusCode, 400);
        assert.match(missingDetail.body, /Say how they are related/);
        assert.match(missingDetail.body, /Enter their email address to send them an invitation/);
        assert.match(missingDetail.body, /value="Someone"/);
      });
    });

    describe('practitioners on the record', () => {
      it('see the network and add a member with how the person gave consent; all audited with their team and purpose', async () => {
        const list = await practitioner.get(paths.network(personId));
        assert.equal(list.statusCode, 200);
        assert.match(list.body, /Sam Friend/);
        await practitioner.get(paths.networkAdd(personId));
        const missing = await practitioner.post(paths.networkAdd(personId), { name: 'Dr Gee', relationship: 'gp', labels: 'mental-health', consent: 'yes' });
        assert.equal(missing.statusCode, 400);
        assert.match(missing.body, /Select how the person gave their consent/);
        assert.match(missing.body, /value="Dr Gee"/);
        const res = await practitioner.post(paths.networkAdd(personId), { name: 'Dr Gee', relationship: 'gp', labels: 'mental-health', consent: 'yes', consentMethod: 'phone' });
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, paths.network(personId));
        const m = await t.db.read.selectFrom('network_members').selectAll().where('name', '=', 'Dr Gee').executeTakeFirstOrThrow();
        assert.equal(m.consent_given_by, 'practitioner');
        assert.equal(m.consent_method, 'phone');
        assert.equal(m.consent_recorded_by, a.hubPractitioner.userId);
        assert.equal(m.status, 'added');
        const events = await t.db.read.selectFrom('audit_events').select(['action', 'person_id', 'actor_role', 'actor_team_id', 'purpose']).where('actor_user_id', '=', a.hubPractitioner.userId).where('action', 'like', 'people.network.%').execute();
        for (const action of ['people.network.view', 'people.network.add']) {
          const e = events.find((x) => x.action === action);
          assert.ok(e, action);
          assert.deepEqual([e.person_id, e.actor_role, e.actor_team_id, e.purpose], [personId, 'practitioner', a.hubTeamId, 'direct care']);
        }
        // The person sees it, and who recorded it, in their own network page and log.
        const mine = await person.get(paths.myNetwork);
        assert.match(mine.body, /Dr Gee/);
        assert.match(mine.body, /Recorded by a practitioner for the person, by phone/);
        const log = await person.get(paths.myAccessLog);
        assert.ok(log.body.split('<tr').some((r) => r.includes('Added someone to your network') && r.includes('Front door hub')));
      });

      it("puts the network's changes on the record's timeline, with who made them", async () => {
        const record = await practitioner.get(paths.person(personId));
        assert.equal(record.statusCode, 200);
        assert.match(record.body, /Sam Friend \(friend\) added to the network/);
        assert.match(record.body, /Sam Friend made their account to see what is shared/);
        assert.match(record.body, /What Sam Friend may see changed/);
        assert.match(record.body, /From Safety plan only to Mental health, Safety plan only/);
        assert.match(record.body, /Sam Friend removed from the network/);
        assert.match(record.body, /We are not in touch any more/);
        assert.match(record.body, /Dr Gee \(GP\) added to the network/);
        assert.ok(record.body.includes(`href="${paths.network(personId)}"`), 'the record links to the network');
      });

      it('change labels and remove, with consent recorded', async () => {
        const m = await t.db.read.selectFrom('network_members').selectAll().where('name', '=', 'Dr Gee').executeTakeFirstOrThrow();
        await practitioner.get(paths.networkMember(personId, m.id));
        const res = await practitioner.post(paths.networkMember(personId, m.id), { version: String(m.version), labels: ['mental-health', 'social-care'], consent: 'yes', consentMethod: 'in-person' });
        assert.equal(res.statusCode, 303);
        const change = await t.db.read.selectFrom('network_label_changes').selectAll().where('member_id', '=', m.id).orderBy('changed_at', 'desc').orderBy('id', 'desc').executeTakeFirstOrThrow();
        assert.deepEqual([change.changed_by, change.changed_by_role, change.consent_given_by, change.consent_method], [a.hubPractitioner.userId, 'practitioner', 'practitioner', 'in-person']);
        await practitioner.get(paths.networkRemove(personId, m.id));
        assert.equal((await practitioner.post(paths.networkRemove(personId, m.id), { reason: 'Changed GP practice' })).statusCode, 303);
        assert.equal((await t.db.read.selectFrom('network_members').select(['status']).where('id', '=', m.id).executeTakeFirstOrThrow()).status, 'removed');
      });

      it('a practitioner of a team not involved, a commissioner and another person get 404 (refused looks audited)', async () => {
        const m = await memberByEmailAny(t, 'Sam Friend');
        const outsider = new Browser(t.app);
        await signIn(outsider, a.outsider, t.clock);
        const commissioner = new Browser(t.app);
        await signIn(commissioner, a.commissioner, t.clock);
        for (const url of [paths.network(personId), paths.networkAdd(personId), paths.networkMember(personId, m.id), paths.networkRemove(personId, m.id)]) {
          assert.equal((await outsider.get(url)).statusCode, 404, `outsider ${url}`);
          assert.equal((await commissioner.get(url)).statusCode, 404, `commissioner ${url}`);
          assert.equal((await other.browser.get(url)).statusCode, 404, `another person ${url}`);
        }
        // Another person's portal never reaches this person's members.
        for (const url of [paths.myNetworkMember(m.id), paths.myNetworkRemove(m.id)]) assert.equal((await other.browser.get(url)).statusCode, 404, url);
        await other.browser.get(paths.myNetworkAdd); // a page of their own with a form, for its CSRF token
        assert.equal((await other.browser.post(paths.myNetworkRemove(m.id), {})).statusCode, 404);
        await other.browser.get(paths.myNetworkAdd);
        assert.equal((await other.browser.post(paths.myNetworkInvite(m.id), {})).statusCode, 404);
        const denied = await t.db.read.selectFrom('audit_events').select(['outcome']).where('actor_user_id', '=', a.outsider.userId).where('person_id', '=', personId).where('action', 'like', 'people.network.%').execute();
        assert.ok(denied.length > 0 && denied.every((e) => e.outcome === 'denied'));
        assert.equal((await commissioner.get(paths.sharedWithMe)).statusCode, 404);
        assert.equal((await practitioner.get(paths.sharedWithMe)).statusCode, 404);
        const anonymous = await t.app.inject({ method: 'GET', url: paths.sharedWithMe });
        assert.equal(anonymous.statusCode, 303);
        assert.equal(anonymous.headers.location, '/sign-in/my-record');
      });
    });

    it('a membership of a record merged into another counts for the record kept', async () => {
      const details = aPerson({ givenName: 'Merle' });
      const keptId = await personWithoutRequest(t, details);
      const mergedId = (await personWithRequest(t, details)).personId;
      const memberUser = await createTestUser(t.db, t.clock, { role: 'network-member', organisationId: a.organisationId });
      await t.db.write(async (tx) => {
        const id = await insertMember(tx, t.clock.now(), { personId: mergedId, relationship: 'carer', relationshipDetail: null, name: 'Carer', email: null, phone: null, labels: ['social-care'], consentRecordedBy: a.hubPractitioner.userId, consentGivenBy: 'practitioner', consentMethod: 'in-writing', addedBy: a.hubPractitioner.userId, addedByRole: 'practitioner' });
        await markJoined(tx, t.clock.now(), id, memberUser.userId);
      });
      const before = await networkAccess(t.db.read, { userId: memberUser.userId, personId: mergedId });
      assert.equal(before?.personId, mergedId);
      const candidate = await t.db.read.selectFrom('person_duplicate_candidates').select(['id']).where('person_id', '=', mergedId).executeTakeFirstOrThrow();
      await decideDuplicateFor(t.platform, a.hubPractitioner.actor, mergedId, candidate.id, { same: 'yes', note: 'Same address and GP, confirmed by phone' });
      for (const id of [keptId, mergedId]) {
        const access = await networkAccess(t.db.read, { userId: memberUser.userId, personId: id });
        assert.equal(access?.personId, keptId, 'the record shown is the one kept');
        assert.deepEqual([...(access?.labels ?? [])], ['social-care']);
      }
      assert.equal(await networkAccess(t.db.read, { userId: a.hubPractitioner.userId, personId: keptId }), null, 'no membership, no access');
    });
  });
}

async function memberByEmailAny(t: TestApp, name: string) {
  return t.db.read.selectFrom('network_members').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
}

// Who may use each route of the network (issue 5, item 9 and "Done when"): every route, for each role
// and relationship. Allowed: a page (200) or, for a form sent with nothing valid in it, the form again
// with its errors (400), so nothing changes. Denied: 404 with nothing of the person; anonymous: sign in.
type Route = { name: string; method: 'GET' | 'POST'; url: string; kind: 'record' | 'own' | 'own-member' | 'shared'; form?: Record<string, string> };

for (const dialect of testDialects()) {
  describe(`who may use the network's routes (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: Alliance;
    let personId: string;
    let familyName: string;
    /** A member with no email address: inviting them is refused with an error summary, so the walk changes nothing. */
    let quietId: string;
    const browsers = new Map<string, Browser | null>();

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
      registerNetworkView(t.platform, { name: 'test-safety-plan', label: 'safety-plan', title: 'Test safety plan', href: (id) => `/test/safety-plan/${id}` });
      registerNetworkView(t.platform, { name: 'test-general', label: 'general', title: 'Test meeting times', href: (id) => `/test/general/${id}` });
      a = await createAlliance(t);
      const details = aPerson();
      familyName = details.familyName;
      personId = (await personWithRequest(t, details)).personId;
      const account = await createTestPersonAccount(t.db, t.clock, { personId, organisationId: a.organisationId });
      const otherId = await personWithoutRequest(t, aPerson({ givenName: 'Robin' }));
      const otherAccount = await createTestPersonAccount(t.db, t.clock, { personId: otherId, organisationId: a.organisationId });
      // Members: one with the safety plan label, one without it (general only), one removed; all with accounts.
      const member = async (label: string, labels: string[], removed = false) => {
        const user = await createTestUser(t.db, t.clock, { role: 'network-member', organisationId: a.organisationId, displayName: `Member ${label}` });
        await t.db.write(async (tx) => {
          const id = await insertMember(tx, t.clock.now(), { personId, relationship: 'friend', relationshipDetail: null, name: label, email: user.email, phone: null, labels, consentRecordedBy: account.userId, consentGivenBy: 'person', consentMethod: 'online', addedBy: account.userId, addedByRole: 'person' });
          await markJoined(tx, t.clock.now(), id, user.userId);
          if (removed) await tx.updateTable('network_members').set({ status: 'removed', removed_at: t.clock.now().toISOString(), removed_by: account.userId }).where('id', '=', id).execute();
        });
        return user;
      };
      const withLabel = await member('With label', ['safety-plan']);
      const withoutLabel = await member('Without label', ['general']);
      const removedMember = await member('Removed', ['safety-plan'], true);
      quietId = await t.db.write((tx) =>
        insertMember(tx, t.clock.now(), { personId, relationship: 'gp', relationshipDetail: null, name: 'Quiet GP', email: null, phone: null, labels: ['mental-health'], consentRecordedBy: account.userId, consentGivenBy: 'person', consentMethod: 'online', addedBy: account.userId, addedByRole: 'person' }),
      );
      for (const [name, m] of [
        ['hub practitioner', a.hubPractitioner],
        ['hub lead', a.hubLead],
        ['community practitioner', a.outsider],
        ['community lead', a.communityLead],
        ['provider admin', a.providerAdmin],
        ['commissioner', a.commissioner],
      ] as const) {
        const b = new Browser(t.app);
        await signIn(b, m, t.clock);
        browsers.set(name, b);
      }
      for (const [name, contact] of [
        ['the person', account.email],
        ['another person', otherAccount.email],
      ] as const) {
        const b = new Browser(t.app);
        await signInPerson(b, t.db, contact);
        browsers.set(name, b);
      }
      for (const [name, user] of [
        ['member with the label', withLabel],
        ['member without the label', withoutLabel],
        ['removed member', removedMember],
      ] as const) {
        const b = new Browser(t.app);
        await signInMember(t, b, user.email);
        browsers.set(name, b);
      }
      browsers.set('anonymous', null);
    });
    after(async () => {
      await t?.close();
    });

    function routes(): Route[] {
      const tooLong = { reason: 'x'.repeat(501) };
      return [
        { name: 'the network on the record', method: 'GET', url: paths.network(personId), kind: 'record' },
        { name: 'the add form', method: 'GET', url: paths.networkAdd(personId), kind: 'record' },
        { name: 'adding', method: 'POST', url: paths.networkAdd(personId), kind: 'record' },
        { name: 'a member', method: 'GET', url: paths.networkMember(personId, quietId), kind: 'record' },
        { name: 'changing what a member sees', method: 'POST', url: paths.networkMember(personId, quietId), kind: 'record' },
        { name: 'inviting a member', method: 'POST', url: paths.networkInviteMember(personId, quietId), kind: 'record' },
        { name: "a member's details", method: 'GET', url: paths.networkDetails(personId, quietId), kind: 'record' },
        { name: "changing a member's details", method: 'POST', url: paths.networkDetails(personId, quietId), kind: 'record' },
        { name: 'the remove page', method: 'GET', url: paths.networkRemove(personId, quietId), kind: 'record' },
        { name: 'removing', method: 'POST', url: paths.networkRemove(personId, quietId), kind: 'record', form: tooLong },
        { name: 'my network', method: 'GET', url: paths.myNetwork, kind: 'own' },
        { name: 'my add form', method: 'GET', url: paths.myNetworkAdd, kind: 'own' },
        { name: 'adding to my network', method: 'POST', url: paths.myNetworkAdd, kind: 'own' },
        { name: 'a member of my network', method: 'GET', url: paths.myNetworkMember(quietId), kind: 'own-member' },
        { name: 'changing what they see', method: 'POST', url: paths.myNetworkMember(quietId), kind: 'own-member' },
        { name: 'inviting them', method: 'POST', url: paths.myNetworkInvite(quietId), kind: 'own-member' },
        { name: 'their details', method: 'GET', url: paths.myNetworkDetails(quietId), kind: 'own-member' },
        { name: 'changing their details', method: 'POST', url: paths.myNetworkDetails(quietId), kind: 'own-member' },
        { name: 'the page to remove them', method: 'GET', url: paths.myNetworkRemove(quietId), kind: 'own-member' },
        { name: 'removing them', method: 'POST', url: paths.myNetworkRemove(quietId), kind: 'own-member', form: tooLong },
        { name: 'shared with me', method: 'GET', url: paths.sharedWithMe, kind: 'shared' },
        { name: 'what the person shares with me', method: 'GET', url: paths.sharedBy(personId), kind: 'shared' },
      ];
    }

    async function call(b: Browser | null, route: Route) {
      if (!b) return t.app.inject({ method: route.method, url: route.url, payload: route.method === 'POST' ? {} : undefined });
      if (route.method === 'GET') return b.get(route.url);
      await b.get('/sign-out'); // a page with a form: its CSRF token
      return b.post(route.url, route.form ?? {});
    }

    async function expectAll(who: string, allowed: (r: Route) => boolean) {
      const b = browsers.get(who)!;
      for (const route of routes()) {
        const res = await call(b, route);
        const what = `${who}: ${route.name} (${route.method} ${route.url})`;
        if (allowed(route)) {
          assert.equal(res.statusCode, route.method === 'GET' ? 200 : 400, `${what} should be allowed, answered ${res.statusCode}`);
          if (route.method === 'POST') assert.match(res.body, /There is a problem/, `${what}: the form again with its errors`);
        } else if (!b) {
          assert.equal(res.statusCode, 303, `${what} answered ${res.statusCode}`);
          assert.match(String(res.headers.location), route.kind === 'record' ? /^\/sign-in\?next=/ : /^\/sign-in\/my-record$/);
        } else {
          assert.equal(res.statusCode, 404, `${what} should be denied, answered ${res.statusCode}`);
          assert.doesNotMatch(res.body, new RegExp(familyName), `${what}: nothing of the person`);
        }
      }
    }

    it('the involved team (practitioner and lead): the network on the record, nothing of the portal or the member side', async () => {
      await expectAll('hub practitioner', (r) => r.kind === 'record');
      await expectAll('hub lead', (r) => r.kind === 'record');
    });

    it('another team, a provider admin and a commissioner: nothing', async () => {
      for (const who of ['community practitioner', 'community lead', 'provider admin', 'commissioner']) await expectAll(who, () => false);
    });

    it('the person: their own network only', async () => {
      await expectAll('the person', (r) => r.kind === 'own' || r.kind === 'own-member');
    });

    it("another person: their own network pages, never this person's members", async () => {
      await expectAll('another person', (r) => r.kind === 'own');
    });

    it('a network member with the label: the member pages only, listing the view of their label', async () => {
      await expectAll('member with the label', (r) => r.kind === 'shared');
      const page = await browsers.get('member with the label')!.get(paths.sharedBy(personId));
      assert.match(page.body, /Test safety plan/);
      assert.doesNotMatch(page.body, /Test meeting times/);
    });

    it('a network member without the label: the member pages, without the view of that label', async () => {
      await expectAll('member without the label', (r) => r.kind === 'shared');
      const page = await browsers.get('member without the label')!.get(paths.sharedBy(personId));
      assert.doesNotMatch(page.body, /Test safety plan/);
      assert.match(page.body, /Test meeting times/);
    });

    it('a removed member: their own (empty) list, nothing of the person', async () => {
      await expectAll('removed member', (r) => r.kind === 'shared' && r.url === paths.sharedWithMe);
    });

    it('anonymous: sent to sign in', async () => {
      await expectAll('anonymous', () => false);
    });

    it('the walk changed nothing', async () => {
      const quiet = await t.db.read.selectFrom('network_members').select(['status', 'labels', 'version']).where('id', '=', quietId).executeTakeFirstOrThrow();
      assert.deepEqual([quiet.status, JSON.parse(quiet.labels), Number(quiet.version)], ['added', ['mental-health'], 1]);
      assert.equal((await t.db.read.selectFrom('network_members').select(['id']).where('person_id', '=', personId).execute()).length, 4);
    });
  });
}
