// Tasks (issue 5, item 8): the one place every module records work with an owner and a date. A
// module makes a task in the unit of work of the change that calls for it (`createTask`), and
// finishes or cancels it there too; the caseload and task pages read them. Overdue escalation is
// the making module's: it schedules its own timer (crisis follow-ups escalate, plan actions remind).
import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError } from '../../platform/http/problems.ts';
import { newId } from '../../platform/db/ids.ts';
import type { DB, TasksTable } from '../../platform/db/tables.ts';

export type Task = Omit<TasksTable, 'created_at' | 'version'> & { created_at: string; version: number };

export interface NewTask {
  teamId: string;
  /** Who does it; omit for a team task. */
  assigneeId?: string | null;
  personId?: string | null;
  title: string;
  detail?: string | null;
  dueAt?: Date | null;
  /** The making module: 'care', 'crisis', 'people'. */
  source: string;
  /** What made it: 'plan-action', 'meeting-follow-up', 'note-confirmation', 'crisis-follow-up'. */
  sourceKind: string;
  sourceId?: string | null;
  /** The user who made it; null when the system did (a timer, a discharge). */
  createdBy?: string | null;
  at: Date;
}

/** Makes a task in the caller's unit of work; returns its id. */
export async function createTask(tx: Kysely<DB>, input: NewTask): Promise<string> {
  const id = newId();
  await tx
    .insertInto('tasks')
    .values({
      id,
      team_id: input.teamId,
      assignee_id: input.assigneeId ?? null,
      person_id: input.personId ?? null,
      title: input.title,
      detail: input.detail ?? null,
      due_at: input.dueAt ? input.dueAt.toISOString() : null,
      status: 'open',
      source: input.source,
      source_kind: input.sourceKind,
      source_id: input.sourceId ?? null,
      created_by: input.createdBy ?? null,
      created_at: input.at.toISOString(),
      finished_by: null,
      finished_at: null,
      finish_note: null,
    })
    .execute();
  return id;
}

export async function taskById(db: Kysely<DB>, id: string): Promise<Task | undefined> {
  return (await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst()) as Task | undefined;
}

/**
 * Marks an open task done or cancelled. `expectedVersion`, when given, refuses a change to a task
 * that changed since the form was opened (ConflictError); a finished task cannot be finished again.
 */
export async function finishTask(
  tx: Kysely<DB>,
  input: { taskId: string; status: 'done' | 'cancelled'; by: string; at: Date; note?: string | null; expectedVersion?: number },
): Promise<Task> {
  const task = await taskById(tx, input.taskId);
  if (!task) throw new NotFoundError();
  if (task.status !== 'open') throw new ConflictError('This task is already finished.');
  let q = tx
    .updateTable('tasks')
    .set({ status: input.status, finished_by: input.by, finished_at: input.at.toISOString(), finish_note: input.note ?? null, version: task.version + 1 })
    .where('id', '=', task.id)
    .where('status', '=', 'open');
  if (input.expectedVersion !== undefined) q = q.where('version', '=', input.expectedVersion);
  const result = await q.executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new ConflictError('This task changed since you opened it.');
  return { ...task, status: input.status, finished_by: input.by, finished_at: input.at.toISOString(), finish_note: input.note ?? null, version: task.version + 1 };
}

/** Open tasks a source made for a row (e.g. the follow-up of an episode), to finish or show them. */
export async function openTasksFor(db: Kysely<DB>, source: string, sourceKind: string, sourceId: string): Promise<Task[]> {
  return (await db
    .selectFrom('tasks')
    .selectAll()
    .where('source', '=', source)
    .where('source_kind', '=', sourceKind)
    .where('source_id', '=', sourceId)
    .where('status', '=', 'open')
    .orderBy('due_at')
    .execute()) as Task[];
}

/** Every task about these records of a person (the record and those merged into it), open first, earliest due first. */
export async function tasksForPerson(db: Kysely<DB>, personIds: readonly string[]): Promise<Task[]> {
  if (personIds.length === 0) return [];
  return (await db
    .selectFrom('tasks')
    .selectAll()
    .where('person_id', 'in', personIds)
    .orderBy('status', 'desc')
    .orderBy('due_at')
    .orderBy('created_at')
    .execute()) as Task[];
}

// ---- the task pages (issue 5, item 8) ----

export type TaskListRow = Task & { person_given_name: string | null; person_family_name: string | null; assignee_name: string | null; team_name: string };

