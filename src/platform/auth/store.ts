// Every query of sign-in: sessions, failures, and the TOTP and disabled columns of users.
// Each function takes the database or a transaction first, so callers compose units of work.
import type { Kysely } from 'kysely';
import { newId } from '../db/ids.ts';
import type { DB, SessionsTable, SignInCodesTable } from '../db/tables.ts';

export type SessionRow = SessionsTable;

export async function insertSession(db: Kysely<DB>, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** What a request needs of its session and the session's user. */
const SESSION_USER_COLUMNS = [
  'sessions.id_hash',
  'sessions.user_id',
  'sessions.stage',
  'sessions.return_to',
  'sessions.created_at',
  'sessions.last_seen_at',
  'sessions.expires_at',
  'users.display_name',
  'users.person_id',
  'users.disabled_at',
] as const;

/** A session with what the request needs of its user; null when there is no such session. */
export async function findSessionWithUser(db: Kysely<DB>, idHash: string) {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(SESSION_USER_COLUMNS)
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * `findSessionWithUser` and the user's memberships in one query (every signed-in request asks both):
 * a row per membership, or one row with null membership columns for a user with none.
 */
export async function findSessionWithMemberships(db: Kysely<DB>, idHash: string) {
  const rows = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('memberships', 'memberships.user_id', 'sessions.user_id')
    .select([...SESSION_USER_COLUMNS, 'memberships.organisation_id', 'memberships.team_id', 'memberships.role'])
    .where('sessions.id_hash', '=', idHash)
    .orderBy('memberships.id')
    .execute();
  const first = rows[0];
  if (!first) return null;
  const { organisation_id: _o, team_id: _t, role: _r, ...session } = first;
  const memberships = rows.flatMap((r) => (r.organisation_id !== null && r.role !== null ? [{ organisationId: r.organisation_id, teamId: r.team_id, role: r.role }] : []));
  return { ...session, memberships };
}

/**
 * Accounts in use that hold one of these roles in a team (or, given an organisation instead, anywhere in
 * it), each once, by name: the leads to tell of an escalation, the staff who may own or respond to work.
 */
export async function accountsWithRole(db: Kysely<DB>, where: { teamId: string } | { organisationId: string } | 'anywhere', roles: readonly string[]) {
  let q = db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.email', 'users.display_name'])
    .where('memberships.role', 'in', roles)
    .where('users.disabled_at', 'is', null);
  if (where !== 'anywhere') q = 'teamId' in where ? q.where('memberships.team_id', '=', where.teamId) : q.where('memberships.organisation_id', '=', where.organisationId);
  return q.distinct().orderBy('users.display_name').orderBy('users.id').execute();
}

export async function touchSession(db: Kysely<DB>, idHash: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute();
}

export async function deleteSession(db: Kysely<DB>, idHash: string): Promise<number> {
  const r = await db.deleteFrom('sessions').where('id_hash', '=', idHash).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteSessionsOfUser(db: Kysely<DB>, userId: string): Promise<number> {
  const r = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Removes a user's sessions that ended: past their absolute end, or idle since before `idleSince`. */
export async function deleteEndedSessionsOfUser(db: Kysely<DB>, userId: string, now: string, idleSince: string): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleSince)]))
    .execute();
}

export async function countSessionsOfUser(db: Kysely<DB>, userId: string): Promise<number> {
  const r = await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(r.n);
}

// ---- failures -----------------------------------------------------------------------------------

export async function countFailuresForEmail(db: Kysely<DB>, emailHash: string, since: string): Promise<number> {
  const r = await db
    .selectFrom('sign_in_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email_hash', '=', emailHash)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function countFailuresForAddress(db: Kysely<DB>, addressHash: string, since: string): Promise<number> {
  const r = await db
    .selectFrom('sign_in_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('address_hash', '=', addressHash)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function insertFailure(db: Kysely<DB>, emailHash: string, addressHash: string, at: string): Promise<void> {
  await db.insertInto('sign_in_failures').values({ id: newId(), email_hash: emailHash, address_hash: addressHash, at }).execute();
}

export async function deleteFailuresForEmail(db: Kysely<DB>, emailHash: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('email_hash', '=', emailHash).execute();
}

export async function deleteFailuresBefore(db: Kysely<DB>, before: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('at', '<', before).execute();
}

// ---- users: sign-in columns ---------------------------------------------------------------------

export async function findUserForSignIn(db: Kysely<DB>, userId: string) {
  const row = await db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'totp_secret', 'totp_enrolled_at', 'totp_last_step', 'disabled_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return row ?? null;
}

export async function setPendingTotpSecret(db: Kysely<DB>, userId: string, secret: string, at: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_secret: secret, totp_enrolled_at: null, totp_last_step: null, updated_at: at })
    .where('id', '=', userId)
    .where('totp_enrolled_at', 'is', null)
    .execute();
}

