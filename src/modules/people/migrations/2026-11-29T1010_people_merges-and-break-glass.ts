// The person record (issue 5, items 1 and 9):
// - `person_merges`: a merge keeps history and is reversible. The merged record points at the one
//   kept (`people.merged_into_id`); nothing else moves. Each merge is a row here, and undoing it sets
//   `unmerged_at` on the row and clears the pointer. Nothing is deleted.
// - `people.version`: counts changes to a record, so a form opened before someone else's change
//   cannot overwrite it (the timestamp alone cannot tell two changes in one millisecond apart).
// - `person_duplicate_candidates.decision_note`: how the practitioner checked, when they decided.
// - `break_glass_grants`: access to a person without an involvement, with the written reason, for 24
//   hours; flagged to the team lead, reviewed with a note, and kept so the person can see it.
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf, requiredWith } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('people').addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('person_duplicate_candidates').addColumn('decision_note', 'text').execute();
  // "Is anyone merged into this record?": the record page and the walk down the merge tree.
  await db.schema.createIndex('people_merged_into_idx').on('people').column('merged_into_id').execute();
  await db.schema.createIndex('person_duplicate_candidates_candidate_idx').on('person_duplicate_candidates').columns(['candidate_id', 'status']).execute();

  await db.schema
    .createTable('person_merges')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('merged_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('survivor_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('duplicate_candidate_id', t.id, (c) => c.references('person_duplicate_candidates.id'))
    .addColumn('merged_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('merged_at', t.timestamp, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('unmerged_by', t.id, (c) => c.references('users.id'))
    .addColumn('unmerged_at', t.timestamp)
    .addColumn('unmerge_reason', 'text')
    .addCheckConstraint('person_merges_unmerge_has_reason', requiredWith('unmerged_at', 'unmerge_reason'))
    .execute();
  await db.schema.createIndex('person_merges_merged_idx').on('person_merges').column('merged_id').execute();
  await db.schema.createIndex('person_merges_survivor_idx').on('person_merges').column('survivor_id').execute();

  await db.schema
    .createTable('break_glass_grants')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('team_id', t.id, (c) => c.references('teams.id'))
    .addColumn('organisation_id', t.id, (c) => c.notNull().references('organisations.id'))
    .addColumn('reason_kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('granted_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('reviewed_by', t.id, (c) => c.references('users.id'))
    .addColumn('reviewed_at', t.timestamp)
    .addColumn('review_note', 'text')
    .addCheckConstraint('break_glass_grants_reason_kind', oneOf('reason_kind', ['urgent-care', 'safeguarding', 'joining-care', 'other']))
    .addCheckConstraint('break_glass_grants_review_has_note', requiredWith('reviewed_at', 'review_note'))
    .execute();
  // "May this user see this person now?" and "what emergency access was there to my record?".
  await db.schema.createIndex('break_glass_grants_person_idx').on('break_glass_grants').columns(['person_id', 'user_id', 'expires_at']).execute();
  // The team lead's review list: unreviewed first.
  await db.schema.createIndex('break_glass_grants_review_idx').on('break_glass_grants').columns(['organisation_id', 'reviewed_at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('break_glass_grants').execute();
  await db.schema.dropTable('person_merges').execute();
  await db.schema.dropIndex('person_duplicate_candidates_candidate_idx').execute();
  await db.schema.dropIndex('people_merged_into_idx').execute();
  await db.schema.alterTable('person_duplicate_candidates').dropColumn('decision_note').execute();
  await db.schema.alterTable('people').dropColumn('version').execute();
}
