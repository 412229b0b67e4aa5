// Follow-up within 72 hours (issue 6, item 5): the NHS Standard Contract asks that someone discharged
// from a mental health inpatient stay is followed up within 72 hours; we apply the same rule to a
// crisis house, a sanctuary stay and the close of a crisis episode. A discharge makes, in its own unit
// of work, a follow-up task for the team due 72 hours after the discharge, a row that ties the task to
// the discharge, and a durable timer at the due time. When the timer runs and the task is still open,
// the follow-up is escalated: marked, and every team lead of the team is told (no personal data in
// the email). A follow-up is "within 72 hours" when its task was done by its due time (measures).
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/access/audit.ts';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { newId } from '../../platform/db/ids.ts';
import type { CrisisFollowUpsTable, DB } from '../../platform/db/tables.ts';
import { scheduleTimer } from '../../platform/jobs/timers.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { formatDateTime } from '../../platform/views/format.ts';
import { createTask, type Finish, type FinishedTask } from '../care/index.ts';
import { publishBoardChange, teamLeadEmails } from './episode-store.ts';
import { currentPlan } from './safety-plan.ts';
import { admissionFollowUpNear, followUpOfDischarge, followUpWithTask, insertFollowUp, markFollowUpEscalated, openFollowUpsOfTeams } from './follow-up-store.ts';

export const FOLLOW_UP_HOURS = 72;
export const FOLLOW_UP_OVERDUE_TIMER = 'crisis:follow-up-overdue';
export const FOLLOW_UP_TASK_KIND = 'crisis-follow-up';

export type DischargedFrom = CrisisFollowUpsTable['discharged_from'];

const FROM_TEXT: Record<DischargedFrom, string> = {
  admission: 'an inpatient admission',
  'crisis-house': 'a crisis house',
  episode: 'a crisis episode',
  sanctuary: 'a sanctuary',
};

export interface FollowUpInput {
  personId: string;
  teamId: string;
  dischargedAt: Date;
  from: DischargedFrom;
  /** The admission, the crisis house stay, the episode or the sanctuary visit. */
  sourceId: string;
  /** The user who recorded the discharge; null when the system did. */
  by?: string | null;
  byRole?: string | null;
  /** Added to the task's detail: where the discharge came from ("Ward: …, from the trust's discharge list"). */
  note?: string | null;
}

/** How close two discharges of one person from an admission are to be the same discharge recorded twice. */
export const SAME_DISCHARGE_HOURS = 24;

/**
 * What the follow-up asks about the person's safety plan (H11): a crisis is when a plan is tested, so
 * the follow-up goes through it with them (what helped, what did not, what to change), or offers to
 * write one when they have none.
 */
async function safetyPlanPrompt(tx: Kysely<DB>, personId: string): Promise<string> {
  const plan = await currentPlan(tx, [personId]);
  return plan
    ? `Go through their safety plan with them (version ${plan.version}, last changed ${formatDateTime(plan.savedAt)}): what helped, what did not, and what to change.`
    : 'They have no safety plan in Mutual: offer to write one with them.';
}

/**
 * Schedules the follow-up of a discharge in the caller's unit of work. Idempotent per discharge: a
 * second call for the same `from` and `sourceId` returns the follow-up already made (`made: false`),
 * and so does a discharge of the same person from an admission within SAME_DISCHARGE_HOURS of one
 * already followed up: the discharge from hospital recorded on the episode page and also read from
 * the trust's discharge list (discharge-import.ts) makes one follow-up, not two.
 */
