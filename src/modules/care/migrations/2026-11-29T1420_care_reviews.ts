// DIALOG-style reviews (issue 5, item 5): at each review of a coordination the person rates areas of
// their life and their care from 1 to 7 and says where they want more help.
// - `care_reviews`: one row a review, about the coordination's person; who entered it (the person in
//   their portal, or a practitioner with them), the version of the item wording used, and the privacy
//   label that decides which network members may see it.
// - `care_review_ratings`: one row an item of a review (by the item's key in dialog-items.json).
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf } from '../../../platform/db/dialect/types.ts';

const LABELS = ['general', 'mental-health', 'social-care', 'safety-plan'];

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('care_reviews')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('coordination_id', t.id, (c) => c.notNull().references('care_coordinations.id'))
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('reviewed_at', t.timestamp, (c) => c.notNull())
    .addColumn('entered_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('entered_by_role', 'text', (c) => c.notNull())
    .addColumn('team_id', t.id, (c) => c.references('teams.id'))
    .addColumn('comment', 'text')
    .addColumn('items_version', 'text', (c) => c.notNull())
    .addColumn('privacy_label', 'text', (c) => c.notNull().defaultTo('mental-health'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addCheckConstraint('care_reviews_privacy_label', oneOf('privacy_label', LABELS))
    .execute();
  await db.schema.createIndex('care_reviews_coordination_idx').on('care_reviews').columns(['coordination_id', 'reviewed_at']).execute();
  await db.schema.createIndex('care_reviews_person_idx').on('care_reviews').columns(['person_id', 'reviewed_at']).execute();

  await db.schema
    .createTable('care_review_ratings')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('review_id', t.id, (c) => c.notNull().references('care_reviews.id'))
    .addColumn('item_key', 'text', (c) => c.notNull())
    .addColumn('rating', 'integer', (c) => c.notNull())
    .addColumn('wants_more_help', t.flag, (c) => c.notNull())
    .addCheckConstraint('care_review_ratings_rating', oneOf('rating', ['1', '2', '3', '4', '5', '6', '7']))
    .addCheckConstraint('care_review_ratings_help', oneOf('wants_more_help', ['0', '1']))
    .execute();
  await db.schema.createIndex('care_review_ratings_review_item_idx').on('care_review_ratings').columns(['review_id', 'item_key']).unique().execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('care_review_ratings').execute();
  await db.schema.dropTable('care_reviews').execute();
}
