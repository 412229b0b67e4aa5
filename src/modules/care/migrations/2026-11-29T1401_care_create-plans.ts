// The shared plan (issue 5, item 4): what matters to the person, their strengths, goals in their own
// words, actions (who, what, by when: each a task), what to do if things get worse, and a review date.
// - `care_plans`: one a coordination, made when the coordination opens (version 0: nothing written
//   yet). `version` is the plan's current version: a save names the version its form was opened at
//   and is refused when another save came first (nothing is overwritten). `privacy_label` says which
//   network members may see it (people module, item 2); `review_date` is the next review.
// - `care_plan_versions`: every save makes a new row that is never changed: the whole plan as saved
//   (the actions as JSON), who saved it, when, and which parts changed.
// - `care_plan_actions`: the plan's actions as they are now, each with its task (tasks table).
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf, requiredWith } from '../../../platform/db/dialect/types.ts';

const LABELS = ['general', 'mental-health', 'social-care', 'safety-plan'];

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('care_plans')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('coordination_id', t.id, (c) => c.notNull().unique().references('care_coordinations.id'))
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('privacy_label', 'text', (c) => c.notNull().defaultTo('mental-health'))
    // YYYY-MM-DD, a London date.
    .addColumn('review_date', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addCheckConstraint('care_plans_privacy_label', oneOf('privacy_label', LABELS))
    .execute();
  await db.schema.createIndex('care_plans_person_idx').on('care_plans').column('person_id').execute();
  // "Reviews due": caseloads and the review reminder.
  await db.schema.createIndex('care_plans_review_idx').on('care_plans').column('review_date').execute();

  await db.schema
    .createTable('care_plan_versions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('plan_id', t.id, (c) => c.notNull().references('care_plans.id'))
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('what_matters', 'text', (c) => c.notNull())
    .addColumn('strengths', 'text', (c) => c.notNull())
    .addColumn('goals', 'text', (c) => c.notNull())
    .addColumn('if_worse', 'text', (c) => c.notNull())
    .addColumn('review_date', 'text')
    .addColumn('privacy_label', 'text', (c) => c.notNull())
    // JSON: the actions as they were after this save ([{ id, what, who, assigneeId, assigneeName, dueOn, status }]).
    .addColumn('actions', t.json, (c) => c.notNull())
    // JSON: the parts that changed from the previous version, in words (["What matters to me", "Actions"]).
    .addColumn('changes', t.json, (c) => c.notNull())
    // What the person saving said about the change (optional).
    .addColumn('note', 'text')
    .addColumn('saved_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('saved_at', t.timestamp, (c) => c.notNull())
    .addCheckConstraint('care_plan_versions_privacy_label', oneOf('privacy_label', LABELS))
    .execute();
  await db.schema.createIndex('care_plan_versions_plan_version_unique').on('care_plan_versions').columns(['plan_id', 'version']).unique().execute();
  await db.schema.createIndex('care_plan_versions_person_idx').on('care_plan_versions').column('person_id').execute();

  await db.schema
    .createTable('care_plan_actions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('plan_id', t.id, (c) => c.notNull().references('care_plans.id'))
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('what', 'text', (c) => c.notNull())
    // Who does it, in words ("Jordan", "Sam from the team", "Jordan's sister").
    .addColumn('who', 'text', (c) => c.notNull())
    // The member of staff whose task it is; null: the key worker follows it up.
    .addColumn('assignee_id', t.id, (c) => c.references('users.id'))
    // YYYY-MM-DD, a London date.
    .addColumn('due_on', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('task_id', t.id, (c) => c.references('tasks.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('finished_at', t.timestamp)
    .addColumn('finished_by', t.id, (c) => c.references('users.id'))
    .addCheckConstraint('care_plan_actions_status', oneOf('status', ['open', 'done', 'removed']))
    .addCheckConstraint('care_plan_actions_finished_has_by', requiredWith('finished_at', 'finished_by'))
    .execute();
  await db.schema.createIndex('care_plan_actions_plan_idx').on('care_plan_actions').columns(['plan_id', 'status', 'position']).execute();
  await db.schema.createIndex('care_plan_actions_person_idx').on('care_plan_actions').column('person_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('care_plan_actions').execute();
  await db.schema.dropTable('care_plan_versions').execute();
  await db.schema.dropTable('care_plans').execute();
}
