// Signing in: the password, then (for staff) a code from an authenticator app, then a fresh session.
//
// - Wrong password, unknown email and disabled account look the same: same page, same status, same
//   message, and a password check against a decoy hash for unknown emails so the time taken does
//   not tell either (ASVS 5.0 V6.3.8).
// - Throttling (ASVS 5.0 V6.3.1): 5 failures for one email within 15 minutes, or 20 from one
//   address, refuse further attempts for 15 minutes, whether or not the account exists. Wrong
//   codes count as failures too. Failures are kept as hashes, never as the email typed.
// - Staff (STAFF_ROLES) must use TOTP (ASVS 5.0 V6.3.3); each code works once.
// - Every sign-in, failure and sign-out is an audit event in the same unit as its change.
import crypto from 'node:crypto';
import { type Role, STAFF_ROLES } from '../access/policy.ts';
import { recordAudit } from '../access/audit.ts';
import type { Platform } from '../context.ts';
import type { Tx } from '../db/database.ts';
import { findUserByEmail, membershipsOf, normaliseEmail } from './accounts.ts';
import { decoyHash, verifyPassword } from './passwords.ts';
import { type LoadedSession, startSession } from './sessions.ts';
import {
  acceptTotpStep,
  countFailuresForAddress,
  countFailuresForEmail,
  deleteEndedSessionsOfUser,
  deleteFailuresBefore,
  deleteFailuresForEmail,
  deleteSession,
  findUserForSignIn,
  insertFailure,
  setPendingTotpSecret,
} from './store.ts';
import { matchTotp, newTotpSecret } from './totp.ts';

export const THROTTLE = { windowMinutes: 15, perEmail: 5, perAddress: 20 } as const;

export function emailHash(email: string): string {
  return crypto.createHash('sha256').update(`email:${normaliseEmail(email)}`, 'utf8').digest('hex');
}

export function addressHash(address: string): string {
  return crypto.createHash('sha256').update(`address:${address}`, 'utf8').digest('hex');
}

/** A `next` value safe to redirect to: a local path only (not `//host` or `/\host`). */
export function safeNext(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2000) return null;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f\\]/.test(value)) return null;
  return value;
}

/** The role an audit event names for a user: the first of their memberships. */
function primaryRole(roles: Role[]): string | null {
  return roles[0] ?? null;
}

async function isThrottled(platform: Platform, email: string, address: string): Promise<boolean> {
  const since = new Date(platform.clock.now().getTime() - THROTTLE.windowMinutes * 60_000).toISOString();
  const [byEmail, byAddress] = await Promise.all([
    countFailuresForEmail(platform.db.read, emailHash(email), since),
    countFailuresForAddress(platform.db.read, addressHash(address), since),
  ]);
  return byEmail >= THROTTLE.perEmail || byAddress >= THROTTLE.perAddress;
}

async function recordFailure(tx: Tx, now: Date, email: string, address: string): Promise<void> {
  await insertFailure(tx, emailHash(email), addressHash(address), now.toISOString());
  // Failures older than a day help no one: keep the table small.
  await deleteFailuresBefore(tx, new Date(now.getTime() - 24 * 3_600_000).toISOString());
}

export type SignInResult =
  | { kind: 'throttled' }
  | { kind: 'refused' }
  | { kind: 'signed-in'; sessionId: string; returnTo: string | null }
  | { kind: 'mfa' | 'enrol'; sessionId: string };

export interface PasswordAttempt {
  email: string;
  password: string;
  address: string;
  returnTo: string | null;
  /** The hash of the session the browser had, if any: replaced by the new one. */
  previousSession: string | null;
}

/** Checks an email and password; on success starts a session (full, or half-way for staff). */
export async function signInWithPassword(platform: Platform, attempt: PasswordAttempt): Promise<SignInResult> {
  const { db, clock, config } = platform;
  const audit = (tx: Tx, outcome: 'success' | 'failure' | 'denied', userId: string | null, role: string | null) =>
    recordAudit(tx, {
      at: clock.now(),
      actorUserId: userId,
      actorRole: role,
      action: 'auth.sign-in',
      entityType: 'user',
      entityId: userId,
      outcome,
      address: attempt.address,
    });

  if (await isThrottled(platform, attempt.email, attempt.address)) {
    await db.write((tx) => audit(tx, 'denied', null, null));
    return { kind: 'throttled' };
  }
  const user = await findUserByEmail(db.read, attempt.email);
  // Unknown emails are checked against a decoy, so they take as long as known ones.
  const stored = user?.password_hash ?? (await decoyHash());
  const passwordOk = await verifyPassword(stored, attempt.password);
  if (!user?.password_hash || !passwordOk || user.disabled_at) {
    await db.write(async (tx) => {
      await recordFailure(tx, clock.now(), attempt.email, attempt.address);
      await audit(tx, 'failure', user?.id ?? null, null);
    });
    return { kind: 'refused' };
  }

  const memberships = await membershipsOf(db.read, user.id);
  const roles = [...new Set(memberships.map((m) => m.role))];
  const role = primaryRole(roles);
  if (roles.some((r) => STAFF_ROLES.includes(r))) {
    const stage = user.totp_enrolled_at ? 'mfa' : 'enrol';
    const sessionId = await db.write(async (tx) => {
      if (attempt.previousSession) await deleteSession(tx, attempt.previousSession);
      return startSession(tx, config, clock.now(), { userId: user.id, stage, returnTo: attempt.returnTo });
    });
    return { kind: stage, sessionId };
  }
  const sessionId = await db.write(async (tx) => {
    const now = clock.now();
    if (attempt.previousSession) await deleteSession(tx, attempt.previousSession);
    await deleteEndedSessionsOfUser(tx, user.id, now.toISOString(), new Date(now.getTime() - config.session.idleMinutes * 60_000).toISOString());
    await deleteFailuresForEmail(tx, emailHash(user.email));
    const id = await startSession(tx, config, now, { userId: user.id, stage: 'full' });
    await audit(tx, 'success', user.id, role);
    return id;
  });
  return { kind: 'signed-in', sessionId, returnTo: attempt.returnTo };
}

