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
