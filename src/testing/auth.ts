// Accounts for tests: make a user of any role, and sign a Browser in through the real pages.
//
//   const user = await createTestUser(t.db, t.clock, { role: 'practitioner' });
//   const browser = new Browser(t.app);
//   await signIn(browser, user, t.clock);
import assert from 'node:assert/strict';
import { type Role, STAFF_ROLES } from '../platform/access/policy.ts';
import { createOrganisation, createUser } from '../platform/auth/accounts.ts';
import { hashPassword } from '../platform/auth/passwords.ts';
import { setEnrolledTotpSecret } from '../platform/auth/store.ts';
import { newTotpSecret, totpCode, totpStep } from '../platform/auth/totp.ts';
import type { Database } from '../platform/db/database.ts';
import { newId } from '../platform/db/ids.ts';
import type { Clock } from '../platform/time/clock.ts';
import type { Browser } from './app.ts';

export interface TestUser {
  userId: string;
  email: string;
  password: string;
  /** The authenticator secret, for computing codes; null when the user has none (yet). */
  totpSecret: string | null;
  organisationId: string;
}

export interface TestUserOptions {
  role: Role;
  /** An existing organisation; a new one is made when not given. */
  organisationId?: string;
  teamId?: string | null;
  /** Staff: set up an authenticator with a known secret (default true). Ignored for other roles. */
  enrolTotp?: boolean;
  displayName?: string;
}

/** One password for every test user, hashed once: argon2id takes ~50 ms a hash. */
export const TEST_PASSWORD = 'correct horse battery staple 42';
let testPasswordHash: Promise<string> | undefined;

let counter = 0;

export async function createTestUser(db: Database, clock: Clock, options: TestUserOptions): Promise<TestUser> {
  testPasswordHash ??= hashPassword(TEST_PASSWORD);
  const passwordHash = await testPasswordHash;
  const unique = `${newId().slice(-12)}${counter++}`;
  const email = `${options.role}.${unique}@example.org`;
  const staff = STAFF_ROLES.includes(options.role);
  const totpSecret = staff && options.enrolTotp !== false ? newTotpSecret() : null;
  return db.write(async (tx) => {
    const now = clock.now();
    const organisationId = options.organisationId ?? (await createOrganisation(tx, now, { name: `Test organisation ${unique}`, kind: 'voluntary' }));
    const userId = await createUser(tx, now, {
      email,
      displayName: options.displayName ?? `Test ${options.role} ${counter}`,
      passwordHash,
      memberships: [{ organisationId, teamId: options.teamId ?? null, role: options.role }],
    });
    if (totpSecret) await setEnrolledTotpSecret(tx, userId, totpSecret, now.toISOString());
    return { userId, email, password: TEST_PASSWORD, totpSecret, organisationId };
  });
}

// Each simulated browser signs in from an address of its own, as real ones do, so many sign-ins in
// one test file stay under the per-address rate limit of POST /sign-in.
const addresses = new WeakMap<Browser, string>();
let addressCounter = 0;
function addressOf(browser: Browser): string {
  let a = addresses.get(browser);
  if (!a) {
    const n = ++addressCounter;
    a = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
    addresses.set(browser, a);
  }
  return a;
}

const CODE_STEP_MS = 30_000;

/** Submits authenticator codes on the current page's form until one is accepted (a code works once). */
async function submitCode(browser: Browser, url: string, secret: string, clock: Clock, remoteAddress: string) {
  // The current step's code, then the next one's (one step of drift is allowed): a user signed in
  // twice within the same 30 seconds of a standing test clock needs the second.
  const now = clock.now();
  for (const offset of [0, 1]) {
    const code = totpCode(secret, new Date((totpStep(now) + offset) * CODE_STEP_MS));
    const res = await browser.post(url, { code }, { remoteAddress });
    if (res.statusCode !== 400 || !/That code has been used/.test(res.body)) return res;
  }
  throw new Error('signIn: both codes near this moment have been used by this user; advance the test clock 30 seconds between sign-ins.');
}

