// Every query of the person's network (issue 5, item 2; network.ts has the rules).
import type { Kysely } from 'kysely';
import { newId, toJson } from '../../platform/db/ids.ts';
import type { DB, NetworkMembersTable } from '../../platform/db/tables.ts';

export type MemberRow = Omit<NetworkMembersTable, 'added_at' | 'version'> & { added_at: string; version: number };

const MEMBER_COLUMNS = [
  'id',
  'person_id',
  'relationship',
  'relationship_detail',
  'name',
  'email',
  'phone',
  'labels',
  'consent_at',
  'consent_recorded_by',
  'consent_given_by',
  'consent_method',
  'status',
  'user_id',
  'added_by',
  'added_at',
  'invited_at',
  'joined_at',
  'removed_by',
  'removed_at',
  'removed_reason',
  'version',
] as const;

/** The members of these records' networks (the person's record and those merged into it): current ones first, then removed, each by when added. */
export async function membersOf(db: Kysely<DB>, personIds: readonly string[]): Promise<MemberRow[]> {
  if (personIds.length === 0) return [];
  const rows = await db.selectFrom('network_members').select(MEMBER_COLUMNS).where('person_id', 'in', [...personIds]).orderBy('added_at').orderBy('id').execute();
  return rows.map(normalise).sort((a, b) => Number(a.status === 'removed') - Number(b.status === 'removed'));
}

/** One member of these records' networks; undefined when it is of another person's. */
export async function memberOf(db: Kysely<DB>, personIds: readonly string[], memberId: string): Promise<MemberRow | undefined> {
  if (personIds.length === 0) return undefined;
  const row = await db.selectFrom('network_members').select(MEMBER_COLUMNS).where('id', '=', memberId).where('person_id', 'in', [...personIds]).executeTakeFirst();
  return row ? normalise(row) : undefined;
}

export async function memberById(db: Kysely<DB>, memberId: string): Promise<MemberRow | undefined> {
  const row = await db.selectFrom('network_members').select(MEMBER_COLUMNS).where('id', '=', memberId).executeTakeFirst();
  return row ? normalise(row) : undefined;
}

function normalise<R extends { version: number | string }>(row: R): R & { version: number } {
  return { ...row, version: Number(row.version) };
}

export interface NewMember {
  personId: string;
  relationship: NetworkMembersTable['relationship'];
  relationshipDetail: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  labels: readonly string[];
  consentRecordedBy: string;
  consentGivenBy: NetworkMembersTable['consent_given_by'];
  consentMethod: NetworkMembersTable['consent_method'];
  addedBy: string;
  addedByRole: string;
}

/** Adds a member, with the first entry of their label history (from nothing to the labels given). */
export async function insertMember(db: Kysely<DB>, now: Date, m: NewMember): Promise<string> {
  const id = newId();
  const at = now.toISOString();
  await db
    .insertInto('network_members')
    .values({
      id,
      person_id: m.personId,
      relationship: m.relationship,
      relationship_detail: m.relationshipDetail,
      name: m.name,
      email: m.email,
      phone: m.phone,
      labels: toJson(m.labels),
      consent_at: at,
      consent_recorded_by: m.consentRecordedBy,
      consent_given_by: m.consentGivenBy,
      consent_method: m.consentMethod,
      status: 'added',
      user_id: null,
      added_by: m.addedBy,
      added_at: at,
      invited_at: null,
      joined_at: null,
      removed_by: null,
      removed_at: null,
      removed_reason: null,
    })
    .execute();
  await insertLabelChange(db, now, { memberId: id, personId: m.personId, before: [], after: m.labels, by: m.addedBy, byRole: m.addedByRole, givenBy: m.consentGivenBy, method: m.consentMethod });
  return id;
}

export async function insertLabelChange(
  db: Kysely<DB>,
  now: Date,
  c: { memberId: string; personId: string; before: readonly string[]; after: readonly string[]; by: string; byRole: string; givenBy: NetworkMembersTable['consent_given_by']; method: NetworkMembersTable['consent_method'] },
): Promise<void> {
  await db
    .insertInto('network_label_changes')
    .values({
      id: newId(),
      member_id: c.memberId,
      person_id: c.personId,
      labels_before: toJson(c.before),
      labels_after: toJson(c.after),
      changed_by: c.by,
      changed_by_role: c.byRole,
      consent_given_by: c.givenBy,
      consent_method: c.method,
      changed_at: now.toISOString(),
    })
    .execute();
}

