// The rows of DIALOG-style reviews (issue 5, item 5): SQL only. The rules (who may, what is checked,
// what is audited) are in reviews.ts.
import type { Kysely } from 'kysely';
import { newId } from '../../platform/db/ids.ts';
import type { CareReviewsTable, DB } from '../../platform/db/tables.ts';

export interface NewReview {
  coordinationId: string;
  personId: string;
  reviewedAt: Date;
  enteredBy: string;
  enteredByRole: string;
  teamId: string | null;
  comment: string | null;
  itemsVersion: string;
  privacyLabel: CareReviewsTable['privacy_label'];
  ratings: readonly { itemKey: string; rating: number; wantsMoreHelp: boolean }[];
  at: Date;
}

export async function insertReview(tx: Kysely<DB>, r: NewReview): Promise<string> {
  const id = newId();
  await tx
    .insertInto('care_reviews')
    .values({
      id,
      coordination_id: r.coordinationId,
      person_id: r.personId,
      reviewed_at: r.reviewedAt.toISOString(),
      entered_by: r.enteredBy,
      entered_by_role: r.enteredByRole,
      team_id: r.teamId,
      comment: r.comment,
      items_version: r.itemsVersion,
      privacy_label: r.privacyLabel,
      created_at: r.at.toISOString(),
    })
    .execute();
  if (r.ratings.length > 0) {
    await tx
      .insertInto('care_review_ratings')
      .values(r.ratings.map((x) => ({ id: newId(), review_id: id, item_key: x.itemKey, rating: x.rating, wants_more_help: x.wantsMoreHelp ? 1 : 0 })))
      .execute();
  }
  return id;
}

export interface ReviewRow {
  id: string;
  coordination_id: string;
  person_id: string;
  reviewed_at: string;
  entered_by: string;
  entered_by_role: string;
  entered_by_name: string | null;
  team_id: string | null;
  team_name: string | null;
  comment: string | null;
  items_version: string;
  privacy_label: CareReviewsTable['privacy_label'];
  created_at: string;
  ratings: { item_key: string; rating: number; wants_more_help: boolean }[];
}

/** Reviews of these coordinations, or about these records of a person, oldest first, each with its ratings. */
export async function reviewsOf(db: Kysely<DB>, by: { coordinationIds: readonly string[] } | { personIds: readonly string[] }): Promise<ReviewRow[]> {
  const ids = 'coordinationIds' in by ? by.coordinationIds : by.personIds;
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('care_reviews')
    .leftJoin('users', 'users.id', 'care_reviews.entered_by')
    .leftJoin('teams', 'teams.id', 'care_reviews.team_id')
    .select([
      'care_reviews.id',
      'care_reviews.coordination_id',
      'care_reviews.person_id',
      'care_reviews.reviewed_at',
      'care_reviews.entered_by',
      'care_reviews.entered_by_role',
      'users.display_name as entered_by_name',
      'care_reviews.team_id',
      'teams.name as team_name',
      'care_reviews.comment',
      'care_reviews.items_version',
      'care_reviews.privacy_label',
      'care_reviews.created_at',
    ])
    .where('coordinationIds' in by ? 'care_reviews.coordination_id' : 'care_reviews.person_id', 'in', [...ids])
    .orderBy('care_reviews.reviewed_at')
    .orderBy('care_reviews.created_at')
    .execute();
  if (rows.length === 0) return [];
  const ratings = await db
    .selectFrom('care_review_ratings')
    .select(['review_id', 'item_key', 'rating', 'wants_more_help'])
    .where(
      'review_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  const byReview = new Map<string, ReviewRow['ratings']>();
  for (const r of ratings) {
    const list = byReview.get(r.review_id) ?? [];
    list.push({ item_key: r.item_key, rating: Number(r.rating), wants_more_help: Number(r.wants_more_help) === 1 });
    byReview.set(r.review_id, list);
  }
  return rows.map((r) => ({ ...r, ratings: byReview.get(r.id) ?? [] }));
}

/** For the timeline: each review about these records, with who entered it. */
export async function reviewEntriesOf(db: Kysely<DB>, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('care_reviews')
    .leftJoin('users', 'users.id', 'care_reviews.entered_by')
    .select(['care_reviews.id', 'care_reviews.coordination_id', 'care_reviews.person_id', 'care_reviews.reviewed_at', 'care_reviews.entered_by_role', 'users.display_name as entered_by_name'])
    .where('care_reviews.person_id', 'in', [...personIds])
    .execute();
}

/** A team's opening hours (JSON, as stored) and name, for when its task about a person's own review is due. */
export async function teamForReviewTask(db: Kysely<DB>, teamId: string) {
  return db.selectFrom('teams').select(['id', 'name', 'opening_hours']).where('id', '=', teamId).executeTakeFirst();
}
