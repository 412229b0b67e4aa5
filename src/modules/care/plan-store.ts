// The rows of care coordination and the shared plan (issue 5, item 4): SQL only, no rules. The rules
// (who may, what is checked, what is audited) are in coordination.ts and plan.ts.
import type { Kysely } from 'kysely';
import { newId } from '../../platform/db/ids.ts';
import type { CareCoordinationsTable, CarePlanActionsTable, CarePlansTable, CarePlanVersionsTable, CareTeamMembersTable, DB } from '../../platform/db/tables.ts';

export type CoordinationRow = Omit<CareCoordinationsTable, 'version'> & { version: number };
export type CareTeamMemberRow = CareTeamMembersTable;
export type PlanRow = CarePlansTable;
export type PlanVersionRow = CarePlanVersionsTable;
export type PlanActionRow = CarePlanActionsTable;

// ---- coordinations ----

export async function coordinationById(db: Kysely<DB>, id: string): Promise<CoordinationRow | undefined> {
  return (await db.selectFrom('care_coordinations').selectAll().where('id', '=', id).executeTakeFirst()) as CoordinationRow | undefined;
}

/** Every coordination of these records of a person, open first, the newest first. */
export async function coordinationsOf(db: Kysely<DB>, personIds: readonly string[]): Promise<CoordinationRow[]> {
  if (personIds.length === 0) return [];
  return (await db
    .selectFrom('care_coordinations')
    .selectAll()
    .where('person_id', 'in', personIds)
    .orderBy('status', 'desc')
    .orderBy('opened_at', 'desc')
    .execute()) as CoordinationRow[];
}

/** The open coordination of these records by this team, if any (one a person and team). */
export async function openCoordinationOf(db: Kysely<DB>, personIds: readonly string[], teamId: string): Promise<CoordinationRow | undefined> {
  if (personIds.length === 0) return undefined;
  return (await db
    .selectFrom('care_coordinations')
    .selectAll()
    .where('person_id', 'in', personIds)
    .where('team_id', '=', teamId)
    .where('status', '=', 'open')
    .executeTakeFirst()) as CoordinationRow | undefined;
}

/** Open coordinations of these records by any of these teams: the person source's involvements. */
export async function openCoordinationsByTeams(db: Kysely<DB>, personIds: readonly string[], teamIds: readonly string[]) {
  if (personIds.length === 0 || teamIds.length === 0) return [];
  return db
    .selectFrom('care_coordinations')
    .innerJoin('teams', 'teams.id', 'care_coordinations.team_id')
    .select(['care_coordinations.id', 'care_coordinations.person_id', 'care_coordinations.team_id', 'teams.name as team_name'])
    .where('care_coordinations.person_id', 'in', personIds)
    .where('care_coordinations.team_id', 'in', teamIds)
    .where('care_coordinations.status', '=', 'open')
    .execute();
}

export async function insertCoordination(
  tx: Kysely<DB>,
  input: { personId: string; teamId: string; keyWorkerId: string | null; requestId: string | null; by: string; at: Date },
): Promise<string> {
  const id = newId();
  await tx
    .insertInto('care_coordinations')
    .values({
      id,
      person_id: input.personId,
      team_id: input.teamId,
      key_worker_id: input.keyWorkerId,
      request_id: input.requestId,
      status: 'open',
      opened_at: input.at.toISOString(),
      opened_by: input.by,
      closed_at: null,
      closed_by: null,
      close_reason: null,
    })
    .execute();
  return id;
}

