// Care coordination (issue 5, item 4): a team coordinates a person's care, opened from a front door
// decision or directly from the person record, with a key worker and a care team; closed with a
// reason. An open coordination makes its team involved with the person (people module, item 9).
// - `care_coordinations`: one row a coordination; `version` counts changes (optimistic concurrency).
//   At most one open coordination per person and team (a partial unique index; the store checks first).
// - `care_team_members`: who is in the care team; removing a member sets `removed_at` (kept for history).
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf, requiredWith } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('care_coordinations')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('team_id', t.id, (c) => c.notNull().references('teams.id'))
    .addColumn('key_worker_id', t.id, (c) => c.references('users.id'))
    // The front door request it came from, when it came from a decision (not a foreign key: modules keep their own tables).
    .addColumn('request_id', t.id)
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('opened_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('opened_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('closed_at', t.timestamp)
    .addColumn('closed_by', t.id, (c) => c.references('users.id'))
    .addColumn('close_reason', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('care_coordinations_status', oneOf('status', ['open', 'closed']))
    .addCheckConstraint('care_coordinations_closed_has_by', requiredWith('closed_at', 'closed_by'))
    .addCheckConstraint('care_coordinations_closed_has_reason', requiredWith('closed_at', 'close_reason'))
    .execute();
  // "Is this team involved with this person?" and the person's coordinations.
  await db.schema.createIndex('care_coordinations_person_idx').on('care_coordinations').columns(['person_id', 'status', 'team_id']).execute();
  // A team's open coordinations (caseloads), a key worker's people.
  await db.schema.createIndex('care_coordinations_team_idx').on('care_coordinations').columns(['team_id', 'status']).execute();
  await db.schema.createIndex('care_coordinations_key_worker_idx').on('care_coordinations').columns(['key_worker_id', 'status']).execute();
  await db.schema.createIndex('care_coordinations_request_idx').on('care_coordinations').column('request_id').execute();
  // One open coordination a person and team, whatever races (the store checks first, to answer with a message).
  await db.schema.createIndex('care_coordinations_one_open').on('care_coordinations').columns(['person_id', 'team_id'] as string[]).unique().where('status', '=', 'open').execute();

  await db.schema
    .createTable('care_team_members')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('coordination_id', t.id, (c) => c.notNull().references('care_coordinations.id'))
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id'))
    // In words: 'key worker', 'psychiatrist', 'peer worker', 'social worker', …
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('added_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('added_by', t.id, (c) => c.references('users.id'))
    .addColumn('removed_at', t.timestamp)
    .addColumn('removed_by', t.id, (c) => c.references('users.id'))
    .execute();
  await db.schema.createIndex('care_team_members_coordination_idx').on('care_team_members').columns(['coordination_id', 'removed_at']).execute();
  await db.schema.createIndex('care_team_members_user_idx').on('care_team_members').columns(['user_id', 'removed_at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('care_team_members').execute();
  await db.schema.dropTable('care_coordinations').execute();
}
