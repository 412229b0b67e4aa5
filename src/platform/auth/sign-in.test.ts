// Signing in and out through the real pages, on both databases: passwords, authenticator codes,
// throttling, session rotation and timeouts, cookies, CSRF and caching.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { testDialects } from '../db/testing.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestUser, signIn } from '../../testing/auth.ts';
import { disableUser } from './manage.ts';
import { countSessionsOfUser, findUserForSignIn } from './store.ts';
import { totpCode } from './totp.ts';
import { hashSessionId } from './sessions.ts';

const sessionCookie = (res: LightMyRequestResponse, name = 'session') =>
  (res.cookies as { name: string; value: string }[]).find((c) => c.name === name);

/** Whether the browser is signed in: the sign-out page needs a signed-in user. */
async function signedIn(browser: Browser): Promise<boolean> {
  const res = await browser.get('/sign-out');
  if (res.statusCode === 200) return true;
  assert.equal(res.statusCode, 303);
  assert.match(String(res.headers.location), /^\/sign-in\?next=/);
  return false;
}

async function auditActions(t: TestApp): Promise<{ action: string; outcome: string; entity_id: string | null; actor_user_id: string | null }[]> {
  return t.db.read.selectFrom('audit_events').select(['action', 'outcome', 'entity_id', 'actor_user_id']).orderBy('seq').execute();
}

