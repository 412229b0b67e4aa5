// The shared plan (issue 5, item 4): what matters to the person, their strengths, their goals in their
// own words, actions (who, what, by when; each a task), what to do if things get worse, and a review
// date. Every save makes a new version that is never changed (who, when, which parts changed); the
// form carries the version it was opened at, and a save against an older one is refused with both
// versions shown (PlanConflictError): nothing is overwritten silently. The review date has a durable
// timer that reminds the key worker. Practitioners reach it through `coordinationAccess`; the person
// sees their own plans in their portal; network members see a plan only if its privacy label is one
// of theirs. Every view and change is audited with the person's id.
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Actor } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { parseJson, toJson } from '../../platform/db/ids.ts';
import type { DB } from '../../platform/db/tables.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { cancelTimers, scheduleTimer } from '../../platform/jobs/timers.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { endOfNextWorkingDay, isBankHoliday, LONDON, londonDate, OFFICE_HOURS } from '../../platform/time/calendar.ts';
import { formatDate } from '../../platform/views/format.ts';
import {
  auditNetworkView,
  auditOwnView,
  mayView,
  networkAccess,
  ownRecords,
  PRIVACY_LABEL_NAMES,
  type PrivacyLabel,
  registerPersonSource,
  type TimelineEntry,
} from '../people/index.ts';
import { auditCoordination, CARE_READ, CARE_WRITE, type CoordinationRow, coordinationAccess, coordinationInvolvements, coordinationTimeline, describeCoordination } from './coordination.ts';
import { paths } from './paths.ts';
import type { ActionRow, PlanForm } from './plan-schemas.ts';
import {
  actionById,
  actionsOf,
  bumpPlan,
  coordinationById,
  finishedTasksAmong,
  insertAction,
  insertVersion,
  type PlanActionRow,
  type PlanRow,
  planById,
  planOfCoordination,
  plansOfPerson,
  taskState,
  teamStaff,
  updateAction,
  updateActionTask,
  userEmail,
  userNames,
  versionOf,
  versionsOf,
  versionsOfPeople,
} from './plan-store.ts';
import { taskForOwnEntry } from './reviews.ts';
import { createTask, finishTask, openTasksFor } from './tasks.ts';

export const ACTION_TASK_KIND = 'plan-action';
/** The key worker's task when someone else cancels an action's task: the action is left with nobody on it. */
export const ORPHANED_ACTION_TASK_KIND = 'plan-action-orphaned';
export const REVIEW_TASK_KIND = 'plan-review';
export const REVIEW_TIMER = 'care.plan.review-reminder';
/** The reminder goes this many working days (Monday to Friday, not bank holidays) before the review date, at 09:00 London time. */
export const REMINDER_WORKING_DAYS = 3;
export const REMINDER_HOUR = 9;
/** Tasks are due at the end of the working day of their date, London time. */
const DUE_HOUR = 17;

// ---- what a version is, and how two differ ----

export interface ActionSnapshot {
  id: string;
  what: string;
  who: string;
  assigneeId: string | null;
  assigneeName: string | null;
  /** YYYY-MM-DD */
  dueOn: string;
  status: 'open' | 'done';
}

export interface PlanContent {
  whatMatters: string;
  strengths: string;
  goals: string;
  ifWorse: string;
  reviewDate: string | null;
  privacyLabel: PrivacyLabel;
  actions: ActionSnapshot[];
}

export interface VersionView extends PlanContent {
  version: number;
  savedAt: string;
  savedByName: string;
  note: string | null;
  /** The parts that changed from the version before, in words. */
  changes: string[];
  privacyLabelName: string;
}

/** The plan's parts in the order the pages show them, with the words the person reads. */
export const SECTIONS = [
  { key: 'whatMatters', title: 'What matters to me' },
  { key: 'strengths', title: 'My strengths' },
  { key: 'goals', title: 'My goals' },
  { key: 'actions', title: 'Actions' },
  { key: 'ifWorse', title: 'What to do if things get worse' },
  { key: 'reviewDate', title: 'Review date' },
  { key: 'privacyLabel', title: 'Who in my network may see it' },
] as const;

function versionView(row: NonNullable<Awaited<ReturnType<typeof versionOf>>>): VersionView {
  return {
    version: row.version,
    savedAt: row.saved_at,
    savedByName: row.saved_by_name,
    note: row.note,
    changes: parseJson<string[]>(row.changes) ?? [],
    whatMatters: row.what_matters,
    strengths: row.strengths,
    goals: row.goals,
    ifWorse: row.if_worse,
    reviewDate: row.review_date,
    privacyLabel: row.privacy_label,
    privacyLabelName: PRIVACY_LABEL_NAMES[row.privacy_label],
    actions: parseJson<ActionSnapshot[]>(row.actions) ?? [],
  };
}