/** Changes an open coordination if it is still at `version`; false when it changed (or closed) since. */
export async function updateCoordination(
  tx: Kysely<DB>,
  id: string,
  version: number,
  changes: Partial<Pick<CareCoordinationsTable, 'key_worker_id' | 'status' | 'closed_at' | 'closed_by' | 'close_reason'>>,
): Promise<boolean> {
  const result = await tx
    .updateTable('care_coordinations')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// ---- the care team ----

export interface CareTeamMember {
  id: string;
  user_id: string;
  role: string;
  added_at: string;
  removed_at: string | null;
  display_name: string;
}

/** The care team of a coordination, current members first, then those removed. */
export async function careTeamOf(db: Kysely<DB>, coordinationId: string): Promise<CareTeamMember[]> {
  const rows = await db
    .selectFrom('care_team_members')
    .innerJoin('users', 'users.id', 'care_team_members.user_id')
    .select(['care_team_members.id', 'care_team_members.user_id', 'care_team_members.role', 'care_team_members.added_at', 'care_team_members.removed_at', 'users.display_name'])
    .where('care_team_members.coordination_id', '=', coordinationId)
    .orderBy('care_team_members.added_at')
    .execute();
  return [...rows.filter((r) => !r.removed_at), ...rows.filter((r) => r.removed_at)];
}

export async function insertTeamMember(tx: Kysely<DB>, input: { coordinationId: string; userId: string; role: string; by: string | null; at: Date }): Promise<string> {
  const id = newId();
  await tx
    .insertInto('care_team_members')
    .values({ id, coordination_id: input.coordinationId, user_id: input.userId, role: input.role, added_at: input.at.toISOString(), added_by: input.by, removed_at: null, removed_by: null })
    .execute();
  return id;
}

export async function removeTeamMember(tx: Kysely<DB>, memberRowId: string, coordinationId: string, by: string, at: Date): Promise<boolean> {
  const result = await tx
    .updateTable('care_team_members')
    .set({ removed_at: at.toISOString(), removed_by: by })
    .where('id', '=', memberRowId)
    .where('coordination_id', '=', coordinationId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Whether the user is a current member of the coordination's care team. */
export async function isCurrentMember(db: Kysely<DB>, coordinationId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('care_team_members')
    .select('id')
    .where('coordination_id', '=', coordinationId)
    .where('user_id', '=', userId)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return Boolean(row);
}

/** The enabled staff of a team who may work on care (practitioners and team leads), by name: key workers and care team members are chosen from them. */
export async function teamStaff(db: Kysely<DB>, teamId: string): Promise<{ id: string; display_name: string; email: string }[]> {
  return db
    .selectFrom('memberships')
    .innerJoin('users', 'users.id', 'memberships.user_id')
    .select(['users.id', 'users.display_name', 'users.email'])
    .where('memberships.team_id', '=', teamId)
    .where('memberships.role', 'in', ['practitioner', 'team-lead'])
    .where('users.disabled_at', 'is', null)
    .distinct()
    .orderBy('users.display_name')
    .execute();
}

export async function teamById(db: Kysely<DB>, teamId: string) {
  return db.selectFrom('teams').select(['id', 'name', 'organisation_id']).where('id', '=', teamId).executeTakeFirst();
}

export async function userNames(db: Kysely<DB>, ids: readonly (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => Boolean(i)))];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

// ---- plans ----

/** The plan of a new coordination: version 0, nothing written yet (so the first save is checked like any other). */
export async function insertPlan(tx: Kysely<DB>, input: { coordinationId: string; personId: string; at: Date }): Promise<string> {
  const id = newId();
  const at = input.at.toISOString();
  await tx
    .insertInto('care_plans')
    .values({ id, coordination_id: input.coordinationId, person_id: input.personId, version: 0, privacy_label: 'mental-health', review_date: null, created_at: at, updated_at: at })
    .execute();
  return id;
}

export async function planOfCoordination(db: Kysely<DB>, coordinationId: string): Promise<PlanRow | undefined> {
  return db.selectFrom('care_plans').selectAll().where('coordination_id', '=', coordinationId).executeTakeFirst();
}

export async function planById(db: Kysely<DB>, id: string): Promise<PlanRow | undefined> {
  return db.selectFrom('care_plans').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The plans of these records of a person, with their coordination's team and status, newest coordination first. */
export async function plansOfPerson(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('care_plans')
    .innerJoin('care_coordinations', 'care_coordinations.id', 'care_plans.coordination_id')
    .innerJoin('teams', 'teams.id', 'care_coordinations.team_id')
    .select([
      'care_plans.id',
      'care_plans.coordination_id',
      'care_plans.person_id',
      'care_plans.version',
      'care_plans.privacy_label',
      'care_plans.review_date',
      'care_coordinations.status as coordination_status',
      'care_coordinations.key_worker_id',
      'care_coordinations.opened_at',
      'teams.name as team_name',
    ])
    .where('care_plans.person_id', 'in', personIds)
    .orderBy('care_coordinations.status', 'desc')
    .orderBy('care_coordinations.opened_at', 'desc')
    .execute();
}

/** Moves the plan from `fromVersion` to the next; false when another save came first. */
export async function bumpPlan(tx: Kysely<DB>, planId: string, fromVersion: number, changes: { privacyLabel: PlanRow['privacy_label']; reviewDate: string | null; at: Date }): Promise<boolean> {
  const result = await tx
    .updateTable('care_plans')
    .set({ version: fromVersion + 1, privacy_label: changes.privacyLabel, review_date: changes.reviewDate, updated_at: changes.at.toISOString() })
    .where('id', '=', planId)
    .where('version', '=', fromVersion)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function insertVersion(tx: Kysely<DB>, row: Omit<PlanVersionRow, 'id'>): Promise<string> {
  const id = newId();
  await tx
    .insertInto('care_plan_versions')
    .values({ id, ...row })
    .execute();
  return id;
}

/** A plan's versions, newest first (without their text: the history list). */
export async function versionsOf(db: Kysely<DB>, planId: string) {
  return db
    .selectFrom('care_plan_versions')
    .innerJoin('users', 'users.id', 'care_plan_versions.saved_by')
    .select(['care_plan_versions.id', 'care_plan_versions.version', 'care_plan_versions.saved_at', 'care_plan_versions.changes', 'care_plan_versions.note', 'users.display_name as saved_by_name'])
    .where('care_plan_versions.plan_id', '=', planId)
    .orderBy('care_plan_versions.version', 'desc')
    .execute();
}

export async function versionOf(db: Kysely<DB>, planId: string, version: number): Promise<(PlanVersionRow & { saved_by_name: string }) | undefined> {
  return db
    .selectFrom('care_plan_versions')
    .innerJoin('users', 'users.id', 'care_plan_versions.saved_by')
    .selectAll('care_plan_versions')
    .select('users.display_name as saved_by_name')
    .where('care_plan_versions.plan_id', '=', planId)
    .where('care_plan_versions.version', '=', version)
    .executeTakeFirst();
}

/** Every version of these records' plans, for the timeline (no text). */
export async function versionsOfPeople(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('care_plan_versions')
    .innerJoin('users', 'users.id', 'care_plan_versions.saved_by')
    .innerJoin('care_plans', 'care_plans.id', 'care_plan_versions.plan_id')
    .select(['care_plan_versions.version', 'care_plan_versions.saved_at', 'care_plan_versions.person_id', 'care_plan_versions.changes', 'care_plans.coordination_id', 'users.display_name as saved_by_name'])
    .where('care_plan_versions.person_id', 'in', personIds)
    .execute();
}

// ---- actions ----

/** A plan's actions that are not removed, in order. */
export async function actionsOf(db: Kysely<DB>, planId: string): Promise<PlanActionRow[]> {
  return db.selectFrom('care_plan_actions').selectAll().where('plan_id', '=', planId).where('status', '!=', 'removed').orderBy('position').orderBy('created_at').execute();
}

/** An action, whatever its status. */
export async function actionById(db: Kysely<DB>, id: string): Promise<PlanActionRow | undefined> {
  return db.selectFrom('care_plan_actions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertAction(tx: Kysely<DB>, row: Omit<PlanActionRow, 'id'>): Promise<string> {
  const id = newId();
  await tx
    .insertInto('care_plan_actions')
    .values({ id, ...row })
    .execute();
  return id;
}

export async function updateAction(tx: Kysely<DB>, id: string, changes: Partial<Omit<PlanActionRow, 'id' | 'plan_id' | 'person_id'>>): Promise<void> {
  await tx.updateTable('care_plan_actions').set(changes).where('id', '=', id).execute();
}

/** Keeps a plan action's task in step with the action (what, by when, whose). Only open tasks the care module made for plan actions. */
export async function updateActionTask(tx: Kysely<DB>, taskId: string, changes: { title: string; detail: string; dueAt: string; assigneeId: string | null }): Promise<void> {
  await tx
    .updateTable('tasks')
    .set((eb) => ({ title: changes.title, detail: changes.detail, due_at: changes.dueAt, assignee_id: changes.assigneeId, version: eb('version', '+', 1) }))
    .where('id', '=', taskId)
    .where('source', '=', 'care')
    .where('source_kind', '=', 'plan-action')
    .where('status', '=', 'open')
    .execute();
}

export async function userEmail(db: Kysely<DB>, userId: string) {
  return db.selectFrom('users').select(['email', 'disabled_at']).where('id', '=', userId).executeTakeFirst();
}

/** A person's name, for page titles (only after the caller checked access). */
export async function personNameById(db: Kysely<DB>, personId: string) {
  return db.selectFrom('people').select(['id', 'given_name', 'family_name']).where('id', '=', personId).executeTakeFirst();
}

/** Of these tasks, those finished (done or cancelled): how, when, by whom, and the note. */
export async function finishedTasksAmong(db: Kysely<DB>, taskIds: readonly string[]) {
  if (taskIds.length === 0) return [];
  return db
    .selectFrom('tasks')
    .leftJoin('users', 'users.id', 'tasks.finished_by')
    .select(['tasks.id', 'tasks.status', 'tasks.finished_at', 'tasks.finished_by', 'tasks.finish_note', 'users.display_name as finished_by_name'])
    .where('tasks.id', 'in', [...taskIds])
    .where('tasks.status', 'in', ['done', 'cancelled'])
    .execute();
}

/** A task's status and who finished it, when. */
export async function taskState(db: Kysely<DB>, taskId: string) {
  return db.selectFrom('tasks').select(['id', 'status', 'finished_at', 'finished_by']).where('id', '=', taskId).executeTakeFirst();
}

/** Teams that may coordinate care (those with practitioners or team leads), by name: the front door's decision offers them. */
export async function teamsThatCoordinateCare(db: Kysely<DB>): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom('teams')
    .select(['teams.id', 'teams.name'])
    .where('teams.kind', '!=', 'front-door')
    .where((eb) => eb.exists(eb.selectFrom('memberships').select('memberships.id').whereRef('memberships.team_id', '=', 'teams.id').where('memberships.role', 'in', ['practitioner', 'team-lead'])))
    .orderBy('teams.name')
    .execute();
}
