// The task pages (issue 5, item 8): "my tasks", "team tasks" (a lead sees every open task of the team,
// others the tasks nobody has taken yet), one task with finishing (done or cancelled, with a note)
// and assigning (take it, or a lead gives it to someone in the team). A change is refused when the
// task changed since the page was opened (its version). Every person a list shows is audited.
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor, authorize, teamsWhere } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { DB } from '../../platform/db/tables.ts';
import { InputError, NotFoundError } from '../../platform/http/problems.ts';
import { dueText } from './caseload.ts';
import { teamMembers } from './caseload-store.ts';
import { CARE_READ, CARE_TEAM_READ, CARE_WRITE } from './notes.ts';
import { paths } from './paths.ts';
import { taskFinished } from './task-watchers.ts';
import { assignTask, finishTask, openTasksAssignedTo, openTasksOfTeams, type Task, type TaskListRow, taskById, taskRow } from './tasks.ts';

type UserActor = Extract<Actor, { kind: 'user' }>;
const PURPOSE_CARE = 'direct care';

function user(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw new NotFoundError();
  return actor;
}

/** Where a task leads: a withheld note to confirm opens the lead's decision page. */
function workHref(t: Pick<Task, 'source' | 'source_kind' | 'source_id'>): string | null {
  if (t.source === 'care' && t.source_kind === 'note-confirmation' && t.source_id) return paths.withheldNote(t.source_id);
  return null;
}

function describeTask(t: TaskListRow, now: Date) {
  return {
    ...t,
    personName: t.person_given_name ? `${t.person_given_name} ${t.person_family_name}` : null,
    due: dueText(t.due_at, now),
    workHref: workHref(t),
  };
}
export type DescribedTask = ReturnType<typeof describeTask>;

/** One event for each task about a person shown, in one unit of work. */
async function auditTasks(platform: Platform, actor: UserActor, action: string, tasks: readonly Pick<Task, 'id' | 'person_id' | 'team_id'>[], address?: string | null) {
  const about = tasks.filter((t) => t.person_id);
  if (about.length === 0) return;
  const now = platform.clock.now();
  await platform.db.write(async (tx) => {
    for (const t of about) {
      await recordAudit(tx, {
        at: now,
        actorUserId: actor.userId,
        actorRole: actor.memberships.find((m) => m.teamId === t.team_id)?.role ?? null,
        actorTeamId: t.team_id,
        action,
        entityType: 'task',
        entityId: t.id,
        personId: t.person_id,
        purpose: PURPOSE_CARE,
        outcome: 'success',
        address: address ?? null,
      });
    }
  });
}

/** "My tasks": open tasks assigned to the actor, overdue first, then by due date. */
export async function myTasks(platform: Platform, actor: Actor, address?: string | null): Promise<DescribedTask[]> {
  const me = user(actor);
  const rows = await openTasksAssignedTo(platform.db.read, me.userId);
  await auditTasks(platform, me, 'care.tasks.view', rows, address);
  const now = platform.clock.now();
  return rows.map((t) => describeTask(t, now));
}

/** "Team tasks": a lead's teams' every open task; in other teams, the tasks nobody has taken yet. */
export async function teamTasks(platform: Platform, actor: Actor, address?: string | null) {
  const me = user(actor);
  const db = platform.db.read;
  const leads = teamsWhere(me, CARE_TEAM_READ);
  const members = teamsWhere(me, CARE_READ).filter((t) => !leads.includes(t));
  const [whole, unassigned] = await Promise.all([openTasksOfTeams(db, leads, { unassignedOnly: false }), openTasksOfTeams(db, members, { unassignedOnly: true })]);
  const now = platform.clock.now();
  // One list in the same order: overdue first, then by due date, no due date last.
  const key = (t: TaskListRow) => `${t.due_at ? `0${t.due_at}` : '1'}|${t.created_at}`;
  const rows = [...whole, ...unassigned].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  await auditTasks(platform, me, 'care.team-tasks.view', rows, address);
  return { tasks: rows.map((t) => describeTask(t, now)), lead: leads.length > 0 };
}

/** The actor may see and work on a task of their team, or one assigned to them. */
async function loadTask(db: Kysely<DB>, actor: UserActor, taskId: string): Promise<Task> {
  const task = await taskById(db, taskId);
  if (!task) throw new NotFoundError();
  const inTeam = teamsWhere(actor, CARE_READ).includes(task.team_id);
  if (!inTeam && task.assignee_id !== actor.userId) throw new NotFoundError();
  return task;
}

const isLeadOf = (actor: UserActor, teamId: string) => authorize(actor, CARE_TEAM_READ, { teamId });