const actionKey = (a: ActionSnapshot) => `${a.what}\u0000${a.who}\u0000${a.assigneeId ?? ''}\u0000${a.dueOn}\u0000${a.status}`;

/** The parts of `after` that differ from `before` (all of them when there is no version before). */
export function changedParts(before: PlanContent | null, after: PlanContent): string[] {
  return SECTIONS.filter((s) => {
    if (!before) return s.key === 'actions' ? after.actions.length > 0 : s.key === 'privacyLabel' || Boolean(after[s.key]);
    if (s.key === 'actions') return before.actions.map(actionKey).join('\u0001') !== after.actions.map(actionKey).join('\u0001');
    return before[s.key] !== after[s.key];
  }).map((s) => s.title);
}

export interface Comparison {
  sections: { key: string; title: string; before: string | null; after: string | null; changed: boolean }[];
  /** The actions' changes, in words. */
  actionChanges: string[];
}

/** A version beside the one before it: each part, whether it changed and what it said before; the actions' changes in words. */
export function compareVersions(before: PlanContent | null, after: PlanContent): Comparison {
  const words = (c: PlanContent, key: string): string | null => {
    if (key === 'reviewDate') return c.reviewDate ? formatDate(c.reviewDate) : null;
    if (key === 'privacyLabel') return PRIVACY_LABEL_NAMES[c.privacyLabel];
    if (key === 'actions') return null;
    return (c[key as keyof PlanContent] as string) || null;
  };
  const changed = new Set(changedParts(before, after));
  const sections = SECTIONS.map((s) => ({ key: s.key, title: s.title, before: before ? words(before, s.key) : null, after: words(after, s.key), changed: changed.has(s.title) }));
  const actionChanges: string[] = [];
  const old = new Map((before?.actions ?? []).map((a) => [a.id, a]));
  for (const a of after.actions) {
    const b = old.get(a.id);
    if (!b) actionChanges.push(`Added: ${a.what} (${a.who}, by ${formatDate(a.dueOn)})`);
    else if (b.status !== a.status && a.status === 'done') actionChanges.push(`Done: ${a.what}`);
    else if (actionKey(a) !== actionKey(b)) actionChanges.push(`Changed: ${a.what} (${a.who}, by ${formatDate(a.dueOn)}; was ${b.what}, ${b.who}, by ${formatDate(b.dueOn)})`);
    old.delete(a.id);
  }
  for (const b of old.values()) actionChanges.push(`Removed: ${b.what}`);
  return { sections, actionChanges };
}

// ---- times ----

/** The end of a London working day on a date (when a task for that date is due). */
export function dueAtOn(date: string): Date {
  return DateTime.fromISO(date, { zone: LONDON }).set({ hour: DUE_HOUR }).toJSDate();
}

/** When the key worker is reminded of a review: REMINDER_WORKING_DAYS working days before, at 09:00 London; now, if that has passed. */
export function reminderAt(reviewDate: string, now: Date): Date {
  let day = DateTime.fromISO(reviewDate, { zone: LONDON });
  let left = REMINDER_WORKING_DAYS;
  while (left > 0) {
    day = day.minus({ days: 1 });
    if (day.weekday <= 5 && !isBankHoliday(day.toISODate()!)) left--;
  }
  const at = day.set({ hour: REMINDER_HOUR }).toJSDate();
  return at < now ? now : at;
}

const reminderKey = (planId: string, reviewDate: string) => `${REVIEW_TIMER}:${planId}:${reviewDate}`;

// ---- the practitioner's pages ----

async function currentVersion(db: Kysely<DB>, plan: PlanRow): Promise<VersionView | null> {
  if (plan.version === 0) return null;
  const row = await versionOf(db, plan.id, plan.version);
  return row ? versionView(row) : null;
}

async function planFor(db: Kysely<DB>, coordinationId: string): Promise<PlanRow> {
  const plan = await planOfCoordination(db, coordinationId);
  if (!plan) throw new NotFoundError();
  return plan;
}

/** The coordination page: the coordination, its care team and its plan as it is now. Audited. */
export async function coordinationPage(platform: Platform, actor: Actor, coordinationId: string, address?: string | null) {
  const db = platform.db.read;
  const found = await coordinationAccess(platform, db, actor, coordinationId, CARE_READ);
  const [view, plan] = await Promise.all([describeCoordination(platform, db, actor, found), planFor(db, coordinationId)]);
  const [current, openTasks] = await Promise.all([currentVersion(db, plan), openTasksFor(db, 'care', REVIEW_TASK_KIND, plan.id)]);
  await platform.db.write((tx) => auditCoordination(tx, platform.clock.now(), found, 'care.coordination.view', undefined, address));
  return { ...view, plan, current, reviewTasks: openTasks };
}

