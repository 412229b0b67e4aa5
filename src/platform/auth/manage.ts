// Looking after accounts: create, disable (ends every session at once), reset MFA. Used by the
// `mutual users` commands and by any admin page; each change and its audit event are one unit.
import crypto from 'node:crypto';
import { ROLES, type Role } from '../access/policy.ts';
import { recordAudit } from '../access/audit.ts';
import type { Database } from '../db/database.ts';
import type { Clock } from '../time/clock.ts';
import { createUser, findUserByEmail, normaliseEmail } from './accounts.ts';
import { hashPassword } from './passwords.ts';
import { clearTotp, deleteSessionsOfUser, findOrganisationsByIdOrName, findTeamsByIdOrName, setUserDisabled } from './store.ts';

/** A mistake in what was asked (unknown organisation, role or email): shown to the operator as is. */
export class AccountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccountError';
  }
}

/** Who is making the change, for the audit trail. */
export interface ChangedBy {
  userId: string | null;
  role: string;
  address?: string | null;
}

export const MIN_PASSWORD_LENGTH = 12;

/** A strong random password: 24 characters from a 56-character alphabet without look-alikes (~139 bits). */
export function generatePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  let out = '';
  for (let i = 0; i < 24; i++) out += alphabet[crypto.randomInt(alphabet.length)];
  return out;
}

export interface NewAccount {
  email: string;
  name: string;
  role: string;
  /** Organisation id or exact name. */
  organisation: string;
  /** Team id or exact name, within the organisation. */
  team?: string;
  password: string;
}

export async function createAccount(db: Database, clock: Clock, account: NewAccount, by: ChangedBy): Promise<{ userId: string; organisationId: string; teamId: string | null }> {
  if (!(ROLES as readonly string[]).includes(account.role)) {
    throw new AccountError(`Unknown role "${account.role}". Use one of: ${ROLES.join(', ')}.`);
  }
  const email = normaliseEmail(account.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new AccountError('Enter an email address in the correct format, like name@example.com.');
  if (!account.name.trim()) throw new AccountError('Enter the person’s name.');
  if (account.password.length < MIN_PASSWORD_LENGTH) throw new AccountError(`The password must be at least ${MIN_PASSWORD_LENGTH} characters.`);
  const orgs = await findOrganisationsByIdOrName(db.read, account.organisation);
  if (orgs.length === 0) throw new AccountError(`No organisation has the id or name "${account.organisation}".`);
  if (orgs.length > 1) throw new AccountError(`More than one organisation is named "${account.organisation}": use its id.`);
  const organisationId = orgs[0]!.id;
  let teamId: string | null = null;
  if (account.team) {
    const teams = await findTeamsByIdOrName(db.read, organisationId, account.team);
    if (teams.length === 0) throw new AccountError(`No team of that organisation has the id or name "${account.team}".`);
    if (teams.length > 1) throw new AccountError(`More than one team is named "${account.team}": use its id.`);
    teamId = teams[0]!.id;
  }
  if (await findUserByEmail(db.read, email)) throw new AccountError('An account with that email address already exists.');
  const passwordHash = await hashPassword(account.password);
  const userId = await db.write(async (tx) => {
    const id = await createUser(tx, clock.now(), {
      email,
      displayName: account.name.trim(),
      passwordHash,
      memberships: [{ organisationId, teamId, role: account.role as Role }],
    });
    await recordAudit(tx, {
      at: clock.now(),
      actorUserId: by.userId,
      actorRole: by.role,
      action: 'admin.user-created',
      entityType: 'user',
      entityId: id,
      outcome: 'success',
      address: by.address ?? null,
    });
    return id;
  });
  return { userId, organisationId, teamId };
}

async function userIdFor(db: Database, email: string): Promise<string> {
  const user = await findUserByEmail(db.read, email);
  if (!user) throw new AccountError('No account has that email address.');
  return user.id;
}

/** Disables an account and ends all its sessions; returns how many sessions ended. */
export async function disableUser(db: Database, clock: Clock, userId: string, by: ChangedBy): Promise<number> {
  return db.write(async (tx) => {
    const now = clock.now();
    await setUserDisabled(tx, userId, now.toISOString());
    const ended = await deleteSessionsOfUser(tx, userId);
    await recordAudit(tx, { at: now, actorUserId: by.userId, actorRole: by.role, action: 'admin.user-disabled', entityType: 'user', entityId: userId, outcome: 'success', address: by.address ?? null });
    return ended;
  });
}

/** Clears an account's authenticator so it sets one up again at next sign-in; ends its sessions. */
export async function resetMfa(db: Database, clock: Clock, userId: string, by: ChangedBy): Promise<void> {
  await db.write(async (tx) => {
    const now = clock.now();
    await clearTotp(tx, userId, now.toISOString());
    await deleteSessionsOfUser(tx, userId);
    await recordAudit(tx, { at: now, actorUserId: by.userId, actorRole: by.role, action: 'admin.mfa-reset', entityType: 'user', entityId: userId, outcome: 'success', address: by.address ?? null });
  });
}

export async function disableUserByEmail(db: Database, clock: Clock, email: string, by: ChangedBy): Promise<number> {
  return disableUser(db, clock, await userIdFor(db, email), by);
}

export async function resetMfaByEmail(db: Database, clock: Clock, email: string, by: ChangedBy): Promise<void> {
  await resetMfa(db, clock, await userIdFor(db, email), by);
}
