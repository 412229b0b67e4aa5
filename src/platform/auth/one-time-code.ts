// Signing in with a one-time code (issue 5, item 3): `person` accounts have no password and no
// authenticator app. They type their email address or mobile number; a 6-digit code goes to it
// through the outbox; the code signs them in.
//
// - The same answer whether or not the email or number has an account (ASVS 5.0 V6.3.8): a row is
//   written either way, and the browser gets the same token; for no account nothing is sent and no
//   code can match.
// - A code works once (a conditional update, like the TOTP step), for 10 minutes, and dies after 5
//   wrong tries (ASVS 5.0 V6.6.3: out-of-band codes are short-lived, single use and rate-limited).
//   Asking again ends the codes sent before: only the newest works.
// - Only a keyed hash of the code is kept (HMAC-SHA-256 keyed by the browser's token, itself kept only
//   as a SHA-256), so a copy of the database signs no one in (ASVS 5.0 V6.6.2).
// - Wrong codes count as sign-in failures for the email or number and for the address, with the
//   password sign-in's throttle (sign-in.ts); at most 5 codes are sent to an account in 15 minutes.
// - Every request for a code, every wrong code and every sign-in is an audit event.
import crypto from 'node:crypto';
import { recordAudit } from '../access/audit.ts';
import type { Role } from '../access/policy.ts';
import type { Platform } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { enqueueMessage } from '../notify/outbox.ts';
import { membershipsOf, normaliseEmail } from './accounts.ts';
import { startSession } from './sessions.ts';
import { addressHash, emailHash, THROTTLE } from './sign-in.ts';
import {
  countCodesForUserSince,
  countFailuresForAddress,
  countFailuresForEmail,
  countWrongCode,
  deleteCodesBefore,
  deleteEndedSessionsOfUser,
  deleteFailuresBefore,
  deleteFailuresForEmail,
  deleteSession,
  endLiveCodesOfUser,
  findPersonAccount,
  findUserForSignIn,
  insertFailure,
  insertSignInCode,
  signInCodeByToken,
  useSignInCode,
} from './store.ts';

export const ONE_TIME_CODE = {
  /** How long a code works. */
  minutes: 10,
  /** Wrong tries after which a code is dead. */
  maxWrong: 5,
  /** At most this many codes are sent to one account in `windowMinutes`. */
  perAccount: 5,
  windowMinutes: 15,
} as const;

export type Contact = { channel: 'email'; value: string } | { channel: 'sms'; value: string };

/** A UK mobile number as the account keeps it: 07 and nine digits. Null when it is not one. */
export function normaliseMobile(raw: string): string | null {
  let digits = raw.replace(/[\s().-]/g, '');
  if (digits.startsWith('+44')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('0044')) digits = `0${digits.slice(4)}`;
  return /^07\d{9}$/.test(digits) ? digits : null;
}

/** An email address or a UK mobile number, normalised; null when it is neither. */
export function parseContact(raw: string): Contact | null {
  const value = raw.trim();
  if (value.includes('@')) return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) && value.length <= 254 ? { channel: 'email', value: normaliseEmail(value) } : null;
  const mobile = normaliseMobile(value);
  return mobile ? { channel: 'sms', value: mobile } : null;
}

const sha256 = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
const codeHash = (token: string, code: string) => crypto.createHmac('sha256', token).update(`sign-in-code:${code}`, 'utf8').digest('hex');

function newCode(): string {
  return String(crypto.randomInt(0, 1_000_000)).padStart(6, '0');
}

async function throttled(platform: Platform, contactHash: string, address: string): Promise<boolean> {
  const since = new Date(platform.clock.now().getTime() - THROTTLE.windowMinutes * 60_000).toISOString();
  const [byContact, byAddress] = await Promise.all([
    countFailuresForEmail(platform.db.read, contactHash, since),
    countFailuresForAddress(platform.db.read, addressHash(address), since),
  ]);
  return byContact >= THROTTLE.perEmail || byAddress >= THROTTLE.perAddress;
}

const audit = (tx: Tx, at: Date, action: string, outcome: 'success' | 'failure' | 'denied', userId: string | null, address: string, role: Role = 'person') =>
  recordAudit(tx, { at, actorUserId: userId, actorRole: userId ? role : null, action, entityType: 'user', entityId: userId, outcome, address });

/** The roles whose accounts sign in with a code: the person, and members of a person's network (issue 5, item 2). */
export const CODE_ROLES: readonly Role[] = ['person', 'network-member'];
/** The role a code account acts in: `person` when it has it (a person may also be in someone's network), else `network-member`. */
const codeRole = (roles: readonly Role[]): Role | null => CODE_ROLES.find((r) => roles.includes(r)) ?? null;

export type CodeRequestResult = { kind: 'throttled' } | { kind: 'asked'; token: string };

/**
 * Asks for a code for the email or number typed. Returns the token the browser keeps for the code
 * page; the same whether or not there is an account, and whether or not a code was sent.
 */