/** The plan as it is now, with its actions' tasks. Audited. */
export async function planPage(platform: Platform, actor: Actor, coordinationId: string, address?: string | null) {
  const db = platform.db.read;
  const found = await coordinationAccess(platform, db, actor, coordinationId, CARE_READ);
  const [view, plan] = await Promise.all([describeCoordination(platform, db, actor, found), planFor(db, coordinationId)]);
  const current = await currentVersion(db, plan);
  const actions = await actionsOf(db, plan.id);
  await platform.db.write((tx) => auditCoordination(tx, platform.clock.now(), found, 'care.plan.view', { type: 'care-plan', id: plan.id }, address));
  const finished = await finishedActionTasks(db, actions);
  return { ...view, plan, current, actions: await describeActions(db, actions, finished), cancelledTasks: cancelledActionTasks(actions, finished) };
}

/**
 * Open actions whose task was cancelled from the task list, by action id: nobody is following them up
 * now, so the plan page says so beside the action (H16), until someone changes or removes the action
 * on the plan or marks it done.
 */
function cancelledActionTasks(actions: PlanActionRow[], finished: FinishedTasks): Record<string, { at: string | null; by: string | null; note: string | null }> {
  const out: Record<string, { at: string | null; by: string | null; note: string | null }> = {};
  for (const a of actions) {
    const t = a.status === 'open' && a.task_id ? finished.get(a.task_id) : undefined;
    if (t?.status === 'cancelled') out[a.id] = { at: t.finished_at, by: t.finished_by_name, note: t.finish_note };
  }
  return out;
}

/**
 * A plan action's task cancelled from the task list by someone other than the coordination's key
 * worker (H16): the action stays on the plan with nobody following it up, so the key worker gets a
 * task to deal with it (change it, remove it, or mark it done), due by the end of the next working day.
 * Runs in the cancelling unit of work; nothing for other tasks, a closed coordination, or an action
 * no longer open.
 */
export async function afterTaskCancelled(platform: Platform, tx: Kysely<DB>, task: { source: string; source_kind: string; source_id: string | null }, by: string, note: string | null): Promise<void> {
  if (task.source !== 'care' || task.source_kind !== ACTION_TASK_KIND || !task.source_id) return;
  const action = await actionById(tx, task.source_id);
  if (action?.status !== 'open') return;
  const plan = await planById(tx, action.plan_id);
  const coordination = plan ? await coordinationById(tx, plan.coordination_id) : undefined;
  if (coordination?.status !== 'open' || !coordination.key_worker_id || coordination.key_worker_id === by) return;
  const now = platform.clock.now();
  const names = await userNames(tx, [by]);
  await createTask(tx, {
    teamId: coordination.team_id,
    assigneeId: coordination.key_worker_id,
    personId: coordination.person_id,
    title: 'A plan action has nobody following it up',
    detail: `“${action.what}” (due ${formatDate(action.due_on)}): its task was cancelled by ${names.get(by) ?? 'a colleague'}${note ? `: “${note}”` : ''}. Change the action, remove it from the plan, or mark it done.`,
    dueAt: endOfNextWorkingDay(OFFICE_HOURS, now),
    source: 'care',
    sourceKind: ORPHANED_ACTION_TASK_KIND,
    sourceId: action.id,
    createdBy: by,
    at: now,
  });
}

/**
 * The actions as the pages show them. An action whose task was finished as done elsewhere (the task
 * list) shows as done; the next save of the plan records it (`syncDoneTasks`).
 */
async function describeActions(db: Kysely<DB>, actions: PlanActionRow[], known?: FinishedTasks): Promise<ActionSnapshot[]> {
  const [names, finished] = await Promise.all([userNames(db, actions.map((a) => a.assignee_id)), known ?? finishedActionTasks(db, actions)]);
  const done = new Set([...finished.values()].filter((t) => t.status === 'done').map((t) => t.id));
  return actions
    .filter((a) => a.status !== 'removed')
    .map((a) => ({
      id: a.id,
      what: a.what,
      who: a.who,
      assigneeId: a.assignee_id,
      assigneeName: a.assignee_id ? (names.get(a.assignee_id) ?? null) : null,
      dueOn: a.due_on,
      status: a.status === 'open' && a.task_id && done.has(a.task_id) ? 'done' : (a.status as 'open' | 'done'),
    }));
}

