// People: the person a request, referral, plan or crisis episode is about. The front door creates them;
// the person capability (issue 5) adds the network, consent and the person's own view.
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('people')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('given_name', 'text', (c) => c.notNull())
    .addColumn('family_name', 'text', (c) => c.notNull())
    .addColumn('date_of_birth', 'text', (c) => c.notNull())
    .addColumn('postcode', 'text')
    .addColumn('nhs_number', 'text')
    .addColumn('phone', 'text')
    .addColumn('email', 'text')
    .addColumn('address', 'text')
    .addColumn('preferred_language', 'text')
    .addColumn('interpreter_needed', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('access_needs', 'text')
    .addColumn('contact_preferences', t.json)
    .addColumn('equality', t.json)
    // lower(given)|lower(family)|date of birth|postcode: finds possible duplicates with one index lookup.
    .addColumn('match_key', 'text', (c) => c.notNull())
    .addColumn('merged_into_id', t.id, (c) => c.references('people.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .execute();
  // One record per NHS number; several people may have none.
  await db.schema.createIndex('people_nhs_number_unique').on('people').column('nhs_number').unique().execute();
  await db.schema.createIndex('people_match_key_idx').on('people').column('match_key').execute();

  await db.schema
    .createTable('person_duplicate_candidates')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('candidate_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('decided_by', t.id, (c) => c.references('users.id'))
    .addColumn('decided_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addCheckConstraint('person_duplicate_candidates_status', oneOf('status', ['open', 'confirmed', 'rejected']))
    .execute();
  await db.schema.createIndex('person_duplicate_candidates_person_idx').on('person_duplicate_candidates').columns(['person_id', 'status']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('person_duplicate_candidates').execute();
  await db.schema.dropTable('people').execute();
}