/** One task, with what the actor may do to it. Audited when it is about a person. */
export async function taskPage(platform: Platform, actor: Actor, taskId: string, address?: string | null) {
  const me = user(actor);
  const db = platform.db.read;
  const task = await loadTask(db, me, taskId);
  const row = await taskRow(db, task.id);
  const lead = isLeadOf(me, task.team_id);
  const members = lead ? await teamMembers(db, [task.team_id]) : [];
  await auditTasks(platform, me, 'care.task.view', [task], address);
  const now = platform.clock.now();
  return {
    task: row ? describeTask(row, now) : { ...task, personName: null, assignee_name: null, team_name: '', due: dueText(task.due_at, now), workHref: workHref(task) },
    open: task.status === 'open',
    mayFinish: task.status === 'open' && authorize(me, CARE_WRITE) && !workHref(task),
    mayTake: task.status === 'open' && authorize(me, CARE_WRITE) && task.assignee_id !== me.userId && (task.assignee_id === null || lead),
    mayAssign: task.status === 'open' && lead,
    members: members.map((m) => ({ id: m.id, name: m.display_name })),
  };
}

/** Marks a task done or cancelled, with a note, if it is as the page saw it. A withheld note's task is finished by the lead's decision, not here. */
export async function finishFromPage(platform: Platform, actor: Actor, taskId: string, form: { version: number; status: 'done' | 'cancelled'; note?: string | undefined }, address?: string | null): Promise<void> {
  const me = user(actor);
  if (!authorize(me, CARE_WRITE)) throw new NotFoundError();
  await platform.db.write(async (tx) => {
    const task = await loadTask(tx, me, taskId);
    if (workHref(task)) throw new InputError([{ field: 'status', message: 'Confirm or release the withheld note to finish this task' }]);
    if (task.assignee_id && task.assignee_id !== me.userId && !isLeadOf(me, task.team_id)) throw new InputError([{ field: 'status', message: 'Only the person it is assigned to, or a team lead, can finish this task' }]);
    const now = platform.clock.now();
    await finishTask(tx, { taskId, status: form.status, by: me.userId, at: now, note: form.note ?? null, expectedVersion: form.version });
    // The module that made it hears of it: the crisis board drops a follow-up done; a plan action's
    // task cancelled by someone else tells its key worker (plan.ts).
    await taskFinished(platform, tx, task, { status: form.status, by: me.userId, note: form.note ?? null, at: now });
    if (task.person_id) {
      await recordAudit(tx, { at: now, actorUserId: me.userId, actorRole: me.memberships.find((m) => m.teamId === task.team_id)?.role ?? null, actorTeamId: task.team_id, action: `care.task.${form.status === 'done' ? 'done' : 'cancel'}`, entityType: 'task', entityId: task.id, personId: task.person_id, purpose: PURPOSE_CARE, outcome: 'success', address: address ?? null });
    }
  });
}

/** Takes a task ("me"), or (a lead) gives it to a member of the team, or back to the team (""). */
export async function assignFromPage(platform: Platform, actor: Actor, taskId: string, form: { version: number; assignee: string }, address?: string | null): Promise<void> {
  const me = user(actor);
  if (!authorize(me, CARE_WRITE)) throw new NotFoundError();
  await platform.db.write(async (tx) => {
    const task = await loadTask(tx, me, taskId);
    const lead = isLeadOf(me, task.team_id);
    let assigneeId: string | null;
    if (form.assignee === 'me') {
      if (task.assignee_id && task.assignee_id !== me.userId && !lead) throw new InputError([{ field: 'assignee', message: 'Someone else has this task: ask a team lead to give it to you' }]);
      assigneeId = me.userId;
    } else if (!lead) {
      throw new InputError([{ field: 'assignee', message: 'Only a team lead can give a task to someone else' }]);
    } else if (form.assignee === '') {
      assigneeId = null;
    } else {
      const members = await teamMembers(tx, [task.team_id]);
      if (!members.some((m) => m.id === form.assignee)) throw new InputError([{ field: 'assignee', message: 'Select someone in the team' }]);
      assigneeId = form.assignee;
    }
    await assignTask(tx, { taskId, assigneeId, expectedVersion: form.version });
    if (task.person_id) {
      await recordAudit(tx, { at: platform.clock.now(), actorUserId: me.userId, actorRole: me.memberships.find((m) => m.teamId === task.team_id)?.role ?? null, actorTeamId: task.team_id, action: 'care.task.assign', entityType: 'task', entityId: task.id, personId: task.person_id, purpose: PURPOSE_CARE, outcome: 'success', address: address ?? null });
    }
  });
}
