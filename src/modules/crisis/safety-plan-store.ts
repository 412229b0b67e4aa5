// The queries of safety plans (issue 6, item 4): a person's plan and its versions. A plan is never
// changed in place: each save adds a version and moves the plan's `version` on by one, only if it
// is still the version the writer started from (so a second writer is told, not overwritten).
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/tables.ts';

const PLAN = ['safety_plans.id', 'safety_plans.person_id', 'safety_plans.version', 'safety_plans.created_at', 'safety_plans.updated_at'] as const;

export type PlanRow = Awaited<ReturnType<typeof planOf>>;

/**
 * The plan of any of these records (the person's, and those merged into it): the one changed last,
 * should two records each have had one before they were merged.
 */
export async function planOf(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return undefined;
  return db.selectFrom('safety_plans').select(PLAN).where('person_id', 'in', [...personIds]).orderBy('updated_at', 'desc').orderBy('id', 'desc').executeTakeFirst();
}

const VERSION = [
  'safety_plan_versions.id',
  'safety_plan_versions.plan_id',
  'safety_plan_versions.person_id',
  'safety_plan_versions.version',
  'safety_plan_versions.content',
  'safety_plan_versions.change_note',
  'safety_plan_versions.written_by',
  'safety_plan_versions.written_by_role',
  'safety_plan_versions.with_person',
  'safety_plan_versions.created_at',
  'users.display_name as written_by_name',
  'teams.name as team_name',
] as const;

export type VersionRow = NonNullable<Awaited<ReturnType<typeof versionOf>>>;

/** One version of a plan, with the writer's name and team. */
export async function versionOf(db: Kysely<DB>, planId: string, version: number) {
  return db
    .selectFrom('safety_plan_versions')
    .innerJoin('users', 'users.id', 'safety_plan_versions.written_by')
    .leftJoin('teams', 'teams.id', 'safety_plan_versions.written_by_team_id')
    .select(VERSION)
    .where('safety_plan_versions.plan_id', '=', planId)
    .where('safety_plan_versions.version', '=', version)
    .executeTakeFirst();
}

/** Every version of a plan, newest first. */
export async function versionsOf(db: Kysely<DB>, planId: string) {
  return db
    .selectFrom('safety_plan_versions')
    .innerJoin('users', 'users.id', 'safety_plan_versions.written_by')
    .leftJoin('teams', 'teams.id', 'safety_plan_versions.written_by_team_id')
    .select(VERSION)
    .where('safety_plan_versions.plan_id', '=', planId)
    .orderBy('safety_plan_versions.version', 'desc')
    .execute();
}

/** Every version written for these records, for the person's timeline (each save an entry). */
export async function versionsForPeople(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('safety_plan_versions')
    .innerJoin('users', 'users.id', 'safety_plan_versions.written_by')
    .leftJoin('teams', 'teams.id', 'safety_plan_versions.written_by_team_id')
    .select(VERSION)
    .where('safety_plan_versions.person_id', 'in', [...personIds])
    .execute();
}

export async function insertPlan(tx: Kysely<DB>, plan: { id: string; personId: string; by: string; at: Date }): Promise<void> {
  const at = plan.at.toISOString();
  await tx.insertInto('safety_plans').values({ id: plan.id, person_id: plan.personId, version: 1, created_by: plan.by, created_at: at, updated_by: plan.by, updated_at: at }).execute();
}

/** Moves the plan on from `from` to the next version; false when it is no longer at `from` (someone saved in between). */
export async function advancePlan(tx: Kysely<DB>, planId: string, from: number, by: string, at: Date): Promise<boolean> {
  const result = await tx
    .updateTable('safety_plans')
    .set({ version: from + 1, updated_by: by, updated_at: at.toISOString() })
    .where('id', '=', planId)
    .where('version', '=', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface NewVersion {
  id: string;
  planId: string;
  personId: string;
  version: number;
  content: string;
  changeNote: string | null;
  by: string;
  role: string;
  teamId: string | null;
  withPerson: boolean;
  at: Date;
}

export async function insertVersion(tx: Kysely<DB>, v: NewVersion): Promise<void> {
  await tx
    .insertInto('safety_plan_versions')
    .values({
      id: v.id,
      plan_id: v.planId,
      person_id: v.personId,
      version: v.version,
      content: v.content,
      change_note: v.changeNote,
      written_by: v.by,
      written_by_role: v.role,
      written_by_team_id: v.teamId,
      with_person: v.withPerson ? 1 : 0,
      created_at: v.at.toISOString(),
    })
    .execute();
}

/** The record a person account is linked to (the demo's person), if any. */
export async function personOfAccount(db: Kysely<DB>, userId: string): Promise<string | null> {
  const row = await db.selectFrom('users').select(['person_id']).where('id', '=', userId).executeTakeFirst();
  return row?.person_id ?? null;
}


/** The email and mobile of an account (the person's own, checked by signing in with them), for sending them their plan. */
export async function accountContact(db: Kysely<DB>, userId: string) {
  return db.selectFrom('users').select(['email', 'mobile']).where('id', '=', userId).where('disabled_at', 'is', null).executeTakeFirst();
}
