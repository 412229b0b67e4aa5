// Every query of the people module.
import type { Kysely } from 'kysely';
import { accountsWithRole } from '../../platform/auth/store.ts';
import { newId, toJson } from '../../platform/db/ids.ts';
import type { BreakGlassGrantsTable, DB } from '../../platform/db/tables.ts';

export interface NewPerson {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  postcode?: string | null;
  nhsNumber?: string | null;
  phone?: string | null;
  email?: string | null;
  address?: string | null;
  preferredLanguage?: string | null;
  interpreterNeeded?: boolean;
  accessNeeds?: string | null;
  contactPreferences?: ContactPreferences | null;
  equality?: Record<string, string> | null;
}

export interface ContactPreferences {
  methods: ('phone' | 'sms' | 'email' | 'letter')[];
  safeTimes?: string | null;
  mayLeaveMessage?: boolean | null;
}

/** The key that makes "same name, date of birth and postcode" one index lookup. */
export function matchKey(p: { givenName: string; familyName: string; dateOfBirth: string; postcode?: string | null }): string {
  const name = (v: string) => v.trim().toLowerCase().replace(/\s+/g, ' ');
  return `${name(p.givenName)}|${name(p.familyName)}|${p.dateOfBirth}|${p.postcode ?? ''}`;
}