/** Sets a member's labels and the consent for them, if the row is still at the version the form was opened at. False when it is not (or the member was removed). */
export async function updateLabels(
  db: Kysely<DB>,
  now: Date,
  memberId: string,
  version: number,
  set: { labels: readonly string[]; recordedBy: string; givenBy: NetworkMembersTable['consent_given_by']; method: NetworkMembersTable['consent_method'] },
): Promise<boolean> {
  const result = await db
    .updateTable('network_members')
    .set((eb) => ({
      labels: toJson(set.labels),
      consent_at: now.toISOString(),
      consent_recorded_by: set.recordedBy,
      consent_given_by: set.givenBy,
      consent_method: set.method,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', memberId)
    .where('version', '=', version)
    .where('status', '!=', 'removed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Changes a member's name, relationship and contact details, if the row is still at the version the form was opened at (and not removed). */
export async function updateDetails(
  db: Kysely<DB>,
  memberId: string,
  version: number,
  set: { name: string; relationship: NetworkMembersTable['relationship']; relationshipDetail: string | null; email: string | null; phone: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('network_members')
    .set((eb) => ({ name: set.name, relationship: set.relationship, relationship_detail: set.relationshipDetail, email: set.email, phone: set.phone, version: eb('version', '+', 1) }))
    .where('id', '=', memberId)
    .where('version', '=', version)
    .where('status', '!=', 'removed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A member invited at an address that is no longer theirs is back to not invited (their link was ended). */
export async function markNotInvited(db: Kysely<DB>, memberId: string): Promise<void> {
  await db.updateTable('network_members').set({ status: 'added' }).where('id', '=', memberId).where('status', '=', 'invited').execute();
}

/** Removes a member at once: their access ends (networkAccess reads the status) and every link of theirs dies. False when already removed. */
export async function markRemoved(db: Kysely<DB>, now: Date, memberId: string, by: string, reason: string | null): Promise<boolean> {
  const at = now.toISOString();
  const result = await db
    .updateTable('network_members')
    .set((eb) => ({ status: 'removed' as const, removed_at: at, removed_by: by, removed_reason: reason, version: eb('version', '+', 1) }))
    .where('id', '=', memberId)
    .where('status', '!=', 'removed')
    .executeTakeFirst();
  await revokeInvites(db, now, memberId);
  return Number(result.numUpdatedRows) === 1;
}

/** Ends every link of the member's not yet used (a newer link, or the member removed). */
export async function revokeInvites(db: Kysely<DB>, now: Date, memberId: string): Promise<void> {
  await db.updateTable('network_invites').set({ revoked_at: now.toISOString() }).where('member_id', '=', memberId).where('used_at', 'is', null).where('revoked_at', 'is', null).execute();
}

export async function insertInvite(db: Kysely<DB>, row: { memberId: string; personId: string; tokenHash: string; email: string; createdBy: string; createdAt: Date; expiresAt: Date }): Promise<string> {
  const id = newId();
  await db
    .insertInto('network_invites')
    .values({
      id,
      member_id: row.memberId,
      person_id: row.personId,
      token_hash: row.tokenHash,
      email: row.email,
      created_by: row.createdBy,
      created_at: row.createdAt.toISOString(),
      expires_at: row.expiresAt.toISOString(),
      used_at: null,
      used_by: null,
      revoked_at: null,
    })
    .execute();
  return id;
}

/** The member is invited: status and when (unless they already have an account). */
export async function markInvited(db: Kysely<DB>, now: Date, memberId: string): Promise<void> {
  await db
    .updateTable('network_members')
    .set((eb) => ({ status: 'invited' as const, invited_at: now.toISOString(), version: eb('version', '+', 1) }))
    .where('id', '=', memberId)
    .where('status', 'in', ['added', 'invited'])
    .execute();
}

export async function inviteByTokenHash(db: Kysely<DB>, tokenHash: string) {
  return db
    .selectFrom('network_invites')
    .innerJoin('network_members', 'network_members.id', 'network_invites.member_id')
    .select([
      'network_invites.id',
      'network_invites.member_id',
      'network_invites.person_id',
      'network_invites.email',
      'network_invites.expires_at',
      'network_invites.used_at',
      'network_invites.revoked_at',
      'network_members.status as member_status',
      'network_members.name as member_name',
      'network_members.phone as member_phone',
    ])
    .where('network_invites.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

/** Uses the link, once: a conditional update, so two at the same moment cannot both use it. */
export async function useInvite(db: Kysely<DB>, inviteId: string, now: Date, userId: string): Promise<boolean> {
  const at = now.toISOString();
  const result = await db
    .updateTable('network_invites')
    .set({ used_at: at, used_by: userId })
    .where('id', '=', inviteId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The member joins with their account. False when they were removed in the meantime. */
export async function markJoined(db: Kysely<DB>, now: Date, memberId: string, userId: string): Promise<boolean> {
  const result = await db
    .updateTable('network_members')
    .set((eb) => ({ status: 'active' as const, user_id: userId, joined_at: now.toISOString(), version: eb('version', '+', 1) }))
    .where('id', '=', memberId)
    .where('status', 'in', ['added', 'invited'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The newest link of each of these members (for "invited on …, link works until …"). */
export async function latestInvites(db: Kysely<DB>, memberIds: readonly string[]) {
  if (memberIds.length === 0) return new Map<string, { created_at: string; expires_at: string; used_at: string | null; revoked_at: string | null }>();
  const rows = await db.selectFrom('network_invites').select(['member_id', 'created_at', 'expires_at', 'used_at', 'revoked_at']).where('member_id', 'in', [...memberIds]).orderBy('created_at').execute();
  return new Map(rows.map((r) => [r.member_id, r]));
}

/** Each member's label history, newest first, with who changed it. */
export async function labelHistory(db: Kysely<DB>, memberIds: readonly string[]) {
  if (memberIds.length === 0) return [];
  return db
    .selectFrom('network_label_changes')
    .leftJoin('users', 'users.id', 'network_label_changes.changed_by')
    .select([
      'network_label_changes.id',
      'network_label_changes.member_id',
      'network_label_changes.labels_before',
      'network_label_changes.labels_after',
      'network_label_changes.changed_by_role',
      'network_label_changes.consent_given_by',
      'network_label_changes.consent_method',
      'network_label_changes.changed_at',
      'users.display_name as changed_by_name',
    ])
    .where('network_label_changes.member_id', 'in', [...memberIds])
    .orderBy('network_label_changes.changed_at', 'desc')
    .orderBy('network_label_changes.id', 'desc')
    .execute();
}

/** The people whose networks this account is a current member of: each membership with the record's root. */
export async function membershipsOfUser(db: Kysely<DB>, userId: string) {
  return db
    .selectFrom('network_members')
    .select(['id', 'person_id', 'labels', 'relationship'])
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .where('removed_at', 'is', null)
    .orderBy('joined_at')
    .execute();
}

/** An account by email, with its roles: an invitee may already have one. */
export async function accountByEmail(db: Kysely<DB>, email: string) {
  const user = await db.selectFrom('users').select(['id', 'person_id', 'disabled_at', 'display_name']).where('email', '=', email).executeTakeFirst();
  if (!user) return undefined;
  const roles = await db.selectFrom('memberships').select(['role', 'organisation_id']).where('user_id', '=', user.id).execute();
  return { ...user, roles: roles.map((r) => r.role), organisationIds: roles.map((r) => r.organisation_id) };
}

export async function mobileInUse(db: Kysely<DB>, mobile: string): Promise<boolean> {
  return (await db.selectFrom('users').select(['id']).where('mobile', '=', mobile).executeTakeFirst()) !== undefined;
}

/** The user's current memberships of these records' networks (active: account made; not removed). */
export async function currentMembershipsOf(db: Kysely<DB>, userId: string, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('network_members')
    .select(['id', 'labels', 'person_id'])
    .where('user_id', '=', userId)
    .where('person_id', 'in', [...personIds])
    .where('status', '=', 'active')
    .where('removed_at', 'is', null)
    .orderBy('id')
    .execute();
}

/** The organisation a member's account joins: that of whoever sent the invitation (the person's own account's, or the practitioner's first). */
export async function inviterOrganisation(db: Kysely<DB>, inviteId: string): Promise<string | undefined> {
  const rows = await db
    .selectFrom('network_invites')
    .innerJoin('memberships', 'memberships.user_id', 'network_invites.created_by')
    .select(['memberships.organisation_id', 'memberships.role'])
    .where('network_invites.id', '=', inviteId)
    .orderBy('memberships.created_at')
    .execute();
  return (rows.find((r) => r.role === 'person') ?? rows[0])?.organisation_id;
}

/** Adds the `network-member` role to an account that signs in with a code (a person's own, or a member's). */
export async function addNetworkMemberRole(db: Kysely<DB>, now: Date, userId: string, organisationId: string): Promise<void> {
  await db.insertInto('memberships').values({ id: newId(), user_id: userId, organisation_id: organisationId, team_id: null, role: 'network-member', created_at: now.toISOString() }).execute();
}

/** What the record's timeline shows of the network: members added, joined and removed, and changes of what they see, with who did it. */
export async function networkEvents(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return { members: [], changes: [] };
  const [members, changes] = await Promise.all([
    db
      .selectFrom('network_members')
      .leftJoin('users as adder', 'adder.id', 'network_members.added_by')
      .leftJoin('users as remover', 'remover.id', 'network_members.removed_by')
      .select([
        'network_members.id',
        'network_members.person_id',
        'network_members.name',
        'network_members.relationship',
        'network_members.added_at',
        'network_members.joined_at',
        'network_members.removed_at',
        'network_members.removed_reason',
        'adder.display_name as added_by_name',
        'remover.display_name as removed_by_name',
      ])
      .where('network_members.person_id', 'in', [...personIds])
      .execute(),
    db
      .selectFrom('network_label_changes')
      .innerJoin('network_members', 'network_members.id', 'network_label_changes.member_id')
      .leftJoin('users', 'users.id', 'network_label_changes.changed_by')
      .select(['network_label_changes.id', 'network_label_changes.member_id', 'network_label_changes.person_id', 'network_label_changes.labels_before', 'network_label_changes.labels_after', 'network_label_changes.changed_at', 'network_members.name', 'users.display_name as changed_by_name'])
      .where('network_label_changes.person_id', 'in', [...personIds])
      .execute(),
  ]);
  return { members, changes };
}