export async function requestSignInCode(platform: Platform, contact: Contact, address: string): Promise<CodeRequestResult> {
  const { db, clock, config } = platform;
  const contactHash = emailHash(contact.value);
  if (await throttled(platform, contactHash, address)) {
    await db.write((tx) => audit(tx, clock.now(), 'auth.sign-in-code', 'denied', null, address));
    return { kind: 'throttled' };
  }
  const account = await findPersonAccount(db.read, contact.channel === 'email' ? { email: contact.value } : { mobile: contact.value });
  const now = clock.now();
  const since = new Date(now.getTime() - ONE_TIME_CODE.windowMinutes * 60_000).toISOString();
  const role = account && !account.disabled_at ? codeRole((await membershipsOf(db.read, account.id)).map((m) => m.role)) : null;
  const isCodeAccount = account !== null && role !== null;
  const send = isCodeAccount && (await countCodesForUserSince(db.read, account.id, since)) < ONE_TIME_CODE.perAccount;
  const token = crypto.randomBytes(32).toString('base64url');
  const code = newCode();
  await db.write(async (tx) => {
    if (send) await endLiveCodesOfUser(tx, account.id, now.toISOString());
    await insertSignInCode(tx, {
      id: newId(),
      token_hash: sha256(token),
      user_id: send ? account.id : null,
      contact_hash: contactHash,
      channel: contact.channel,
      code_hash: codeHash(token, code),
      failed_attempts: 0,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + ONE_TIME_CODE.minutes * 60_000).toISOString(),
      used_at: null,
    });
    // Rows older than a day help no one: keep the table small.
    await deleteCodesBefore(tx, new Date(now.getTime() - 24 * 3_600_000).toISOString());
    if (send) {
      const body = `Your ${config.serviceName} sign-in code is ${code}. It works once, for ${ONE_TIME_CODE.minutes} minutes. If you did not ask for it, you can ignore this message.`;
      await enqueueMessage(tx, clock, {
        channel: contact.channel,
        to: contact.value,
        kind: 'auth.sign-in-code',
        personId: account.person_id,
        personalisation: contact.channel === 'email' ? { subject: `Your ${config.serviceName} sign-in code`, body } : { body },
      });
    }
    await audit(tx, now, 'auth.sign-in-code', send ? 'success' : 'failure', isCodeAccount ? account.id : null, address, role ?? 'person');
  });
  return { kind: 'asked', token };
}

export type CodeCheckResult =
  | { kind: 'restart' }
  | { kind: 'throttled' }
  | { kind: 'wrong' }
  /** Used, out of time, or dead from wrong tries: ask for a new code. */
  | { kind: 'expired' }
  /** `role`: the role the account signed in as, for where it lands (`person`: their record; `network-member`: what is shared with them). */
  | { kind: 'signed-in'; sessionId: string; role: Role };

/** Checks the code typed for the browser's token; on success starts a full session. */
export async function signInWithCode(platform: Platform, attempt: { token: string; code: string; address: string; previousSession: string | null }): Promise<CodeCheckResult> {
  const { db, clock, config } = platform;
  const row = await signInCodeByToken(db.read, sha256(attempt.token));
  if (!row) return { kind: 'restart' };
  if (await throttled(platform, row.contact_hash, attempt.address)) {
    await db.write((tx) => audit(tx, clock.now(), 'auth.sign-in', 'denied', row.user_id, attempt.address));
    return { kind: 'throttled' };
  }
  const now = clock.now();
  const failure = (kind: 'wrong' | 'expired') =>
    db.write(async (tx): Promise<CodeCheckResult> => {
      if (kind === 'wrong') await countWrongCode(tx, row.id, ONE_TIME_CODE.maxWrong);
      await insertFailure(tx, row.contact_hash, addressHash(attempt.address), now.toISOString());
      await deleteFailuresBefore(tx, new Date(now.getTime() - 24 * 3_600_000).toISOString());
      await audit(tx, now, 'auth.sign-in', 'failure', row.user_id, attempt.address);
      // The fifth wrong try kills the code: say so now rather than at the sixth.
      return { kind: kind === 'wrong' && row.failed_attempts + 1 >= ONE_TIME_CODE.maxWrong ? 'expired' : kind };
    });
  const dead = row.used_at !== null || now.getTime() >= new Date(row.expires_at).getTime() || row.failed_attempts >= ONE_TIME_CODE.maxWrong;
  if (dead) return failure('expired');
  const typed = Buffer.from(codeHash(attempt.token, attempt.code), 'hex');
  const matches = row.user_id !== null && crypto.timingSafeEqual(typed, Buffer.from(row.code_hash, 'hex'));
  if (!matches || !row.user_id) return failure('wrong');
  const userId = row.user_id;
  const role = codeRole((await membershipsOf(db.read, userId)).map((m) => m.role)) ?? 'person';
  const signedIn = await db.write(async (tx): Promise<string | null> => {
    if (!(await useSignInCode(tx, row.id, now.toISOString(), ONE_TIME_CODE.maxWrong))) return null;
    // Disabled since the code was sent: the code is spent, and no session starts.
    if ((await findUserForSignIn(tx, userId))?.disabled_at) return null;
    if (attempt.previousSession) await deleteSession(tx, attempt.previousSession);
    await deleteEndedSessionsOfUser(tx, userId, now.toISOString(), new Date(now.getTime() - config.session.idleMinutes * 60_000).toISOString());
    await deleteFailuresForEmail(tx, row.contact_hash);
    const sessionId = await startSession(tx, config, now, { userId, stage: 'full' });
    await audit(tx, now, 'auth.sign-in', 'success', userId, attempt.address, role);
    return sessionId;
  });
  // Two requests with the same code at the same moment: the second finds it used.
  return signedIn ? { kind: 'signed-in', sessionId: signedIn, role } : failure('expired');
}