export async function scheduleFollowUp(platform: Platform, tx: Kysely<DB>, input: FollowUpInput): Promise<{ followUpId: string; taskId: string; dueAt: Date; made: boolean }> {
  const existing =
    (await followUpOfDischarge(tx, input.from, input.sourceId)) ??
    (input.from === 'admission' ? await admissionFollowUpNear(tx, input.personId, input.dischargedAt, SAME_DISCHARGE_HOURS) : undefined);
  if (existing) return { followUpId: existing.id, taskId: existing.task_id, dueAt: new Date(existing.due_at), made: false };
  const now = platform.clock.now();
  const dueAt = new Date(input.dischargedAt.getTime() + FOLLOW_UP_HOURS * 3_600_000);
  const id = newId();
  const taskId = await createTask(tx, {
    teamId: input.teamId,
    personId: input.personId,
    title: `Follow up within 72 hours of discharge from ${FROM_TEXT[input.from]}`,
    detail: `Discharged ${formatDateTime(input.dischargedAt.toISOString())}${input.note ? ` (${input.note})` : ''}. Contact the person by ${formatDateTime(dueAt.toISOString())}: check how they are and what support they need next. ${await safetyPlanPrompt(tx, input.personId)}`,
    dueAt,
    source: 'crisis',
    sourceKind: FOLLOW_UP_TASK_KIND,
    sourceId: id,
    createdBy: input.by ?? null,
    at: now,
  });
  await insertFollowUp(tx, {
    id,
    person_id: input.personId,
    team_id: input.teamId,
    discharged_from: input.from,
    source_id: input.sourceId,
    discharged_at: input.dischargedAt.toISOString(),
    due_at: dueAt.toISOString(),
    task_id: taskId,
    escalated_at: null,
    created_at: now.toISOString(),
  });
  await scheduleTimer(tx, { kind: FOLLOW_UP_OVERDUE_TIMER, dueAt, payload: { followUpId: id }, dedupeKey: `${FOLLOW_UP_OVERDUE_TIMER}:${id}` });
  await publishBoardChange(tx, { teamId: input.teamId, followUpId: id, change: 'follow-up-created' }, now);
  await recordAudit(tx, {
    at: now,
    actorUserId: input.by ?? null,
    actorRole: input.byRole ?? (input.by ? null : 'system'),
    actorTeamId: input.teamId,
    action: 'crisis.follow-up.create',
    entityType: 'crisis-follow-up',
    entityId: id,
    personId: input.personId,
    purpose: 'direct care',
    outcome: 'success',
  });
  return { followUpId: id, taskId, dueAt, made: true };
}

/** The overdue timer: a follow-up whose task is still open at its due time is escalated to the team's leads. */
export async function onFollowUpOverdue(platform: Platform, tx: Tx, payload: unknown): Promise<void> {
  const followUpId = (payload as { followUpId?: string } | null)?.followUpId;
  if (!followUpId) return;
  const row = await followUpWithTask(tx, followUpId);
  if (row?.status !== 'open' || row.escalated_at) return;
  const now = platform.clock.now();
  await markFollowUpEscalated(tx, row.id, now);
  await publishBoardChange(tx, { teamId: row.team_id, followUpId: row.id, change: 'follow-up-overdue' }, now);
  const leads = await teamLeadEmails(tx, row.team_id);
  for (const email of leads) {
    await enqueueMessage(tx, platform.clock, {
      channel: 'email',
      to: email,
      kind: 'crisis.follow-up-overdue',
      personalisation: {
        subject: 'A follow-up after discharge is overdue',
        body: `A follow-up within 72 hours of discharge was due by ${formatDateTime(row.due_at)} and has not been done. It is marked overdue on the crisis board. Please make sure someone contacts the person today.`,
      },
      dedupeKey: `crisis.follow-up-overdue:${row.id}:${email}`,
    });
  }
  await recordAudit(tx, {
    at: now,
    actorUserId: null,
    actorRole: 'system',
    actorTeamId: row.team_id,
    action: 'crisis.follow-up.escalate',
    entityType: 'crisis-follow-up',
    entityId: row.id,
    personId: row.person_id,
    purpose: 'direct care',
    outcome: 'success',
  });
}

/** Registers the overdue timer's handler (called when the module is registered). */
export function registerFollowUpTimers(platform: Platform): void {
  platform.timers.register(FOLLOW_UP_OVERDUE_TIMER, (tx, payload) => onFollowUpOverdue(platform, tx, payload));
}

export interface FollowUpDue {
  id: string;
  personId: string;
  teamId: string;
  dischargedFrom: DischargedFrom;
  dischargedAt: string;
  dueAt: string;
  taskId: string;
  escalatedAt: string | null;
}

/** A follow-up task finished from the task pages: the boards of its team drop it (care's task watcher). */
export async function followUpFinished(tx: Kysely<DB>, task: FinishedTask, finish: Finish): Promise<void> {
  if (task.source_kind !== FOLLOW_UP_TASK_KIND) return;
  await publishBoardChange(tx, { teamId: task.team_id, ...(task.source_id ? { followUpId: task.source_id } : {}), change: `follow-up-${finish.status}` }, finish.at);
}

/** Open follow-ups of these teams, the earliest due first (the board lists them). */
export async function followUpsDue(db: Kysely<DB>, teamIds: readonly string[]): Promise<FollowUpDue[]> {
  const rows = await openFollowUpsOfTeams(db, teamIds);
  return rows.map((r) => ({
    id: r.id,
    personId: r.person_id,
    teamId: r.team_id,
    dischargedFrom: r.discharged_from,
    dischargedAt: r.discharged_at,
    dueAt: r.due_at,
    taskId: r.task_id,
    escalatedAt: r.escalated_at,
  }));
}
