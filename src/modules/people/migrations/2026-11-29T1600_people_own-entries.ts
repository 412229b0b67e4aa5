// The person's own entries (issue 5, item 3): what the person writes in their own words from the
// portal, shown to them and, on the record's timeline, to practitioners who may see the person.
// - `person_entries`: one row an entry; never changed (a new entry instead), so no version column.
//   `written_by` is the person's own account.
import type { Kysely } from 'kysely';
import { columnTypes } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('person_entries')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('written_at', t.timestamp, (c) => c.notNull())
    .addColumn('written_by', t.id, (c) => c.notNull().references('users.id'))
    .execute();
  await db.schema.createIndex('person_entries_person_idx').on('person_entries').columns(['person_id', 'written_at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('person_entries').execute();
}