/** Signs the browser in through the real pages (password, and the authenticator for staff). */
export async function signIn(browser: Browser, user: Pick<TestUser, 'email' | 'password' | 'totpSecret'>, clock: Clock): Promise<void> {
  const remoteAddress = addressOf(browser);
  await browser.get('/sign-in');
  let res = await browser.post('/sign-in', { email: user.email, password: user.password }, { remoteAddress });
  assert.equal(res.statusCode, 303, `sign-in with the password answered ${res.statusCode}`);
  let location = String(res.headers.location);
  if (location === '/sign-in/code') {
    assert.ok(user.totpSecret, 'signIn: this user needs an authenticator secret');
    await browser.get(location);
    res = await submitCode(browser, location, user.totpSecret, clock, remoteAddress);
  } else if (location === '/sign-in/set-up-authenticator') {
    const page = await browser.get(location);
    const secret = /id="totp-secret">([A-Z2-7]+)</.exec(page.body)?.[1];
    assert.ok(secret, 'the set-up page shows the secret');
    res = await submitCode(browser, location, secret, clock, remoteAddress);
  }
  assert.equal(res.statusCode, 303, `the sign-in ended with ${res.statusCode}, not a redirect`);
  location = String(res.headers.location);
  assert.ok(!location.startsWith('/sign-in'), `the sign-in ended at ${location}`);
  const check = await browser.get('/sign-out');
  assert.equal(check.statusCode, 200, 'the browser is signed in after the sign-in');
}

/** The newest sign-in code sent to an email address or mobile number (read from the outbox, as a person reads their messages). */
export async function lastSignInCode(db: Database, to: string): Promise<string> {
  const row = await db.read
    .selectFrom('outbox_messages')
    .select(['personalisation'])
    .where('kind', '=', 'auth.sign-in-code')
    .where('recipient', '=', to)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  const code = row && /\b(\d{6})\b/.exec(row.personalisation)?.[1];
  assert.ok(code, `no sign-in code was sent to ${to}`);
  return code;
}

/** Signs a person in through the real pages: their email address or mobile number, then the code sent to it. */
export async function signInPerson(browser: Browser, db: Database, contact: string): Promise<void> {
  const remoteAddress = addressOf(browser);
  await browser.get('/sign-in/my-record');
  let res = await browser.post('/sign-in/my-record', { contact }, { remoteAddress });
  assert.equal(res.statusCode, 303, `asking for a code answered ${res.statusCode}`);
  await browser.get('/sign-in/my-record/code');
  res = await browser.post('/sign-in/my-record/code', { code: await lastSignInCode(db, contact.replace(/\s/g, '')) }, { remoteAddress });
  assert.equal(res.statusCode, 303, `the code answered ${res.statusCode}`);
  assert.equal(res.headers.location, '/my-record');
}

export interface TestPersonAccount {
  userId: string;
  email: string;
  mobile: string;
  personId: string;
}

let mobileCounter = 0;

/** A `person` account for a person record: no password, signs in with a code sent to its email or mobile. */
export async function createTestPersonAccount(db: Database, clock: Clock, options: { personId: string; organisationId?: string; displayName?: string }): Promise<TestPersonAccount> {
  const unique = `${newId().slice(-12)}${counter++}`;
  const email = `person.${unique}@example.org`;
  // 07700 900000 to 900999: Ofcom's numbers for drama, never anyone's (a test database holds far fewer than 1,000 accounts).
  const mobile = `07700900${String(++mobileCounter % 1000).padStart(3, '0')}`;
  return db.write(async (tx) => {
    const now = clock.now();
    const organisationId = options.organisationId ?? (await createOrganisation(tx, now, { name: `Test organisation ${unique}`, kind: 'voluntary' }));
    const userId = await createUser(tx, now, {
      email,
      mobile,
      displayName: options.displayName ?? `Test person ${counter}`,
      passwordHash: null,
      personId: options.personId,
      memberships: [{ organisationId, role: 'person' }],
    });
    return { userId, email, mobile, personId: options.personId };
  });
}
