// Tasks (issue 5, item 8): one table for every piece of work with an owner and a date, whichever
// module made it: an action of a shared plan, a network meeting's follow-up, a withheld note for a
// lead to confirm, a follow-up within 72 hours of a crisis discharge (issue 6). A task belongs to a
// team, may name one person who does it (otherwise it is the team's), and may be about a person.
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf, requiredWith } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('tasks')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('team_id', t.id, (c) => c.notNull().references('teams.id'))
    .addColumn('assignee_id', t.id, (c) => c.references('users.id'))
    .addColumn('person_id', t.id, (c) => c.references('people.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('due_at', t.timestamp)
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_kind', 'text', (c) => c.notNull())
    .addColumn('source_id', t.id)
    .addColumn('created_by', t.id, (c) => c.references('users.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('finished_by', t.id, (c) => c.references('users.id'))
    .addColumn('finished_at', t.timestamp)
    .addColumn('finish_note', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('tasks_status', oneOf('status', ['open', 'done', 'cancelled']))
    .addCheckConstraint('tasks_finished_has_by', requiredWith('finished_at', 'finished_by'))
    .execute();
  // "My tasks" and "team tasks": open first, the earliest due first.
  await db.schema.createIndex('tasks_assignee_idx').on('tasks').columns(['assignee_id', 'status', 'due_at']).execute();
  await db.schema.createIndex('tasks_team_idx').on('tasks').columns(['team_id', 'status', 'due_at']).execute();
  await db.schema.createIndex('tasks_person_idx').on('tasks').columns(['person_id', 'status']).execute();
  await db.schema.createIndex('tasks_source_idx').on('tasks').columns(['source', 'source_kind', 'source_id']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('tasks').execute();
}