/** The tasks of open actions that were finished elsewhere (the task list), done or cancelled, by task id. */
type FinishedTasks = Map<string, Awaited<ReturnType<typeof finishedTasksAmong>>[number]>;
async function finishedActionTasks(db: Kysely<DB>, actions: PlanActionRow[]): Promise<FinishedTasks> {
  const rows = await finishedTasksAmong(
    db,
    actions.filter((a) => a.status === 'open' && a.task_id).map((a) => a.task_id!),
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** Open actions whose task was finished as done elsewhere are marked done, by whoever finished the task. */
async function syncDoneTasks(tx: Kysely<DB>, actions: PlanActionRow[]): Promise<void> {
  const finished = await finishedActionTasks(tx, actions);
  for (const a of actions) {
    const task = a.status === 'open' && a.task_id ? finished.get(a.task_id) : undefined;
    if (task?.status === 'done') await updateAction(tx, a.id, { status: 'done', finished_at: task.finished_at, finished_by: task.finished_by });
  }
}

/** The form's values from the plan as it is now: its sections, its open actions as rows, and blank rows to add actions. */
export function formValues(plan: PlanRow, current: VersionView | null, actions: ActionSnapshot[], blankRows = 3): Record<string, unknown> {
  const values: Record<string, unknown> = {
    version: plan.version,
    whatMatters: current?.whatMatters ?? '',
    strengths: current?.strengths ?? '',
    goals: current?.goals ?? '',
    ifWorse: current?.ifWorse ?? '',
    privacyLabel: plan.privacy_label,
    note: '',
  };
  if (plan.review_date) {
    const [y, m, d] = plan.review_date.split('-');
    Object.assign(values, { 'reviewDate[day]': String(Number(d)), 'reviewDate[month]': String(Number(m)), 'reviewDate[year]': y });
  }
  const open = actions.filter((a) => a.status === 'open');
  open.forEach((a, i) => {
    const [y, m, d] = a.dueOn.split('-');
    Object.assign(values, {
      [`actions[${i}][id]`]: a.id,
      [`actions[${i}][what]`]: a.what,
      [`actions[${i}][who]`]: a.who,
      [`actions[${i}][assignee]`]: a.assigneeId ?? '',
      [`actions[${i}][due][day]`]: String(Number(d)),
      [`actions[${i}][due][month]`]: String(Number(m)),
      [`actions[${i}][due][year]`]: y,
    });
  });
  for (let i = open.length; i < open.length + blankRows; i++) {
    Object.assign(values, { [`actions[${i}][id]`]: '', [`actions[${i}][what]`]: '', [`actions[${i}][who]`]: '' });
  }
  return values;
}

/** What the edit form needs: the plan now, its actions, the team's staff (to name whose task an action is). Audited as a view. */
export async function planForEdit(platform: Platform, actor: Actor, coordinationId: string, address?: string | null) {
  const db = platform.db.read;
  const found = await coordinationAccess(platform, db, actor, coordinationId, CARE_WRITE);
  if (found.coordination.status !== 'open') throw new ConflictError('This care coordination is closed, so its plan cannot be changed.');
  const plan = await planFor(db, coordinationId);
  const [current, actions, staff, view] = await Promise.all([currentVersion(db, plan), actionsOf(db, plan.id), teamStaff(db, found.coordination.team_id), describeCoordination(platform, db, actor, found)]);
  const described = await describeActions(db, actions);
  await platform.db.write((tx) => auditCoordination(tx, platform.clock.now(), found, 'care.plan.edit.view', { type: 'care-plan', id: plan.id }, address));
  return { ...view, plan, current, actions: described, staff: staff.map((s) => ({ id: s.id, display_name: s.display_name })), values: formValues(plan, current, described) };
}

/** A save against an older version than the plan's: nothing was saved; the caller shows both versions. */
export class PlanConflictError extends ConflictError {
  constructor(
    readonly current: VersionView | null,
    readonly currentVersion: number,
  ) {
    super('This plan changed since you opened it, so nothing was saved.', { currentVersion });
    this.name = 'PlanConflictError';
  }
}

function actionTask(c: CoordinationRow, a: { what: string; who: string; dueOn: string; assigneeId: string | null }) {
  return {
    title: `Plan action: ${a.what.length > 150 ? `${a.what.slice(0, 147)}…` : a.what}`,
    detail: `Who: ${a.who}. By ${formatDate(a.dueOn)}.`,
    dueAt: dueAtOn(a.dueOn),
    assigneeId: a.assigneeId ?? c.key_worker_id,
  };
}

/**
 * Saves a new version of the plan, if it is still at the version the form was opened at; otherwise
 * nothing is saved (PlanConflictError with the version saved since). Actions are added, changed or
 * removed with their tasks; a new review date finishes the open review task and moves the reminder.
 */
export async function savePlan(platform: Platform, actor: Actor, coordinationId: string, form: PlanForm, address?: string | null): Promise<{ version: number }> {
  return platform.db.write(async (tx) => {
    const found = await coordinationAccess(platform, tx, actor, coordinationId, CARE_WRITE);
    const c = found.coordination;
    if (c.status !== 'open') throw new ConflictError('This care coordination is closed, so its plan cannot be changed.');
    const plan = await planFor(tx, coordinationId);
    if (plan.version !== form.version) throw new PlanConflictError(await currentVersion(tx, plan), plan.version);
    const now = platform.clock.now();
    const by = found.access.user.userId;
    const staff = new Set((await teamStaff(tx, c.team_id)).map((s) => s.id));
    await syncDoneTasks(tx, await actionsOf(tx, plan.id));
    const existing = new Map((await actionsOf(tx, plan.id)).map((a) => [a.id, a]));
    for (const row of form.actions) {
      if (row.assigneeId && !row.remove && !staff.has(row.assigneeId)) throw new InputError([{ field: `actions[${row.index}][assignee]`, message: 'Choose someone in the team, or the key worker' }]);
      if (row.id && existing.get(row.id)?.status !== 'open') {
        throw new InputError([{ field: `actions[${row.index}][what]`, message: 'This action was marked done or removed since you opened the plan: clear this row, or add it again as a new action' }]);
      }
    }
    let position = Math.max(0, ...[...existing.values()].map((a) => a.position)) + 1;
    for (const row of form.actions) await saveAction(tx, c, plan, row, existing, by, now, () => position++);
    const actions = await describeActions(tx, await actionsOf(tx, plan.id));
    const before = await currentVersion(tx, plan);
    const content: PlanContent = { whatMatters: form.whatMatters, strengths: form.strengths, goals: form.goals, ifWorse: form.ifWorse, reviewDate: form.reviewDate, privacyLabel: form.privacyLabel, actions };
    const changes = changedParts(before, content);
    if (before && changes.length === 0) throw new InputError([{ field: 'whatMatters', message: 'Nothing has changed: change the plan, or go back without saving' }]);
    if (!(await bumpPlan(tx, plan.id, plan.version, { privacyLabel: form.privacyLabel, reviewDate: form.reviewDate, at: now }))) throw new PlanConflictError(await currentVersion(tx, plan), plan.version + 1);
    const version = plan.version + 1;
    const versionId = await insertVersion(tx, {
      plan_id: plan.id,
      person_id: plan.person_id,
      version,
      what_matters: content.whatMatters,
      strengths: content.strengths,
      goals: content.goals,
      if_worse: content.ifWorse,
      review_date: content.reviewDate,
      privacy_label: content.privacyLabel,
      actions: toJson(actions),
      changes: toJson(changes),
      note: form.note,
      saved_by: by,
      saved_at: now.toISOString(),
    });
    if (plan.review_date !== form.reviewDate) await moveReview(tx, plan, form.reviewDate, by, now);
    await auditCoordination(tx, now, found, 'care.plan.save', { type: 'care-plan-version', id: versionId }, address);
    return { version };
  });
}

async function saveAction(tx: Kysely<DB>, c: CoordinationRow, plan: PlanRow, row: ActionRow, existing: Map<string, PlanActionRow>, by: string, now: Date, nextPosition: () => number): Promise<void> {
  const old = row.id ? existing.get(row.id) : undefined;
  if (old && row.remove) {
    await updateAction(tx, old.id, { status: 'removed', finished_at: now.toISOString(), finished_by: by });
    if (old.task_id) await finishTaskIfOpen(tx, old.task_id, 'cancelled', by, now, 'Action removed from the plan');
    return;
  }
  if (row.remove) return;
  if (old) {
    if (old.what === row.what && old.who === row.who && old.assignee_id === row.assigneeId && old.due_on === row.dueOn) return;
    await updateAction(tx, old.id, { what: row.what, who: row.who, assignee_id: row.assigneeId, due_on: row.dueOn });
    if (old.task_id) {
      const t = actionTask(c, row);
      await updateActionTask(tx, old.task_id, { title: t.title, detail: t.detail, dueAt: t.dueAt.toISOString(), assigneeId: t.assigneeId });
    }
    return;
  }
  const actionId = await insertAction(tx, {
    plan_id: plan.id,
    person_id: plan.person_id,
    position: nextPosition(),
    what: row.what,
    who: row.who,
    assignee_id: row.assigneeId,
    due_on: row.dueOn,
    status: 'open',
    task_id: null,
    created_at: now.toISOString(),
    created_by: by,
    finished_at: null,
    finished_by: null,
  });
  const t = actionTask(c, row);
  const taskId = await createTask(tx, { teamId: c.team_id, assigneeId: t.assigneeId, personId: plan.person_id, title: t.title, detail: t.detail, dueAt: t.dueAt, source: 'care', sourceKind: ACTION_TASK_KIND, sourceId: actionId, createdBy: by, at: now });
  await updateAction(tx, actionId, { task_id: taskId });
}

async function finishTaskIfOpen(tx: Kysely<DB>, taskId: string, status: 'done' | 'cancelled', by: string, at: Date, note: string): Promise<void> {
  const task = await taskState(tx, taskId);
  if (task?.status === 'open') await finishTask(tx, { taskId, status, by, at, note });
}

/** A new review date: the open review task is done (the plan was reviewed), and the reminder moves to the new date. */
async function moveReview(tx: Kysely<DB>, plan: PlanRow, reviewDate: string, by: string, now: Date): Promise<void> {
  for (const task of await openTasksFor(tx, 'care', REVIEW_TASK_KIND, plan.id)) {
    await finishTask(tx, { taskId: task.id, status: 'done', by, at: now, note: `Plan reviewed; next review on ${formatDate(reviewDate)}` });
  }
  if (plan.review_date) await cancelTimers(tx, { dedupeKey: reminderKey(plan.id, plan.review_date) });
  await scheduleTimer(tx, { kind: REVIEW_TIMER, dueAt: reminderAt(reviewDate, now), payload: { planId: plan.id, reviewDate }, dedupeKey: reminderKey(plan.id, reviewDate) });
}

/**
 * The review reminder: if the plan's review date is still the one the timer was set for and the
 * coordination is open, the key worker gets a task due on the review date (the team, when no key
 * worker is named) and an email with no personal data in it. Otherwise nothing (the date moved).
 */
export async function onReviewReminder(platform: Platform, tx: Kysely<DB>, payload: { planId: string; reviewDate: string }): Promise<void> {
  const plan = await planById(tx, payload.planId);
  if (!plan || plan.review_date !== payload.reviewDate) return;
  const c = await coordinationById(tx, plan.coordination_id);
  if (c?.status !== 'open') return;
  const now = platform.clock.now();
  if ((await openTasksFor(tx, 'care', REVIEW_TASK_KIND, plan.id)).length === 0) {
    await createTask(tx, {
      teamId: c.team_id,
      assigneeId: c.key_worker_id,
      personId: plan.person_id,
      title: 'Review the shared plan with the person',
      detail: `Review due on ${formatDate(payload.reviewDate)}.`,
      dueAt: dueAtOn(payload.reviewDate),
      source: 'care',
      sourceKind: REVIEW_TASK_KIND,
      sourceId: plan.id,
      createdBy: null,
      at: now,
    });
  }
  const keyWorker = c.key_worker_id ? await userEmail(tx, c.key_worker_id) : undefined;
  if (keyWorker && !keyWorker.disabled_at) {
    // No personal data: no name, no details; the link needs a signed-in practitioner who may see the person.
    await enqueueMessage(tx, platform.clock, {
      channel: 'email',
      to: keyWorker.email,
      kind: 'care.plan.review-reminder',
      personalisation: {
        subject: 'A shared plan review is coming up',
        body: `A shared plan you are the key worker for is due for review on ${formatDate(payload.reviewDate)}. Sign in to ${platform.config.serviceName} to see it: ${platform.config.publicUrl}${paths.plan(c.id)}`,
      },
      dedupeKey: `${REVIEW_TIMER}:${plan.id}:${payload.reviewDate}:email`,
    });
  }
}

/** Marks an action done: its task is finished and the plan gets a new version saying so. */
export async function markActionDone(platform: Platform, actor: Actor, coordinationId: string, actionId: string, address?: string | null): Promise<void> {
  await platform.db.write(async (tx) => {
    const found = await coordinationAccess(platform, tx, actor, coordinationId, CARE_WRITE);
    if (found.coordination.status !== 'open') throw new ConflictError('This care coordination is closed, so its plan cannot be changed.');
    const plan = await planFor(tx, coordinationId);
    await syncDoneTasks(tx, await actionsOf(tx, plan.id));
    const action = (await actionsOf(tx, plan.id)).find((a) => a.id === actionId);
    if (!action) throw new NotFoundError();
    if (action.status !== 'open') throw new ConflictError('This action is already done.');
    const now = platform.clock.now();
    const by = found.access.user.userId;
    await updateAction(tx, action.id, { status: 'done', finished_at: now.toISOString(), finished_by: by });
    if (action.task_id) await finishTaskIfOpen(tx, action.task_id, 'done', by, now, 'Marked done on the shared plan');
    const before = await currentVersion(tx, plan);
    if (!before) throw new ConflictError('Save the plan before marking its actions done.');
    if (!(await bumpPlan(tx, plan.id, plan.version, { privacyLabel: plan.privacy_label, reviewDate: plan.review_date, at: now }))) {
      throw new ConflictError('This plan changed while you were marking the action done. Open the plan again.');
    }
    const actions = await describeActions(tx, await actionsOf(tx, plan.id));
    const versionId = await insertVersion(tx, {
      plan_id: plan.id,
      person_id: plan.person_id,
      version: plan.version + 1,
      what_matters: before.whatMatters,
      strengths: before.strengths,
      goals: before.goals,
      if_worse: before.ifWorse,
      review_date: before.reviewDate,
      privacy_label: before.privacyLabel,
      actions: toJson(actions),
      changes: toJson(['Actions']),
      note: `Action done: ${action.what}`,
      saved_by: by,
      saved_at: now.toISOString(),
    });
    await auditCoordination(tx, now, found, 'care.plan.action.done', { type: 'care-plan-version', id: versionId }, address);
  });
}

/** The plan's versions, newest first. Audited. */
export async function planHistory(platform: Platform, actor: Actor, coordinationId: string, address?: string | null) {
  const db = platform.db.read;
  const found = await coordinationAccess(platform, db, actor, coordinationId, CARE_READ);
  const plan = await planFor(db, coordinationId);
  const [view, versions] = await Promise.all([describeCoordination(platform, db, actor, found), versionsOf(db, plan.id)]);
  await platform.db.write((tx) => auditCoordination(tx, platform.clock.now(), found, 'care.plan.history.view', { type: 'care-plan', id: plan.id }, address));
  return { ...view, plan, versions: versions.map((v) => ({ ...v, changes: parseJson<string[]>(v.changes) ?? [] })) };
}

async function versionWithPrevious(db: Kysely<DB>, planId: string, version: number) {
  const row = await versionOf(db, planId, version);
  if (!row) throw new NotFoundError();
  const previousRow = version > 1 ? await versionOf(db, planId, version - 1) : undefined;
  const shown = versionView(row);
  const previous = previousRow ? versionView(previousRow) : null;
  return { shown, previous, comparison: compareVersions(previous, shown) };
}

/** One version, with its changes from the one before. Audited. */
export async function planVersion(platform: Platform, actor: Actor, coordinationId: string, version: number, address?: string | null) {
  const db = platform.db.read;
  const found = await coordinationAccess(platform, db, actor, coordinationId, CARE_READ);
  const plan = await planFor(db, coordinationId);
  const [view, compared] = await Promise.all([describeCoordination(platform, db, actor, found), versionWithPrevious(db, plan.id, version)]);
  await platform.db.write((tx) => auditCoordination(tx, platform.clock.now(), found, 'care.plan.version.view', { type: 'care-plan', id: plan.id }, address));
  return { ...view, plan, ...compared, latest: plan.version };
}

/** The plan's work stops when its coordination closes: open action and review tasks are cancelled and the review reminder is cancelled. */
export async function closePlanWork(tx: Kysely<DB>, c: CoordinationRow, by: string, at: Date): Promise<void> {
  const plan = await planOfCoordination(tx, c.id);
  if (!plan) return;
  for (const action of (await actionsOf(tx, plan.id)).filter((a) => a.status === 'open' && a.task_id)) {
    await finishTaskIfOpen(tx, action.task_id!, 'cancelled', by, at, 'Care coordination closed');
  }
  for (const task of await openTasksFor(tx, 'care', REVIEW_TASK_KIND, plan.id)) await finishTask(tx, { taskId: task.id, status: 'cancelled', by, at, note: 'Care coordination closed' });
  if (plan.review_date) await cancelTimers(tx, { dedupeKey: reminderKey(plan.id, plan.review_date) });
}


// ---- the person's own plans ----

/** The signed-in person's plans: each coordination's plan as it is now (open coordinations first). Audited as the person seeing their own record. */
export async function myPlans(platform: Platform, actor: Actor, address: string | null) {
  const db = platform.db.read;
  const who = await ownRecords(db, actor);
  const plans = (await plansOfPerson(db, who.recordIds)).filter((p) => p.version > 0);
  const shown = await Promise.all(
    plans.map(async (p) => {
      const row = await versionOf(db, p.id, p.version);
      const names = await userNames(db, [p.key_worker_id]);
      return { id: p.id, teamName: p.team_name, open: p.coordination_status === 'open', keyWorkerName: p.key_worker_id ? (names.get(p.key_worker_id) ?? null) : null, current: row ? versionView(row) : null };
    }),
  );
  await auditOwnView(platform, who, 'care.plan.own.view', address);
  return { plans: shown };
}

async function myPlan(db: Kysely<DB>, actor: Actor, planId: string) {
  const who = await ownRecords(db, actor);
  const plan = await planById(db, planId);
  if (!plan || !who.recordIds.includes(plan.person_id) || plan.version === 0) throw new NotFoundError();
  return { who, plan };
}

/** The history of one of the person's own plans. Audited. */
export async function myPlanHistory(platform: Platform, actor: Actor, planId: string, address: string | null) {
  const db = platform.db.read;
  const { who, plan } = await myPlan(db, actor, planId);
  const versions = await versionsOf(db, plan.id);
  await auditOwnView(platform, who, 'care.plan.own.history.view', address);
  return { plan, versions: versions.map((v) => ({ ...v, changes: parseJson<string[]>(v.changes) ?? [] })) };
}

/** One version of one of the person's own plans, with its changes. Audited. */
export async function myPlanVersion(platform: Platform, actor: Actor, planId: string, version: number, address: string | null) {
  const db = platform.db.read;
  const { who, plan } = await myPlan(db, actor, planId);
  const compared = await versionWithPrevious(db, plan.id, version);
  await auditOwnView(platform, who, 'care.plan.own.version.view', address);
  return { plan, ...compared, latest: plan.version };
}

// ---- network members ----

/**
 * The plans of a person a network member may see with this label: 404 unless they are a current
 * member of the person's network holding the label. Only plans carrying that label, as they are now.
 * Audited for the person.
 */
export async function sharedPlans(platform: Platform, actor: Actor, personId: string, label: PrivacyLabel, address: string | null) {
  if (actor.kind !== 'user') throw new NotFoundError();
  const db = platform.db.read;
  const access = await networkAccess(db, { userId: actor.userId, personId });
  if (!mayView(access, label)) throw new NotFoundError();
  // The record shown (a merge's root); plans of records merged into it are not shared this way.
  const all = await plansOfPerson(db, [access.personId]);
  const plans = await Promise.all(
    all
      .filter((p) => p.version > 0 && p.privacy_label === label)
      .map(async (p) => {
        const row = await versionOf(db, p.id, p.version);
        return { id: p.id, teamName: p.team_name, open: p.coordination_status === 'open', current: row ? versionView(row) : null };
      }),
  );
  await platform.db.write((tx) => auditNetworkView(tx, platform.clock.now(), access, { userId: actor.userId }, 'care.plan.network.view', { type: 'care-plan', id: null }, address));
  return { plans, labelName: PRIVACY_LABEL_NAMES[label] };
}

// ---- the person source ----

/**
 * Registers the 'care' person source: an open coordination makes its team involved with the person;
 * coordinations opened and closed and the plan's versions are timeline entries. When the module is
 * registered, and by the demo seed (which runs without the app).
 */
export function registerCarePersonSource(platform: Platform): void {
  registerPersonSource(platform, {
    name: 'care',
    involvement: coordinationInvolvements,
    timeline: async (db, personIds) => [...(await coordinationTimeline(db, personIds)), ...(await planTimeline(db, personIds))],
    // What the person writes in their record is read by a coordinating team (hazard H19).
    entryAdded: taskForOwnEntry,
  });
}

// ---- the person's timeline ----

/** Each saved version of the person's plans, as timeline entries. */
export async function planTimeline(db: Kysely<DB>, personIds: readonly string[]): Promise<TimelineEntry[]> {
  const rows = await versionsOfPeople(db, personIds);
  return rows.map((v) => ({
    at: v.saved_at,
    source: 'care',
    kind: 'plan-version',
    title: v.version === 1 ? 'Shared plan written' : `Shared plan changed (version ${v.version})`,
    detail: (parseJson<string[]>(v.changes) ?? []).join(', ') || null,
    by: v.saved_by_name,
    href: paths.planVersion(v.coordination_id, v.version),
    personId: v.person_id,
  }));
}

/** The current date in London, for the form's "not in the past" checks. */
export function todayIn(platform: Platform): string {
  return londonDate(platform.clock.now());
}