/** The secret to show on the set-up page: the pending one, or a new one stored as pending. */
export async function pendingTotpSecret(platform: Platform, session: LoadedSession): Promise<{ secret: string; email: string } | null> {
  const { db, clock } = platform;
  const user = await findUserForSignIn(db.read, session.userId);
  if (!user || user.disabled_at || user.totp_enrolled_at) return null;
  if (user.totp_secret) return { secret: user.totp_secret, email: user.email };
  const secret = newTotpSecret();
  await db.write((tx) => setPendingTotpSecret(tx, user.id, secret, clock.now().toISOString()));
  // Read it back: two tabs opened at once must show the same secret.
  const stored = await findUserForSignIn(db.read, session.userId);
  return stored?.totp_secret ? { secret: stored.totp_secret, email: stored.email } : null;
}

export type CodeResult =
  | { kind: 'throttled' }
  | { kind: 'wrong' }
  | { kind: 'used' }
  /** The half-finished sign-in is no longer valid: start again. */
  | { kind: 'restart' }
  | { kind: 'signed-in'; sessionId: string; returnTo: string | null };

/** Checks a TOTP code for a half-finished sign-in (or enrolment); on success rotates to a full session. */
export async function completeWithCode(platform: Platform, session: LoadedSession, code: string, address: string): Promise<CodeResult> {
  const { db, clock, config } = platform;
  const user = await findUserForSignIn(db.read, session.userId);
  if (!user || user.disabled_at || !user.totp_secret || (session.stage === 'mfa') !== (user.totp_enrolled_at !== null)) {
    await db.write((tx) => deleteSession(tx, session.idHash));
    return { kind: 'restart' };
  }
  const memberships = await membershipsOf(db.read, user.id);
  const role = primaryRole([...new Set(memberships.map((m) => m.role))]);
  const audit = (tx: Tx, action: string, outcome: 'success' | 'failure' | 'denied') =>
    recordAudit(tx, { at: clock.now(), actorUserId: user.id, actorRole: role, action, entityType: 'user', entityId: user.id, outcome, address });

  if (await isThrottled(platform, user.email, address)) {
    await db.write(async (tx) => {
      await deleteSession(tx, session.idHash);
      await audit(tx, 'auth.sign-in', 'denied');
    });
    return { kind: 'throttled' };
  }
  const now = clock.now();
  const step = matchTotp(user.totp_secret, code, now);
  if (step === null) {
    await db.write(async (tx) => {
      await recordFailure(tx, now, user.email, address);
      await audit(tx, 'auth.sign-in', 'failure');
    });
    return { kind: 'wrong' };
  }
  const enrol = session.stage === 'enrol';
  return db.write(async (tx): Promise<CodeResult> => {
    if (!(await acceptTotpStep(tx, user.id, step, now.toISOString(), enrol))) {
      await recordFailure(tx, now, user.email, address);
      await audit(tx, 'auth.sign-in', 'failure');
      return { kind: 'used' };
    }
    await deleteSession(tx, session.idHash);
    await deleteEndedSessionsOfUser(tx, user.id, now.toISOString(), new Date(now.getTime() - config.session.idleMinutes * 60_000).toISOString());
    await deleteFailuresForEmail(tx, emailHash(user.email));
    const sessionId = await startSession(tx, config, now, { userId: user.id, stage: 'full' });
    if (enrol) await audit(tx, 'auth.totp-enrolled', 'success');
    await audit(tx, 'auth.sign-in', 'success');
    return { kind: 'signed-in', sessionId, returnTo: session.returnTo };
  });
}

/** Ends a session at the user's request. */
export async function signOut(platform: Platform, session: LoadedSession, address: string): Promise<void> {
  const { db, clock } = platform;
  const role = primaryRole([...new Set(session.memberships.map((m) => m.role))]);
  await db.write(async (tx) => {
    await deleteSession(tx, session.idHash);
    await recordAudit(tx, {
      at: clock.now(),
      actorUserId: session.userId,
      actorRole: role,
      action: 'auth.sign-out',
      entityType: 'user',
      entityId: session.userId,
      outcome: 'success',
      address,
    });
  });
}