/**
 * Records `step` as the last accepted TOTP time step, only if it is later than the one before: the
 * conditional update is what makes each code work once, even for two requests at the same moment.
 * Returns whether the step was accepted.
 */
export async function acceptTotpStep(db: Kysely<DB>, userId: string, step: number, at: string, enrol: boolean): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set(enrol ? { totp_last_step: step, totp_enrolled_at: at, updated_at: at } : { totp_last_step: step, updated_at: at })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function clearTotp(db: Kysely<DB>, userId: string, at: string): Promise<void> {
  await db.updateTable('users').set({ totp_secret: null, totp_enrolled_at: null, totp_last_step: null, updated_at: at }).where('id', '=', userId).execute();
}

export async function setUserDisabled(db: Kysely<DB>, userId: string, at: string): Promise<void> {
  await db.updateTable('users').set({ disabled_at: at, updated_at: at }).where('id', '=', userId).execute();
}

// ---- organisations and teams, by id or exact name (for the CLI) --------------------------------

export async function findOrganisationsByIdOrName(db: Kysely<DB>, idOrName: string) {
  return db
    .selectFrom('organisations')
    .select(['id', 'name'])
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .execute();
}

export async function findTeamsByIdOrName(db: Kysely<DB>, organisationId: string, idOrName: string) {
  return db
    .selectFrom('teams')
    .select(['id', 'name'])
    .where('organisation_id', '=', organisationId)
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .execute();
}

/** Sets an already-confirmed authenticator secret (test helpers and demo seed only). */
export async function setEnrolledTotpSecret(db: Kysely<DB>, userId: string, secret: string, at: string): Promise<void> {
  await db.updateTable('users').set({ totp_secret: secret, totp_enrolled_at: at, totp_last_step: null, updated_at: at }).where('id', '=', userId).execute();
}

// ---- one-time sign-in codes for person accounts (one-time-code.ts) -----------------------------

/** An account that signs in with a code, by its email or mobile number: one linked to a person record, or a network member's (issue 5, item 2). */
export async function findPersonAccount(db: Kysely<DB>, by: { email: string } | { mobile: string }) {
  let q = db
    .selectFrom('users')
    .select(['id', 'email', 'mobile', 'person_id', 'disabled_at'])
    .where((eb) =>
      eb.or([
        eb('person_id', 'is not', null),
        eb.exists(eb.selectFrom('memberships').select('memberships.id').whereRef('memberships.user_id', '=', 'users.id').where('memberships.role', '=', 'network-member')),
      ]),
    );
  q = 'email' in by ? q.where('email', '=', by.email) : q.where('mobile', '=', by.mobile);
  return (await q.executeTakeFirst()) ?? null;
}

export async function insertSignInCode(db: Kysely<DB>, row: SignInCodesTable): Promise<void> {
  await db.insertInto('sign_in_codes').values(row).execute();
}

export async function countCodesForUserSince(db: Kysely<DB>, userId: string, since: string): Promise<number> {
  const r = await db
    .selectFrom('sign_in_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('created_at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Ends a user's codes still in force: only the newest code sent works. */
export async function endLiveCodesOfUser(db: Kysely<DB>, userId: string, now: string): Promise<void> {
  await db.updateTable('sign_in_codes').set({ expires_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).where('expires_at', '>', now).execute();
}

export async function signInCodeByToken(db: Kysely<DB>, tokenHash: string) {
  const row = await db
    .selectFrom('sign_in_codes')
    .select(['id', 'token_hash', 'user_id', 'contact_hash', 'channel', 'code_hash', 'failed_attempts', 'created_at', 'expires_at', 'used_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row ?? null;
}

/** Counts a wrong try on a code (never past `max`: the code is dead at `max`). */
export async function countWrongCode(db: Kysely<DB>, id: string, max: number): Promise<void> {
  await db
    .updateTable('sign_in_codes')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
    .where('id', '=', id)
    .where('failed_attempts', '<', max)
    .execute();
}

/**
 * Marks a code used, only if it is unused, in force and not dead from wrong tries: the conditional
 * update is what makes a code work once, even for two requests at the same moment.
 */
export async function useSignInCode(db: Kysely<DB>, id: string, now: string, maxWrong: number): Promise<boolean> {
  const r = await db
    .updateTable('sign_in_codes')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .where('failed_attempts', '<', maxWrong)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteCodesBefore(db: Kysely<DB>, before: string): Promise<void> {
  await db.deleteFrom('sign_in_codes').where('created_at', '<', before).execute();
}
