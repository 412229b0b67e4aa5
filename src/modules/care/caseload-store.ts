// The queries of caseloads (issue 5, item 8): whose care a practitioner or a team holds, and for each
// person the latest contact, the next review and the open tasks. Each is one query for the whole
// list (never one a person), so a caseload of 40 people costs a handful of queries.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/tables.ts';

export interface CaseloadCoordination {
  coordination_id: string;
  person_id: string;
  team_id: string;
  key_worker_id: string | null;
  key_worker_name: string | null;
  opened_at: string;
}

function openCoordinations(db: Kysely<DB>, teamIds: readonly string[]) {
  return db
    .selectFrom('care_coordinations as cc')
    .leftJoin('users as kw', 'kw.id', 'cc.key_worker_id')
    .select(['cc.id as coordination_id', 'cc.person_id', 'cc.team_id', 'cc.key_worker_id', 'kw.display_name as key_worker_name', 'cc.opened_at'])
    .where('cc.status', '=', 'open')
    .where('cc.team_id', 'in', [...teamIds]);
}

/** Open coordinations of these teams in which the user is the key worker or in the care team (not removed). */
export async function coordinationsHeldBy(db: Kysely<DB>, userId: string, teamIds: readonly string[]): Promise<CaseloadCoordination[]> {
  if (teamIds.length === 0) return [];
  return openCoordinations(db, teamIds)
    .where((eb) =>
      eb.or([
        eb('cc.key_worker_id', '=', userId),
        eb.exists(eb.selectFrom('care_team_members as m').select('m.id').whereRef('m.coordination_id', '=', 'cc.id').where('m.user_id', '=', userId).where('m.removed_at', 'is', null)),
      ]),
    )
    .execute();
}

/** Every open coordination of these teams (a lead's view of the whole team). */
export async function coordinationsOfTeams(db: Kysely<DB>, teamIds: readonly string[], limit = 2000): Promise<CaseloadCoordination[]> {
  if (teamIds.length === 0) return [];
  return openCoordinations(db, teamIds).orderBy('cc.opened_at').limit(limit).execute();
}

/** The people's names and dates of birth. */
export async function peopleNamed(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db.selectFrom('people').select(['id', 'given_name', 'family_name', 'date_of_birth', 'nhs_number']).where('id', 'in', [...personIds]).execute();
}

/** The latest held network meeting of each person (a contact, as a note of contact is). */
export async function lastMeetings(db: Kysely<DB>, personIds: readonly string[]): Promise<Map<string, string>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('care_meetings')
    .select((eb) => ['person_id', eb.fn.max('starts_at').as('at')])
    .where('person_id', 'in', [...personIds])
    .where('status', '=', 'held')
    .groupBy('person_id')
    .execute();
  return new Map(rows.map((r) => [r.person_id, String(r.at)]));
}

/** The review date (YYYY-MM-DD, London) of each coordination's plan, where the plan has one. */
export async function reviewDates(db: Kysely<DB>, coordinationIds: readonly string[]): Promise<Map<string, string>> {
  if (coordinationIds.length === 0) return new Map();
  const rows = await db.selectFrom('care_plans').select(['coordination_id', 'review_date']).where('coordination_id', 'in', [...coordinationIds]).where('review_date', 'is not', null).execute();
  return new Map(rows.map((r) => [r.coordination_id, r.review_date as string]));
}

/** The members of these teams who may hold a caseload or a task (to assign a task to). */
export async function teamMembers(db: Kysely<DB>, teamIds: readonly string[]) {
  if (teamIds.length === 0) return [];
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.display_name', 'memberships.team_id', 'memberships.role'])
    .where('memberships.team_id', 'in', [...teamIds])
    .where('memberships.role', 'in', ['practitioner', 'team-lead'])
    .where('users.disabled_at', 'is', null)
    .orderBy('users.display_name')
    .execute();
}
