// Whether a network member's view of the care module has anything for them (people's
// `registerNetworkView({ shows })`): a view is listed only when the person has content of its label,
// so a friend who may see the safety plan only is not shown empty pages of plans, reviews or meetings.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/tables.ts';

type Label = 'general' | 'mental-health' | 'social-care' | 'safety-plan';

/** A plan of these records with this label and at least one saved version. */
export async function hasSharedPlan(db: Kysely<DB>, personIds: readonly string[], label: Label): Promise<boolean> {
  if (personIds.length === 0) return false;
  const row = await db.selectFrom('care_plans').select('id').where('person_id', 'in', personIds).where('privacy_label', '=', label).where('version', '>', 0).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** A review of these records with this label. */
export async function hasSharedReview(db: Kysely<DB>, personIds: readonly string[], label: Label): Promise<boolean> {
  if (personIds.length === 0) return false;
  const row = await db.selectFrom('care_reviews').select('id').where('person_id', 'in', personIds).where('privacy_label', '=', label).limit(1).executeTakeFirst();
  return row !== undefined;
}

/** For 'general': a meeting not cancelled (members see when and where); for another label: a meeting whose notes carry it. */
export async function hasSharedMeeting(db: Kysely<DB>, personIds: readonly string[], label: Label): Promise<boolean> {
  if (personIds.length === 0) return false;
  let q = db.selectFrom('care_meetings').select('id').where('person_id', 'in', personIds);
  q = label === 'general' ? q.where('status', '!=', 'cancelled') : q.where('notes_privacy_label', '=', label).where('notes_written_at', 'is not', null);
  return (await q.limit(1).executeTakeFirst()) !== undefined;
}
