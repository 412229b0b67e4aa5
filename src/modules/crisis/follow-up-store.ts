// Rows of follow-ups after discharge (`crisis_follow_ups`, each tied to a task of the care module's
// `tasks`). No access rules here: follow-up.ts, episodes.ts and the person source check before calling.
import type { Insertable, Kysely } from 'kysely';
import type { CrisisFollowUpsTable, DB } from '../../platform/db/tables.ts';

/** The follow-up already made for a discharge, if any. */
export async function followUpOfDischarge(db: Kysely<DB>, from: CrisisFollowUpsTable['discharged_from'], sourceId: string) {
  return db.selectFrom('crisis_follow_ups').select(['id', 'task_id', 'due_at']).where('discharged_from', '=', from).where('source_id', '=', sourceId).executeTakeFirst();
}

export async function insertFollowUp(tx: Kysely<DB>, row: Insertable<CrisisFollowUpsTable>): Promise<void> {
  await tx.insertInto('crisis_follow_ups').values(row).execute();
}

/** A follow-up with its task's status, or undefined. */
export async function followUpWithTask(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('crisis_follow_ups')
    .innerJoin('tasks', 'tasks.id', 'crisis_follow_ups.task_id')
    .select(['crisis_follow_ups.id', 'crisis_follow_ups.person_id', 'crisis_follow_ups.team_id', 'crisis_follow_ups.due_at', 'crisis_follow_ups.escalated_at', 'tasks.status'])
    .where('crisis_follow_ups.id', '=', id)
    .executeTakeFirst();
}

/** The follow-up made from this source (an episode closed or discharged from hospital), with its task's status. */
export async function followUpOfSource(db: Kysely<DB>, sourceId: string) {
  return db
    .selectFrom('crisis_follow_ups')
    .innerJoin('tasks', 'tasks.id', 'crisis_follow_ups.task_id')
    .select(['crisis_follow_ups.id', 'crisis_follow_ups.due_at', 'crisis_follow_ups.escalated_at', 'tasks.status'])
    .where('crisis_follow_ups.source_id', '=', sourceId)
    .executeTakeFirst();
}

/** Marks a follow-up escalated, once. */
export async function markFollowUpEscalated(tx: Kysely<DB>, id: string, at: Date): Promise<void> {
  await tx.updateTable('crisis_follow_ups').set({ escalated_at: at.toISOString() }).where('id', '=', id).where('escalated_at', 'is', null).execute();
}

/** Follow-ups of these teams whose task is open, the earliest due first (at most 200). */
export async function openFollowUpsOfTeams(db: Kysely<DB>, teamIds: readonly string[]) {
  if (teamIds.length === 0) return [];
  return db
    .selectFrom('crisis_follow_ups')
    .innerJoin('tasks', 'tasks.id', 'crisis_follow_ups.task_id')
    .select([
      'crisis_follow_ups.id',
      'crisis_follow_ups.person_id',
      'crisis_follow_ups.team_id',
      'crisis_follow_ups.discharged_from',
      'crisis_follow_ups.discharged_at',
      'crisis_follow_ups.due_at',
      'crisis_follow_ups.task_id',
      'crisis_follow_ups.escalated_at',
    ])
    .where('crisis_follow_ups.team_id', 'in', teamIds)
    .where('tasks.status', '=', 'open')
    .orderBy('crisis_follow_ups.due_at')
    .limit(200)
    .execute();
}

/** Follow-ups of these people that these teams still have to make (open task): the person source's involvement. */
export async function openFollowUpsOfPeople(db: Kysely<DB>, personIds: readonly string[], teamIds: readonly string[]) {
  if (personIds.length === 0 || teamIds.length === 0) return [];
  return db
    .selectFrom('crisis_follow_ups')
    .innerJoin('tasks', 'tasks.id', 'crisis_follow_ups.task_id')
    .select(['crisis_follow_ups.team_id', 'crisis_follow_ups.due_at'])
    .where('crisis_follow_ups.person_id', 'in', personIds)
    .where('crisis_follow_ups.team_id', 'in', teamIds)
    .where('tasks.status', '=', 'open')
    .execute();
}

/** Every follow-up of these people, for their timeline. */
export async function followUpsOfPeople(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db.selectFrom('crisis_follow_ups').select(['person_id', 'discharged_from', 'discharged_at', 'due_at']).where('person_id', 'in', personIds).execute();
}

/**
 * A follow-up already made for a discharge of this person from an inpatient admission within `hours`
 * of this one: the same discharge recorded twice (on the episode page and in the trust's discharge list).
 */
export async function admissionFollowUpNear(db: Kysely<DB>, personId: string, dischargedAt: Date, hours: number) {
  const span = hours * 3_600_000;
  return db
    .selectFrom('crisis_follow_ups')
    .select(['id', 'task_id', 'due_at', 'source_id'])
    .where('person_id', '=', personId)
    .where('discharged_from', '=', 'admission')
    .where('discharged_at', '>=', new Date(dischargedAt.getTime() - span).toISOString())
    .where('discharged_at', '<=', new Date(dischargedAt.getTime() + span).toISOString())
    .orderBy('discharged_at')
    .executeTakeFirst();
}
