// Signing in with a one-time code (person accounts): the code arrives through the outbox, works once,
// for 10 minutes, dies after 5 wrong tries, and the pages say the same whether or not an account exists.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from '../db/ids.ts';
import { testDialects } from '../db/testing.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestPersonAccount, createTestUser, lastSignInCode } from '../../testing/auth.ts';
import { normaliseMobile, ONE_TIME_CODE, parseContact } from './one-time-code.ts';

describe('parseContact', () => {
  it('takes an email address or a UK mobile number, written as people write them', () => {
    assert.deepEqual(parseContact(' Sam@Example.ORG '), { channel: 'email', value: 'sam@example.org' });
    assert.deepEqual(parseContact('07700 900 123'), { channel: 'sms', value: '07700900123' });
    assert.deepEqual(parseContact('+44 7700 900123'), { channel: 'sms', value: '07700900123' });
    assert.equal(normaliseMobile('020 7946 0000'), null, 'a landline cannot get a text');
    assert.equal(parseContact('not an address'), null);
    assert.equal(parseContact('sam@'), null);
  });
});

for (const dialect of testDialects()) {
  describe(`signing in with a one-time code (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let address = 0;
    /** A browser from an address of its own, so the per-address throttle belongs to one test. */
    const browser = () => {
      const b = new Browser(t.app);
      const remoteAddress = `10.9.${Math.floor(++address / 250)}.${address % 250}`;
      return {
        b,
        get: (url: string) => b.get(url),
        post: (url: string, form: Record<string, string>) => b.post(url, form, { remoteAddress }),
      };
    };
    const person = () => createTestPersonAccount(t.db, t.clock, { personId: newId() });
    const countCodes = async (to: string) =>
      (await t.db.read.selectFrom('outbox_messages').select(['id']).where('kind', '=', 'auth.sign-in-code').where('recipient', '=', to).execute()).length;
    async function askForCode(contact: string) {
      const c = browser();
      await c.get('/sign-in/my-record');
      const res = await c.post('/sign-in/my-record', { contact });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/sign-in/my-record/code');
      await c.get('/sign-in/my-record/code');
      return c;
    }

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
    });
    after(async () => {
      await t?.close();
    });

    it('sends a code by email, which signs the person in to their record with a full session', async () => {
      const account = await person();
      const c = await askForCode(account.email.toUpperCase());
      const code = await lastSignInCode(t.db, account.email);
      const message = await t.db.read.selectFrom('outbox_messages').select(['person_id', 'personalisation']).where('recipient', '=', account.email).executeTakeFirstOrThrow();
      assert.equal(message.person_id, account.personId, 'the message is filed under the person, for their export');
      const stored = await t.db.read.selectFrom('sign_in_codes').select(['code_hash', 'user_id']).where('user_id', '=', account.userId).executeTakeFirstOrThrow();
      assert.ok(!stored.code_hash.includes(code), 'only a hash of the code is kept');
      const res = await c.post('/sign-in/my-record/code', { code });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/my-record');
      assert.equal((await c.get('/sign-out')).statusCode, 200, 'signed in');
      const events = await t.db.read.selectFrom('audit_events').select(['action', 'outcome']).where('actor_user_id', '=', account.userId).orderBy('seq').execute();
      assert.deepEqual(events.map((e) => `${e.action} ${e.outcome}`).slice(0, 2), ['auth.sign-in-code success', 'auth.sign-in success']);
    });

    it('sends a code by text to the mobile number, however it is written', async () => {
      const account = await person();
      const c = await askForCode(`${account.mobile.slice(0, 5)} ${account.mobile.slice(5)}`);
      const res = await c.post('/sign-in/my-record/code', { code: await lastSignInCode(t.db, account.mobile) });
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/my-record');
    });

    it('refuses a code used a second time', async () => {
      const account = await person();
      const c = await askForCode(account.email);
      const code = await lastSignInCode(t.db, account.email);
      assert.equal((await c.post('/sign-in/my-record/code', { code })).statusCode, 303);
      // The same browser (its code cookie was cleared) and another one that kept the cookie both fail.
      const again = await c.post('/sign-in/my-record/code', { code });
      assert.equal(again.statusCode, 303);
      assert.equal(again.headers.location, '/sign-in/my-record', 'no code pending: start again');
    });

    it('refuses a code used twice from a browser that kept its cookie', async () => {
      const account = await person();
      const c = await askForCode(account.email);
      const token = c.b.jar.header()['sign-in-code'];
      assert.ok(token);
      const code = await lastSignInCode(t.db, account.email);
      assert.equal((await c.post('/sign-in/my-record/code', { code })).statusCode, 303);
      const replay = browser();
      await replay.get('/sign-in/my-record');
      const res = await t.app.inject({
        method: 'POST',
        url: '/sign-in/my-record/code',
        cookies: { ...replay.b.jar.header(), 'sign-in-code': token },
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(replay.b.lastPage)![1]!, code }).toString(),
        remoteAddress: '10.8.0.1',
      });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /That code no longer works/);
      assert.ok(!res.cookies.some((k) => k.name === 'session' && k.value), 'no session');
    });

    it('refuses a code after 10 minutes, and keeps what was typed', async () => {
      const account = await person();
      const c = await askForCode(account.email);
      const code = await lastSignInCode(t.db, account.email);
      t.clock.advance(ONE_TIME_CODE.minutes * 60_000);
      const res = await c.post('/sign-in/my-record/code', { code });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /There is a problem/);
      assert.match(res.body, /That code no longer works/);
      assert.match(res.body, new RegExp(`value="${code}"`));
      assert.equal((await c.get('/sign-out')).statusCode, 303, 'not signed in');
    });

    it('kills a code after 5 wrong tries: the right code fails after that', async () => {
      const account = await person();
      const c = await askForCode(account.email);
      const code = await lastSignInCode(t.db, account.email);
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 1; i <= ONE_TIME_CODE.maxWrong; i++) {
        const res = await c.post('/sign-in/my-record/code', { code: wrong });
        assert.equal(res.statusCode, 400);
        assert.match(res.body, i < ONE_TIME_CODE.maxWrong ? /The code is not correct/ : /That code no longer works/, `try ${i}`);
      }
      // The 5 wrong tries also throttle the email for 15 minutes; forget them, to see the code itself is dead.
      await t.db.write((tx) => tx.deleteFrom('sign_in_failures').execute());
      const res = await c.post('/sign-in/my-record/code', { code });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /That code no longer works/);
      const row = await t.db.read.selectFrom('sign_in_codes').select(['failed_attempts', 'used_at']).where('user_id', '=', account.userId).executeTakeFirstOrThrow();
      assert.deepEqual(row, { failed_attempts: ONE_TIME_CODE.maxWrong, used_at: null });
    });

    it('only the newest code works when the person asks again', async () => {
      const account = await person();
      await askForCode(account.email);
      const first = await lastSignInCode(t.db, account.email);
      const c = await askForCode(account.email);
      const second = await lastSignInCode(t.db, account.email);
      if (first !== second) assert.equal((await c.post('/sign-in/my-record/code', { code: first })).statusCode, 400);
      assert.equal((await c.post('/sign-in/my-record/code', { code: second })).statusCode, 303);
    });

    it('answers the same whether or not the email or number has an account, and sends nothing for none', async () => {
      const account = await person();
      const known = await askForCode(account.email);
      const unknownEmail = `nobody.${newId().slice(-8)}@example.org`;
      const unknown = await askForCode(unknownEmail);
      const strip = (html: string) => html.replace(/name="_csrf" value="[^"]+"/g, '').replace(/nonce="[^"]+"/g, '');
      assert.equal(strip(unknown.b.lastPage), strip(known.b.lastPage), 'the code page is the same');
      assert.equal(await countCodes(unknownEmail), 0);
      const res = await unknown.post('/sign-in/my-record/code', { code: '123456' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /The code is not correct/);
    });

    it('starts no session for an account disabled after its code was sent', async () => {
      const account = await person();
      const c = await askForCode(account.email);
      const code = await lastSignInCode(t.db, account.email);
      await t.db.write((tx) => tx.updateTable('users').set({ disabled_at: t.clock.now().toISOString() }).where('id', '=', account.userId).execute());
      const res = await c.post('/sign-in/my-record/code', { code });
      assert.equal(res.statusCode, 400);
      assert.equal((await c.get('/sign-out')).statusCode, 303, 'not signed in');
    });

    it('sends no code to staff accounts, which sign in with a password and authenticator', async () => {
      const staff = await createTestUser(t.db, t.clock, { role: 'practitioner' });
      await askForCode(staff.email);
      assert.equal(await countCodes(staff.email), 0);
    });

    it('sends at most 5 codes to an account in 15 minutes', async () => {
      const account = await person();
      for (let i = 0; i < ONE_TIME_CODE.perAccount + 2; i++) await askForCode(account.email);
      assert.equal(await countCodes(account.email), ONE_TIME_CODE.perAccount);
    });

    it('throttles wrong codes for one email or number across codes, as the password sign-in does', async () => {
      const account = await person();
      // 5 wrong tries on one code kill it; a new code then cannot be tried: the email is throttled.
      const c = await askForCode(account.email);
      for (let i = 0; i < ONE_TIME_CODE.maxWrong; i++) await c.post('/sign-in/my-record/code', { code: '999999' });
      const again = browser();
      await again.get('/sign-in/my-record');
      const res = await again.post('/sign-in/my-record', { contact: account.email });
      assert.equal(res.statusCode, 429);
      assert.match(res.body, /Too many attempts/);
      assert.match(res.body, new RegExp(`value="${account.email}"`), 'keeps what was typed');
    });

    it('shows an error summary and keeps what was typed when the email or number is not one', async () => {
      const c = browser();
      await c.get('/sign-in/my-record');
      const res = await c.post('/sign-in/my-record', { contact: 'sam at example' });
      assert.equal(res.statusCode, 400);
      assert.match(res.body, /There is a problem/);
      assert.match(res.body, /href="#contact"/);
      assert.match(res.body, /value="sam at example"/);
      const empty = await c.post('/sign-in/my-record', { contact: '' });
      assert.match(empty.body, /Enter your email address or mobile number/);
    });

    it('is linked from the staff sign-in page', async () => {
      assert.match((await t.app.inject({ method: 'GET', url: '/sign-in' })).body, /href="\/sign-in\/my-record"/);
    });

    it('sends a visitor with no code pending back to the start', async () => {
      const c = browser();
      const res = await c.get('/sign-in/my-record/code');
      assert.equal(res.statusCode, 303);
      assert.equal(res.headers.location, '/sign-in/my-record');
    });
  });
}
