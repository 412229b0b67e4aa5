// Safety plans (issue 6, item 4): one plan a person, written with them, and every save kept.
// - `safety_plans`: the plan of a person, with the number of its current version (`version`), so a
//   save made from an older version is refused rather than overwriting someone else's words.
// - `safety_plan_versions`: each save, whole (the seven steps as JSON), with who wrote it, in what
//   role and team, whether the person was there, and what changed. Nothing is updated or deleted.
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('safety_plans')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('updated_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .execute();
  // One plan a person record: two first saves at once cannot make two plans.
  await db.schema.createIndex('safety_plans_person_idx').on('safety_plans').column('person_id').unique().execute();

  await db.schema
    .createTable('safety_plan_versions')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('plan_id', t.id, (c) => c.notNull().references('safety_plans.id'))
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('content', t.json, (c) => c.notNull())
    .addColumn('change_note', 'text')
    .addColumn('written_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('written_by_role', 'text', (c) => c.notNull())
    .addColumn('written_by_team_id', t.id, (c) => c.references('teams.id'))
    .addColumn('with_person', t.flag, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .execute();
  await db.schema.createIndex('safety_plan_versions_plan_idx').on('safety_plan_versions').columns(['plan_id', 'version']).unique().execute();
  await db.schema.createIndex('safety_plan_versions_person_idx').on('safety_plan_versions').column('person_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('safety_plan_versions').execute();
  await db.schema.dropTable('safety_plans').execute();
}