function taskRows(db: Kysely<DB>) {
  return db
    .selectFrom('tasks')
    .innerJoin('teams', 'teams.id', 'tasks.team_id')
    .leftJoin('people', 'people.id', 'tasks.person_id')
    .leftJoin('users as assignee', 'assignee.id', 'tasks.assignee_id')
    .select([
      'tasks.id',
      'tasks.team_id',
      'tasks.assignee_id',
      'tasks.person_id',
      'tasks.title',
      'tasks.detail',
      'tasks.due_at',
      'tasks.status',
      'tasks.source',
      'tasks.source_kind',
      'tasks.source_id',
      'tasks.created_by',
      'tasks.created_at',
      'tasks.finished_by',
      'tasks.finished_at',
      'tasks.finish_note',
      'tasks.version',
      'people.given_name as person_given_name',
      'people.family_name as person_family_name',
      'assignee.display_name as assignee_name',
      'teams.name as team_name',
    ]);
}

function taskList(db: Kysely<DB>) {
  return taskRows(db)
    .where('tasks.status', '=', 'open')
    // Overdue first, then the earliest due; tasks with no due date last (both engines: nulls are not left to the engine's default).
    .orderBy((eb) => eb.case().when('tasks.due_at', 'is', null).then(1).else(0).end())
    .orderBy('tasks.due_at')
    .orderBy('tasks.created_at');
}

/** One task with the names a page shows. */
export async function taskRow(db: Kysely<DB>, id: string): Promise<TaskListRow | undefined> {
  return (await taskRows(db).where('tasks.id', '=', id).executeTakeFirst()) as TaskListRow | undefined;
}

/** "My tasks": the open tasks assigned to the user, overdue first, then by due date, those with no due date last. */
export async function openTasksAssignedTo(db: Kysely<DB>, userId: string, limit = 500): Promise<TaskListRow[]> {
  return (await taskList(db).where('tasks.assignee_id', '=', userId).limit(limit).execute()) as TaskListRow[];
}

/** "Team tasks": the open tasks of the teams, in the same order; only those nobody has taken yet when `unassignedOnly`. */
export async function openTasksOfTeams(db: Kysely<DB>, teamIds: readonly string[], options: { unassignedOnly: boolean; limit?: number }): Promise<TaskListRow[]> {
  if (teamIds.length === 0) return [];
  let q = taskList(db).where('tasks.team_id', 'in', [...teamIds]);
  if (options.unassignedOnly) q = q.where('tasks.assignee_id', 'is', null);
  return (await q.limit(options.limit ?? 500).execute()) as TaskListRow[];
}

/** Assigns an open task to a user (or back to the team with null), if it is as the form saw it (its version); ConflictError otherwise. */
export async function assignTask(tx: Kysely<DB>, input: { taskId: string; assigneeId: string | null; expectedVersion: number }): Promise<void> {
  const result = await tx
    .updateTable('tasks')
    .set((eb) => ({ assignee_id: input.assigneeId, version: eb('version', '+', 1) }))
    .where('id', '=', input.taskId)
    .where('status', '=', 'open')
    .where('version', '=', input.expectedVersion)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) throw new ConflictError('This task changed since you opened it (someone took it, assigned it or finished it). Open it again to see what changed.');
}

/** Open tasks about each of these people (any team), for caseloads: person id → count. */
export async function openTaskCounts(db: Kysely<DB>, personIds: readonly string[]): Promise<Map<string, number>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('tasks')
    .select((eb) => ['person_id', eb.fn.countAll<number>().as('n')])
    .where('person_id', 'in', [...personIds])
    .where('status', '=', 'open')
    .groupBy('person_id')
    .execute();
  return new Map(rows.map((r) => [r.person_id as string, Number(r.n)]));
}

/** People with open tasks assigned to the user (for "my people"). */
export async function peopleWithTasksFor(db: Kysely<DB>, userId: string): Promise<{ person_id: string; team_id: string }[]> {
  const rows = await db.selectFrom('tasks').select(['person_id', 'team_id']).distinct().where('assignee_id', '=', userId).where('status', '=', 'open').where('person_id', 'is not', null).execute();
  return rows as { person_id: string; team_id: string }[];
}

/** People with open tasks of these teams (for a team's caseload). */
export async function peopleWithTasksOfTeams(db: Kysely<DB>, teamIds: readonly string[]): Promise<{ person_id: string; team_id: string }[]> {
  if (teamIds.length === 0) return [];
  const rows = await db.selectFrom('tasks').select(['person_id', 'team_id']).distinct().where('team_id', 'in', [...teamIds]).where('status', '=', 'open').where('person_id', 'is not', null).execute();
  return rows as { person_id: string; team_id: string }[];
}