for (const dialect of testDialects()) {
  describe(`signing in (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(dialect);
    });
    after(async () => {
      await t.close();
    });

    it('shows the sign-in form with the email and password fields and keeps a local next path', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/sign-in?next=%2Fdirectory%3Fq%3Dx' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<label[^>]*for="email">\s*Email address\s*<\/label>/);
      assert.match(res.body, /<label[^>]*for="password">\s*Password\s*<\/label>/);
      assert.match(res.body, /<input[^>]+id="password"[^>]+type="password"/);
      assert.match(res.body, />\s*Continue\s*<\/button>/);
      assert.match(res.body, /<input type="hidden" name="next" value="\/directory\?q=x">/);
      const offsite = await t.app.inject({ method: 'GET', url: '/sign-in?next=%2F%2Fevil.example%2F' });
      assert.doesNotMatch(offsite.body, /name="next"/);
    });

    it('signs a practitioner in with the password and an authenticator code, then goes to next', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'practitioner' });
      const b = new Browser(t.app);
      await b.get('/sign-in?next=/accessibility');
      const pw = await b.post('/sign-in', { email: user.email.toUpperCase(), password: user.password, next: '/accessibility' });
      assert.equal(pw.statusCode, 303);
      assert.equal(pw.headers.location, '/sign-in/code');
      assert.equal(await signedIn(b), false, 'the password alone does not sign a practitioner in');
      const page = await b.get('/sign-in/code');
      assert.match(page.body, /for="code">\s*Code from your authenticator app\s*</);
      const res = await b.post('/sign-in/code', { code: totpCode(user.totpSecret!, t.clock.now()) });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/accessibility');
      const home = await b.get('/');
      assert.match(home.body, /Hello, Test practitioner/);
      const events = (await auditActions(t)).filter((e) => e.entity_id === user.userId);
      assert.deepEqual(events.map((e) => [e.action, e.outcome]), [['auth.sign-in', 'success']]);
    });

    it('refuses a wrong code and counts it, then accepts the right one', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'team-lead' });
      const b = new Browser(t.app);
      await b.get('/sign-in');
      await b.post('/sign-in', { email: user.email, password: user.password });
      await b.get('/sign-in/code');
      const right = totpCode(user.totpSecret!, t.clock.now());
      const wrong = right === '000000' ? '111111' : '000000';
      const res = await b.post('/sign-in/code', { code: wrong });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /There is a problem/);
      assert.match(res.body, /Enter the 6-digit code from your authenticator app/);
      const bad = await b.post('/sign-in/code', { code: 'abc' });
      assert.equal(bad.statusCode, 400);
      const failures = await t.db.read.selectFrom('sign_in_failures').select('id').execute();
      assert.ok(failures.length >= 1, 'the wrong code was counted as a failure');
      const ok = await b.post('/sign-in/code', { code: right });
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, '/');
    });

    it('accepts a code from one step either side of the clock, and not two', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'practitioner' });
      const b = new Browser(t.app);
      await b.get('/sign-in');
      await b.post('/sign-in', { email: user.email, password: user.password });
      await b.get('/sign-in/code');
      const now = t.clock.now().getTime();
      const twoStepsAgo = await b.post('/sign-in/code', { code: totpCode(user.totpSecret!, new Date(now - 60_000)) });
      assert.equal(twoStepsAgo.statusCode, 400);
      const oneStepAgo = await b.post('/sign-in/code', { code: totpCode(user.totpSecret!, new Date(now - 30_000)) });
      assert.equal(oneStepAgo.statusCode, 303);
    });

    it('refuses a code that has already been used, even for a second browser', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'practitioner' });
      const code = totpCode(user.totpSecret!, t.clock.now());
      const first = new Browser(t.app);
      await first.get('/sign-in');
      await first.post('/sign-in', { email: user.email, password: user.password });
      await first.get('/sign-in/code');
      assert.equal((await first.post('/sign-in/code', { code })).statusCode, 303);

      const second = new Browser(t.app);
      await second.get('/sign-in');
      await second.post('/sign-in', { email: user.email, password: user.password });
      await second.get('/sign-in/code');
      const again = await second.post('/sign-in/code', { code });
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /That code has been used. Wait for a new code/);
      assert.equal(await signedIn(second), false);
      t.clock.advance(30_000);
      await second.get('/sign-in/code');
      const fresh = await second.post('/sign-in/code', { code: totpCode(user.totpSecret!, t.clock.now()) });
      assert.equal(fresh.statusCode, 303);
    });

    it('sets up an authenticator for a staff member who has none, with a QR code and the key as text', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'admin', enrolTotp: false });
      assert.equal(user.totpSecret, null);
      const b = new Browser(t.app);
      await b.get('/sign-in');
      const pw = await b.post('/sign-in', { email: user.email, password: user.password });
      assert.equal(pw.statusCode, 303);
      assert.equal(pw.headers.location, '/sign-in/set-up-authenticator');
      const page = await b.get('/sign-in/set-up-authenticator');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<svg class="app-qr-code"[^>]*role="img"/);
      assert.doesNotMatch(page.body, /<svg[^>]*style=/, 'no inline style: the CSP would block it');
      const secret = /id="totp-secret">([A-Z2-7]+)</.exec(page.body)?.[1];
      assert.ok(secret);
      const reload = await b.get('/sign-in/set-up-authenticator');
      assert.match(reload.body, new RegExp(`id="totp-secret">${secret}<`), 'reloading shows the same key');

      const wrong = await b.post('/sign-in/set-up-authenticator', { code: '12345' });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /Enter the 6-digit code from your authenticator app/);
      assert.match(wrong.body, /id="totp-secret"/, 'the page still shows the key after an error');
      const ok = await b.post('/sign-in/set-up-authenticator', { code: totpCode(secret, t.clock.now()) });
      assert.equal(ok.statusCode, 303);
      assert.equal(ok.headers.location, '/');
      assert.equal(await signedIn(b), true);
      const stored = await findUserForSignIn(t.db.read, user.userId);
      assert.equal(stored?.totp_secret, secret);
      assert.ok(stored?.totp_enrolled_at);
      const events = (await auditActions(t)).filter((e) => e.entity_id === user.userId).map((e) => e.action);
      assert.deepEqual(events, ['auth.totp-enrolled', 'auth.sign-in']);

      // Next time, the code page: the set-up is done.
      t.clock.advance(30_000);
      const other = new Browser(t.app);
      await other.get('/sign-in');
      const next = await other.post('/sign-in', { email: user.email, password: user.password });
      assert.equal(next.headers.location, '/sign-in/code');
      assert.equal((await other.get('/sign-in/set-up-authenticator')).statusCode, 303);
    });

    it('signs a person in with the password alone', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'person' });
      const b = new Browser(t.app);
      await signIn(b, user, t.clock);
      assert.equal(await signedIn(b), true);
    });

    it('gives the same page, status and message for a wrong password and an unknown email, and never shows the password', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'practitioner' });
      const b = new Browser(t.app);
      await b.get('/sign-in');
      const wrong = await b.post('/sign-in', { email: user.email, password: 'not the password' });
      const unknown = await b.post('/sign-in', { email: 'nobody.at.all@example.org', password: 'not the password' });
      assert.equal(wrong.statusCode, 400);
      assert.equal(unknown.statusCode, 400);
      for (const res of [wrong, unknown]) {
        assert.match(res.body, /There is a problem/);
        assert.match(res.body, /Enter a correct email address and password/);
        assert.doesNotMatch(res.body, /not the password/);
      }
      assert.match(wrong.body, new RegExp(`value="${user.email}"`), 'the email typed is kept');
      const normalise = (html: string) => html.replace(/value="[^"]*"/g, 'value=""').replace(/nonce="[^"]*"|nonce-[^']*/g, '');
      assert.equal(normalise(wrong.body), normalise(unknown.body));
      const failures = (await auditActions(t)).filter((e) => e.action === 'auth.sign-in' && e.outcome === 'failure');
      assert.ok(failures.some((e) => e.entity_id === user.userId));
      assert.ok(failures.some((e) => e.entity_id === null), 'an unknown email is audited without naming it');
      const all = JSON.stringify(await t.db.read.selectFrom('audit_events').select(['entity_id', 'actor_user_id', 'purpose', 'address']).execute());
      assert.doesNotMatch(all, /nobody\.at\.all/);
    });

    it('shows what is missing when the form is incomplete, keeping the email', async () => {
      const b = new Browser(t.app);
      await b.get('/sign-in');
      const empty = await b.post('/sign-in', { email: '', password: '' });
      assert.equal(empty.statusCode, 400);
      assert.match(empty.body, /href="#email">\s*Enter your email address/);
      assert.match(empty.body, /href="#password">\s*Enter your password/);
      const bad = await b.post('/sign-in', { email: 'not-an-email', password: 'x' });
      assert.match(bad.body, /Enter an email address in the correct format, like name@example.com/);
      assert.match(bad.body, /value="not-an-email"/);
    });

    it('refuses a disabled account exactly like a wrong password', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'person' });
      await disableUser(t.db, t.clock, user.userId, { userId: null, role: 'test' });
      const b = new Browser(t.app);
      await b.get('/sign-in');
      const res = await b.post('/sign-in', { email: user.email, password: user.password });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /Enter a correct email address and password/);
    });
  });

  describe(`throttling sign-in (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(dialect);
    });
    after(async () => {
      await t.close();
    });

    async function attempt(email: string, password: string, remoteAddress = '192.0.2.1') {
      const b = new Browser(t.app);
      await b.get('/sign-in');
      return b.post('/sign-in', { email, password }, { remoteAddress });
    }

    it('refuses an account for 15 minutes after 5 failures, even with the right password, saying the same as for an unknown email', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'person' });
      for (let i = 0; i < 5; i++) assert.equal((await attempt(user.email, 'wrong password', `192.0.2.${10 + i}`)).statusCode, 400);
      const refused = await attempt(user.email, user.password, '192.0.2.20');
      assert.equal(refused.statusCode, 429);
      assert.match(refused.body, /Too many attempts. Wait 15 minutes and try again./);

      const ghost = 'no.such.account@example.org';
      for (let i = 0; i < 5; i++) assert.equal((await attempt(ghost, 'wrong password', `192.0.2.${30 + i}`)).statusCode, 400);
      const ghostRefused = await attempt(ghost, 'wrong password', '192.0.2.40');
      assert.equal(ghostRefused.statusCode, refused.statusCode);
      assert.match(ghostRefused.body, /Too many attempts. Wait 15 minutes and try again./);

      t.clock.advanceMinutes(14);
      assert.equal((await attempt(user.email, user.password, '192.0.2.21')).statusCode, 429);
      t.clock.advanceMinutes(2);
      const ok = await attempt(user.email, user.password, '192.0.2.22');
      assert.equal(ok.statusCode, 303);
    });

    it('refuses an address after 20 failures, whatever the email', async () => {
      for (let i = 0; i < 20; i++) assert.equal((await attempt(`someone${i}@example.org`, 'wrong password', '198.51.100.7')).statusCode, 400);
      const user = await createTestUser(t.db, t.clock, { role: 'person' });
      const res = await attempt(user.email, user.password, '198.51.100.7');
      assert.equal(res.statusCode, 429);
      assert.match(res.body, /Too many attempts/);
      assert.equal((await attempt(user.email, user.password, '198.51.100.8')).statusCode, 303, 'another address is not refused');
    });

    it('counts wrong authenticator codes and ends the half-finished sign-in when they reach the limit', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'practitioner' });
      const b = new Browser(t.app);
      await b.get('/sign-in');
      await b.post('/sign-in', { email: user.email, password: user.password }, { remoteAddress: '203.0.113.5' });
      await b.get('/sign-in/code');
      const right = totpCode(user.totpSecret!, t.clock.now());
      const wrong = right === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) assert.equal((await b.post('/sign-in/code', { code: wrong }, { remoteAddress: '203.0.113.5' })).statusCode, 400);
      const res = await b.post('/sign-in/code', { code: right }, { remoteAddress: '203.0.113.5' });
      assert.equal(res.statusCode, 429);
      assert.match(res.body, /Too many attempts/);
      assert.equal((await b.get('/sign-in/code')).statusCode, 303, 'the half-finished sign-in has ended');
    });

    it('limits the rate of sign-in posts from one address', async () => {
      const res = await t.app.inject({ method: 'POST', url: '/sign-in', remoteAddress: '198.51.100.99', payload: {} });
      assert.equal(res.headers['x-ratelimit-limit'], '30');
    });
  });

  describe(`sessions (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(dialect);
    });
    after(async () => {
      await t.close();
    });

    it('issues a new session id when the password is accepted and another when the sign-in completes', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'practitioner' });
      const b = new Browser(t.app);
      await signIn(b, await createTestUser(t.db, t.clock, { role: 'person' }), t.clock);
      const before = b.jar.header().session!;
      await b.get('/sign-in');
      const pw = await b.post('/sign-in', { email: user.email, password: user.password });
      const pending = sessionCookie(pw)!.value;
      assert.notEqual(pending, before);
      await b.get('/sign-in/code');
      const done = await b.post('/sign-in/code', { code: totpCode(user.totpSecret!, t.clock.now()) });
      const full = sessionCookie(done)!.value;
      assert.notEqual(full, pending);
      assert.equal(full.length, 43, '256 random bits, base64url');
      // The ids before are gone: neither the earlier session nor the half-finished one works.
      for (const old of [before, pending]) {
        const res = await t.app.inject({ method: 'GET', url: '/sign-out', cookies: { session: old } });
        assert.equal(res.statusCode, 303);
        const row = await t.db.read.selectFrom('sessions').select('id_hash').where('id_hash', '=', hashSessionId(old)).executeTakeFirst();
        assert.equal(row, undefined);
      }
      // Only the hash is stored.
      const rows = await t.db.read.selectFrom('sessions').select(['id_hash', 'stage']).where('user_id', '=', user.userId).execute();
      assert.deepEqual(rows, [{ id_hash: hashSessionId(full), stage: 'full' }]);
    });

    it('ends a session after 30 minutes without a request, and keeps an active one', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'practitioner' });
      const b = new Browser(t.app);
      await signIn(b, user, t.clock);
      for (let i = 0; i < 3; i++) {
        t.clock.advanceMinutes(29);
        assert.equal(await signedIn(b), true, `still signed in after ${(i + 1) * 29} minutes of activity`);
      }
      t.clock.advanceMinutes(31);
      assert.equal(await signedIn(b), false);
      assert.equal(await countSessionsOfUser(t.db.read, user.userId), 0, 'the ended session is deleted');
    });

    it('writes last seen at most once a minute', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'person' });
      const b = new Browser(t.app);
      await signIn(b, user, t.clock);
      const seen = async () => (await t.db.read.selectFrom('sessions').select('last_seen_at').where('user_id', '=', user.userId).executeTakeFirstOrThrow()).last_seen_at;
      const first = await seen();
      t.clock.advance(30_000);
      await b.get('/');
      assert.equal(await seen(), first);
      t.clock.advance(31_000);
      await b.get('/');
      assert.equal(new Date(await seen()).getTime(), t.clock.now().getTime());
    });

    it('ends a session 12 hours after sign-in, however active', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'practitioner' });
      const b = new Browser(t.app);
      await signIn(b, user, t.clock);
      for (let minutes = 20; minutes < 12 * 60; minutes += 20) {
        t.clock.advanceMinutes(20);
        assert.equal(await signedIn(b), true, `signed in at ${minutes} minutes`);
      }
      t.clock.advanceMinutes(20);
      assert.equal(await signedIn(b), false, 'signed out at 12 hours');
    });

    it('ends every session of an account when it is disabled', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'practitioner' });
      const one = new Browser(t.app);
      const two = new Browser(t.app);
      await signIn(one, user, t.clock);
      t.clock.advance(30_000);
      await signIn(two, user, t.clock);
      const ended = await disableUser(t.db, t.clock, user.userId, { userId: null, role: 'test' });
      assert.equal(ended, 2);
      assert.equal(await signedIn(one), false);
      assert.equal(await signedIn(two), false);
      const events = (await auditActions(t)).filter((e) => e.entity_id === user.userId).map((e) => e.action);
      assert.equal(events.at(-1), 'admin.user-disabled');
    });

    it('refuses the session of a disabled account even if a row were left behind', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'person' });
      const b = new Browser(t.app);
      await signIn(b, user, t.clock);
      await t.db.write((tx) => tx.updateTable('users').set({ disabled_at: t.clock.now().toISOString() }).where('id', '=', user.userId).execute());
      assert.equal(await signedIn(b), false);
    });

    it('signs out with the form, after which the old cookie no longer works', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'practitioner' });
      const b = new Browser(t.app);
      await signIn(b, user, t.clock);
      const id = b.jar.header().session!;
      const page = await b.get('/sign-out');
      assert.match(page.body, /<form method="post" action="\/sign-out"/);
      assert.match(page.body, />\s*Sign out\s*<\/button>/);
      const res = await b.post('/sign-out', {});
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/signed-out');
      const cleared = sessionCookie(res)!;
      assert.equal(cleared.value, '');
      const done = await b.get('/signed-out');
      assert.equal(done.statusCode, 200);
      assert.match(done.body, /<h1>You have signed out<\/h1>/);
      const replay = await t.app.inject({ method: 'GET', url: '/sign-out', cookies: { session: id } });
      assert.equal(replay.statusCode, 303);
      assert.equal(await countSessionsOfUser(t.db.read, user.userId), 0);
      const events = (await auditActions(t)).filter((e) => e.entity_id === user.userId).map((e) => e.action);
      assert.equal(events.at(-1), 'auth.sign-out');
    });

    it('refuses a form posted without a valid CSRF token and changes nothing', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'person' });
      const b = new Browser(t.app);
      await signIn(b, user, t.clock);
      const missing = await t.app.inject({
        method: 'POST',
        url: '/sign-out',
        cookies: b.jar.header(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: '',
      });
      assert.equal(missing.statusCode, 403);
      const forged = await b.post('/sign-out', { _csrf: 'forged-token' });
      assert.equal(forged.statusCode, 403);
      assert.equal(await signedIn(b), true, 'the session is still alive');
      assert.equal(await countSessionsOfUser(t.db.read, user.userId), 1);

      const stranger = new Browser(t.app);
      const noToken = await stranger.post('/sign-in', { email: user.email, password: user.password });
      assert.equal(noToken.statusCode, 403, 'the sign-in form is protected too');
    });

    it('marks every signed-in page no-store', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'practitioner' });
      const b = new Browser(t.app);
      await signIn(b, user, t.clock);
      for (const url of ['/', '/sign-out', '/accessibility']) {
        const res = await b.get(url);
        assert.equal(res.headers['cache-control'], 'no-store', url);
      }
    });

    it('sets the session cookie HttpOnly, SameSite=Lax, path /, without Secure over plain HTTP', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'person' });
      const b = new Browser(t.app);
      await b.get('/sign-in');
      const res = await b.post('/sign-in', { email: user.email, password: user.password });
      const header = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('session='));
      assert.ok(header);
      assert.match(header, /; HttpOnly/);
      assert.match(header, /; SameSite=Lax/);
      assert.match(header, /; Path=\//);
      assert.doesNotMatch(header, /Domain=|Secure/);
    });

    it('ignores a cookie that is not a session id', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/sign-out', cookies: { session: "x'; drop table sessions;--" } });
      assert.equal(res.statusCode, 303);
    });
  });

  describe(`secure cookies (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(dialect, { cookieSecure: true });
    });
    after(async () => {
      await t.close();
    });

    it('names the cookie __Host-session and sets Secure when cookies are secure', async () => {
      const user = await createTestUser(t.db, t.clock, { role: 'person' });
      const b = new Browser(t.app);
      await b.get('/sign-in');
      const res = await b.post('/sign-in', { email: user.email, password: user.password });
      assert.equal(res.statusCode, 303);
      const header = [res.headers['set-cookie']].flat().find((c) => String(c).startsWith('__Host-session='));
      assert.ok(header, 'a __Host-session cookie');
      assert.match(header, /; Secure/);
      assert.match(header, /; HttpOnly/);
      assert.match(header, /; SameSite=Lax/);
      assert.match(header, /; Path=\//);
      assert.doesNotMatch(header, /Domain=/);
      assert.equal(await signedIn(b), true, 'the __Host- cookie is read back');
    });
  });
}
