// Rows the crisis measures are counted from (measures.ts), each for a period [from, to) and, when
// `teamIds` is given, only those crisis teams (null: the whole alliance). Only the columns a count
// needs: never a name, a reference or a person's id.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/tables.ts';

/** Episodes whose first contact fell in the period. */
export async function episodesFirstContactIn(db: Kysely<DB>, from: string, to: string, teamIds: readonly string[] | null) {
  let q = db.selectFrom('crisis_episodes').select(['priority', 'first_contact_at', 'responded_at', 'target_at', 'status']).where('first_contact_at', '>=', from).where('first_contact_at', '<', to);
  if (teamIds) q = q.where('team_id', 'in', teamIds);
  return q.execute();
}

/** Outcomes of the episodes closed in the period. */
export async function episodeOutcomesClosedIn(db: Kysely<DB>, from: string, to: string, teamIds: readonly string[] | null) {
  let q = db.selectFrom('crisis_episodes').select(['outcome']).where('closed_at', '>=', from).where('closed_at', '<', to);
  if (teamIds) q = q.where('team_id', 'in', teamIds);
  return q.execute();
}

/** Admissions to places in the period, by the place's kind, and the episode each came from (if any). */
export async function placeAdmissionsIn(db: Kysely<DB>, from: string, to: string, teamIds: readonly string[] | null) {
  let q = db
    .selectFrom('crisis_place_holds')
    .innerJoin('crisis_places', 'crisis_places.id', 'crisis_place_holds.place_id')
    .select(['crisis_places.kind', 'crisis_place_holds.episode_id'])
    .where('crisis_place_holds.admitted_at', '>=', from)
    .where('crisis_place_holds.admitted_at', '<', to);
  if (teamIds) q = q.where((w) => w.or([w('crisis_place_holds.team_id', 'in', teamIds), w('crisis_place_holds.episode_id', 'in', w.selectFrom('crisis_episodes').select('id').where('team_id', 'in', teamIds))]));
  return q.execute();
}

/** Follow-ups due in the period, with their task's status and when it was finished. */
export async function followUpsDueIn(db: Kysely<DB>, from: string, to: string, teamIds: readonly string[] | null) {
  let q = db
    .selectFrom('crisis_follow_ups')
    .innerJoin('tasks', 'tasks.id', 'crisis_follow_ups.task_id')
    .select(['crisis_follow_ups.due_at', 'tasks.status', 'tasks.finished_at'])
    .where('crisis_follow_ups.due_at', '>=', from)
    .where('crisis_follow_ups.due_at', '<', to);
  if (teamIds) q = q.where('crisis_follow_ups.team_id', 'in', teamIds);
  return q.execute();
}

/** Answers (or none yet) to the feedback requests sent in the period. */
export async function feedbackAnswersAskedIn(db: Kysely<DB>, from: string, to: string, teamIds: readonly string[] | null) {
  let q = db
    .selectFrom('crisis_feedback')
    .innerJoin('crisis_episodes', 'crisis_episodes.id', 'crisis_feedback.episode_id')
    .select(['crisis_feedback.answer'])
    .where('crisis_feedback.asked_at', '>=', from)
    .where('crisis_feedback.asked_at', '<', to);
  if (teamIds) q = q.where('crisis_episodes.team_id', 'in', teamIds);
  return q.execute();
}
