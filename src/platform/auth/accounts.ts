// Organisations, teams, users and memberships: the store functions every part of the platform and
// the demo seed use to make accounts. Each takes the database or a transaction first.
import type { Kysely } from 'kysely';
import { newId, toJson } from '../db/ids.ts';
import type { DB } from '../db/tables.ts';
import type { Membership, Role } from '../access/policy.ts';

export interface NewOrganisation {
  id?: string;
  name: string;
  kind: 'nhs' | 'council' | 'voluntary' | 'community' | 'university' | 'other';
  description?: string | null;
  website?: string | null;
}

export async function createOrganisation(db: Kysely<DB>, now: Date, org: NewOrganisation): Promise<string> {
  const id = org.id ?? newId();
  await db
    .insertInto('organisations')
    .values({
      id,
      name: org.name,
      kind: org.kind,
      description: org.description ?? null,
      website: org.website ?? null,
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    })
    .execute();
  return id;
}

export interface NewTeam {
  id?: string;
  organisationId: string;
  name: string;
  kind: string;
  /** Opening hours (platform/time): null means always open. */
  openingHours?: unknown;
}

export async function createTeam(db: Kysely<DB>, now: Date, team: NewTeam): Promise<string> {
  const id = team.id ?? newId();
  await db
    .insertInto('teams')
    .values({
      id,
      organisation_id: team.organisationId,
      name: team.name,
      kind: team.kind,
      opening_hours: team.openingHours == null ? null : toJson(team.openingHours),
      created_at: now.toISOString(),
    })
    .execute();
  return id;
}

export interface NewUser {
  id?: string;
  email: string;
  displayName: string;
  /** An argon2id hash from hashPassword (hash before the transaction: it takes ~50 ms). */
  passwordHash: string | null;
  personId?: string | null;
  /** Person accounts: a UK mobile number (07…, no spaces) for sign-in codes by text. */
  mobile?: string | null;
  memberships: { organisationId: string; teamId?: string | null; role: Role }[];
}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createUser(db: Kysely<DB>, now: Date, user: NewUser): Promise<string> {
  const id = user.id ?? newId();
  const at = now.toISOString();
  await db
    .insertInto('users')
    .values({
      id,
      email: normaliseEmail(user.email),
      display_name: user.displayName,
      password_hash: user.passwordHash,
      totp_secret: null,
      totp_enrolled_at: null,
      totp_last_step: null,
      disabled_at: null,
      oidc_issuer: null,
      oidc_subject: null,
      person_id: user.personId ?? null,
      mobile: user.mobile ?? null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  for (const m of user.memberships) {
    await db
      .insertInto('memberships')
      .values({ id: newId(), user_id: id, organisation_id: m.organisationId, team_id: m.teamId ?? null, role: m.role, created_at: at })
      .execute();
  }
  return id;
}

export async function findUserByEmail(db: Kysely<DB>, email: string) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'display_name', 'password_hash', 'totp_secret', 'totp_enrolled_at', 'totp_last_step', 'disabled_at', 'person_id'])
    .where('email', '=', normaliseEmail(email))
    .executeTakeFirst();
}

export async function membershipsOf(db: Kysely<DB>, userId: string): Promise<Membership[]> {
  const rows = await db.selectFrom('memberships').select(['organisation_id', 'team_id', 'role']).where('user_id', '=', userId).execute();
  return rows.map((r) => ({ organisationId: r.organisation_id, teamId: r.team_id, role: r.role as Role }));
}

/** Makes an account the person's own: linked to their record, with the mobile number sign-in codes may be texted to. */
export async function linkPersonAccount(db: Kysely<DB>, now: Date, userId: string, link: { personId: string; mobile: string | null }): Promise<void> {
  await db.updateTable('users').set({ person_id: link.personId, mobile: link.mobile, updated_at: now.toISOString() }).where('id', '=', userId).execute();
}