export async function insertPerson(db: Kysely<DB>, now: Date, p: NewPerson): Promise<string> {
  const id = newId();
  const at = now.toISOString();
  await db
    .insertInto('people')
    .values({
      id,
      given_name: p.givenName,
      family_name: p.familyName,
      date_of_birth: p.dateOfBirth,
      postcode: p.postcode ?? null,
      nhs_number: p.nhsNumber ?? null,
      phone: p.phone ?? null,
      email: p.email ?? null,
      address: p.address ?? null,
      preferred_language: p.preferredLanguage ?? null,
      interpreter_needed: p.interpreterNeeded ? 1 : 0,
      access_needs: p.accessNeeds ?? null,
      contact_preferences: p.contactPreferences ? toJson(p.contactPreferences) : null,
      equality: p.equality ? toJson(p.equality) : null,
      match_key: matchKey(p),
      merged_into_id: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return id;
}

export async function personByNhsNumber(db: Kysely<DB>, nhsNumber: string) {
  return db
    .selectFrom('people')
    .select(['id', 'merged_into_id'])
    .where('nhs_number', '=', nhsNumber)
    .executeTakeFirst();
}

/** People with the same name (any case), date of birth and postcode: possible duplicates, never merged silently. */
export async function peopleMatching(db: Kysely<DB>, p: { givenName: string; familyName: string; dateOfBirth: string; postcode: string | null }) {
  return db.selectFrom('people').select(['id']).where('match_key', '=', matchKey(p)).where('merged_into_id', 'is', null).execute();
}

export async function addDuplicateCandidates(db: Kysely<DB>, now: Date, personId: string, candidateIds: string[], reason: string): Promise<void> {
  if (candidateIds.length === 0) return;
  await db
    .insertInto('person_duplicate_candidates')
    .values(
      candidateIds.map((candidateId) => ({
        id: newId(),
        person_id: personId,
        candidate_id: candidateId,
        reason,
        status: 'open' as const,
        decided_by: null,
        decided_at: null,
        created_at: now.toISOString(),
      })),
    )
    .execute();
}

export async function openDuplicateCandidates(db: Kysely<DB>, personId: string) {
  return db
    .selectFrom('person_duplicate_candidates')
    .select(['id', 'candidate_id', 'reason', 'created_at'])
    .where('person_id', '=', personId)
    .where('status', '=', 'open')
    .execute();
}

export async function personSummary(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('people')
    .select(['id', 'given_name', 'family_name', 'date_of_birth', 'postcode', 'nhs_number', 'phone', 'email', 'preferred_language', 'interpreter_needed', 'access_needs', 'contact_preferences'])
    .where('id', '=', id)
    .executeTakeFirst();
}

// ---- the person record (issue 5, item 1) ----

const PERSON_COLUMNS = [
  'id',
  'given_name',
  'family_name',
  'date_of_birth',
  'postcode',
  'nhs_number',
  'phone',
  'email',
  'address',
  'preferred_language',
  'interpreter_needed',
  'access_needs',
  'contact_preferences',
  'equality',
  'merged_into_id',
  'version',
  'created_at',
  'updated_at',
] as const;

export type PersonRow = NonNullable<Awaited<ReturnType<typeof personById>>>;

/** The whole record of one person (not what is merged into it). */
export async function personById(db: Kysely<DB>, id: string) {
  return db.selectFrom('people').select(PERSON_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function peopleByIds(db: Kysely<DB>, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('people').select(PERSON_COLUMNS).where('id', 'in', ids).execute();
}

/** A record's own merge link and the records merged straight into it, in one query (most records have neither). */
export async function mergeLinksOf(db: Kysely<DB>, id: string) {
  return db.selectFrom('people').select(['id', 'merged_into_id']).where((eb) => eb.or([eb('id', '=', id), eb('merged_into_id', '=', id)])).execute();
}

/** The records merged straight into any of these (one level down the merge tree). */
export async function recordsMergedInto(db: Kysely<DB>, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('people').select(['id']).where('merged_into_id', 'in', ids).execute();
  return rows.map((r) => r.id);
}

export interface DetailsChange {
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  postcode: string | null;
  nhsNumber: string | null;
  phone: string | null;
  email: string | null;
  address: string | null;
  preferredLanguage: string | null;
  interpreterNeeded: boolean;
  accessNeeds: string | null;
  contactPreferences: ContactPreferences;
  equality: Record<string, string>;
}

/** Changes a record's details if nobody changed it since `version`; false when someone did. */
export async function updateDetails(db: Kysely<DB>, id: string, version: number, now: Date, d: DetailsChange): Promise<boolean> {
  const result = await db
    .updateTable('people')
    .set((eb) => ({
      version: eb('version', '+', 1),
      given_name: d.givenName,
      family_name: d.familyName,
      date_of_birth: d.dateOfBirth,
      postcode: d.postcode,
      nhs_number: d.nhsNumber,
      phone: d.phone,
      email: d.email,
      address: d.address,
      preferred_language: d.preferredLanguage,
      interpreter_needed: d.interpreterNeeded ? 1 : 0,
      access_needs: d.accessNeeds,
      contact_preferences: toJson(d.contactPreferences),
      equality: toJson(d.equality),
      match_key: matchKey(d),
      updated_at: now.toISOString(),
    }))
    .where('id', '=', id)
    .where('version', '=', version)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- possible duplicates and merges ----

const CANDIDATE_COLUMNS = ['id', 'person_id', 'candidate_id', 'reason', 'status', 'decided_by', 'decided_at', 'decision_note', 'created_at'] as const;

export async function duplicateCandidateById(db: Kysely<DB>, id: string) {
  return db.selectFrom('person_duplicate_candidates').select(CANDIDATE_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Open possible duplicates with either side among these records. */
export async function openDuplicatesTouching(db: Kysely<DB>, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('person_duplicate_candidates')
    .select(CANDIDATE_COLUMNS)
    .where('status', '=', 'open')
    .where((eb) => eb.or([eb('person_id', 'in', ids), eb('candidate_id', 'in', ids)]))
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Decides an open possible duplicate; false when it was decided already. */
export async function decideDuplicate(db: Kysely<DB>, id: string, d: { status: 'confirmed' | 'rejected'; by: string; note: string; at: Date }): Promise<boolean> {
  const result = await db
    .updateTable('person_duplicate_candidates')
    .set({ status: d.status, decided_by: d.by, decided_at: d.at.toISOString(), decision_note: d.note })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A confirmed duplicate whose merge was undone: they are not the same person after all. */
export async function rejectConfirmedDuplicate(db: Kysely<DB>, id: string, d: { by: string; note: string; at: Date }): Promise<void> {
  await db
    .updateTable('person_duplicate_candidates')
    .set({ status: 'rejected', decided_by: d.by, decided_at: d.at.toISOString(), decision_note: d.note })
    .where('id', '=', id)
    .where('status', '=', 'confirmed')
    .execute();
}

/**
 * Points a record at the one kept, if it is still a record of its own (no pointer yet); false
 * otherwise. The kept record is touched on the same condition, so two merges of the same pair in
 * opposite directions cannot both succeed (each holds one row the other needs).
 */
export async function pointAtSurvivor(db: Kysely<DB>, mergedId: string, survivorId: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const merged = await db
    .updateTable('people')
    .set((eb) => ({ merged_into_id: survivorId, version: eb('version', '+', 1), updated_at: at }))
    .where('id', '=', mergedId)
    .where('merged_into_id', 'is', null)
    .executeTakeFirst();
  if (Number(merged.numUpdatedRows) !== 1) return false;
  const survivor = await db
    .updateTable('people')
    .set((eb) => ({ version: eb('version', '+', 1), updated_at: at }))
    .where('id', '=', survivorId)
    .where('merged_into_id', 'is', null)
    .executeTakeFirst();
  return Number(survivor.numUpdatedRows) === 1;
}

/** Undoes the pointer, if it still points at that record; false otherwise. */
export async function clearPointer(db: Kysely<DB>, mergedId: string, survivorId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('people')
    .set((eb) => ({ merged_into_id: null, version: eb('version', '+', 1), updated_at: now.toISOString() }))
    .where('id', '=', mergedId)
    .where('merged_into_id', '=', survivorId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertMerge(db: Kysely<DB>, m: { mergedId: string; survivorId: string; duplicateCandidateId: string | null; by: string; reason: string; at: Date }): Promise<string> {
  const id = newId();
  await db
    .insertInto('person_merges')
    .values({
      id,
      merged_id: m.mergedId,
      survivor_id: m.survivorId,
      duplicate_candidate_id: m.duplicateCandidateId,
      merged_by: m.by,
      merged_at: m.at.toISOString(),
      reason: m.reason,
      unmerged_by: null,
      unmerged_at: null,
      unmerge_reason: null,
    })
    .execute();
  return id;
}

const MERGE_COLUMNS = [
  'person_merges.id',
  'person_merges.merged_id',
  'person_merges.survivor_id',
  'person_merges.duplicate_candidate_id',
  'person_merges.merged_at',
  'person_merges.reason',
  'person_merges.unmerged_at',
  'person_merges.unmerge_reason',
  'merger.display_name as merged_by_name',
  'unmerger.display_name as unmerged_by_name',
] as const;

export async function mergeById(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('person_merges')
    .innerJoin('users as merger', 'merger.id', 'person_merges.merged_by')
    .leftJoin('users as unmerger', 'unmerger.id', 'person_merges.unmerged_by')
    .select(MERGE_COLUMNS)
    .where('person_merges.id', '=', id)
    .executeTakeFirst();
}

/** Every merge, done or undone, into or out of these records: for the record and its timeline. */
export async function mergesTouching(db: Kysely<DB>, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('person_merges')
    .innerJoin('users as merger', 'merger.id', 'person_merges.merged_by')
    .leftJoin('users as unmerger', 'unmerger.id', 'person_merges.unmerged_by')
    .select(MERGE_COLUMNS)
    .where((eb) => eb.or([eb('person_merges.merged_id', 'in', ids), eb('person_merges.survivor_id', 'in', ids)]))
    .orderBy('person_merges.merged_at')
    .orderBy('person_merges.id')
    .execute();
}

/** Marks a merge undone; false when it was undone already. */
export async function markUnmerged(db: Kysely<DB>, id: string, d: { by: string; reason: string; at: Date }): Promise<boolean> {
  const result = await db
    .updateTable('person_merges')
    .set({ unmerged_by: d.by, unmerged_at: d.at.toISOString(), unmerge_reason: d.reason })
    .where('id', '=', id)
    .where('unmerged_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- break glass (issue 5, item 9) ----

export async function insertBreakGlassGrant(
  db: Kysely<DB>,
  g: { personId: string; userId: string; role: string; teamId: string | null; organisationId: string; reasonKind: BreakGlassGrantsTable['reason_kind']; reason: string; at: Date; expiresAt: Date },
): Promise<string> {
  const id = newId();
  await db
    .insertInto('break_glass_grants')
    .values({
      id,
      person_id: g.personId,
      user_id: g.userId,
      role: g.role,
      team_id: g.teamId,
      organisation_id: g.organisationId,
      reason_kind: g.reasonKind,
      reason: g.reason,
      granted_at: g.at.toISOString(),
      expires_at: g.expiresAt.toISOString(),
      reviewed_by: null,
      reviewed_at: null,
      review_note: null,
    })
    .execute();
  return id;
}

/** The user's grant to any of these records still in force at `now` (the latest), if any. */
export async function activeGrant(db: Kysely<DB>, personIds: readonly string[], userId: string, now: Date) {
  if (personIds.length === 0) return undefined;
  return db
    .selectFrom('break_glass_grants')
    .select(['id', 'person_id', 'role', 'team_id', 'granted_at', 'expires_at'])
    .where('person_id', 'in', personIds)
    .where('user_id', '=', userId)
    .where('expires_at', '>', now.toISOString())
    .orderBy('expires_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function grantById(db: Kysely<DB>, id: string) {
  return db.selectFrom('break_glass_grants').select(['id', 'person_id', 'user_id', 'team_id', 'organisation_id', 'reviewed_at']).where('id', '=', id).executeTakeFirst();
}

/** Grants for these team leads to review: their teams' members', and those of teamless members of their organisations. Unreviewed first. */
export async function grantsForReview(db: Kysely<DB>, scope: { teamIds: readonly string[]; organisationIds: readonly string[] }, limit: number) {
  const teamIds = scope.teamIds.length ? [...scope.teamIds] : [''];
  const organisationIds = scope.organisationIds.length ? [...scope.organisationIds] : [''];
  return db
    .selectFrom('break_glass_grants')
    .innerJoin('users as actor', 'actor.id', 'break_glass_grants.user_id')
    .leftJoin('teams', 'teams.id', 'break_glass_grants.team_id')
    .leftJoin('users as reviewer', 'reviewer.id', 'break_glass_grants.reviewed_by')
    .select([
      'break_glass_grants.id',
      'break_glass_grants.person_id',
      'break_glass_grants.user_id',
      'break_glass_grants.role',
      'break_glass_grants.reason_kind',
      'break_glass_grants.reason',
      'break_glass_grants.granted_at',
      'break_glass_grants.expires_at',
      'break_glass_grants.reviewed_at',
      'break_glass_grants.review_note',
      'actor.display_name as actor_name',
      'teams.name as team_name',
      'reviewer.display_name as reviewer_name',
    ])
    .where((eb) =>
      eb.or([
        eb('break_glass_grants.team_id', 'in', teamIds),
        eb.and([eb('break_glass_grants.team_id', 'is', null), eb('break_glass_grants.organisation_id', 'in', organisationIds)]),
      ]),
    )
    .orderBy('break_glass_grants.reviewed_at', (o) => o.nullsFirst())
    .orderBy('break_glass_grants.granted_at', 'desc')
    .limit(limit)
    .execute();
}

/** Records a lead's review; false when the grant was reviewed already. */
export async function reviewGrant(db: Kysely<DB>, id: string, d: { by: string; note: string; at: Date }): Promise<boolean> {
  const result = await db
    .updateTable('break_glass_grants')
    .set({ reviewed_by: d.by, reviewed_at: d.at.toISOString(), review_note: d.note })
    .where('id', '=', id)
    .where('reviewed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Team leads to tell of a break-glass: the team's, or (for someone in no team) the organisation's. */
export async function leadsToTell(db: Kysely<DB>, teamId: string | null, organisationId: string) {
  return accountsWithRole(db, teamId ? { teamId } : { organisationId }, ['team-lead']);
}

export async function teamName(db: Kysely<DB>, teamId: string | null): Promise<string | null> {
  if (!teamId) return null;
  const row = await db.selectFrom('teams').select(['name']).where('id', '=', teamId).executeTakeFirst();
  return row?.name ?? null;
}
