// The audit trail: append-only (triggers refuse UPDATE and DELETE) and hash-chained by seq.
import type { Kysely } from 'kysely';
import { createAppendOnlyTriggers, dropAppendOnlyTriggers } from '../dialect/append-only.ts';
import { columnTypes, oneOf } from '../dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('audit_events')
    .addColumn('seq', t.bigint, (c) => c.primaryKey())
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .addColumn('actor_user_id', t.id)
    .addColumn('actor_role', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('person_id', t.id)
    .addColumn('purpose', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull().check(oneOf('outcome', ['success', 'failure', 'denied'])))
    .addColumn('address', 'text')
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  // "Who looked at my record": a person's events, newest first.
  await db.schema.createIndex('audit_events_person_idx').on('audit_events').columns(['person_id', 'seq']).execute();
  await db.schema.createIndex('audit_events_entity_idx').on('audit_events').columns(['entity_type', 'entity_id']).execute();
  await createAppendOnlyTriggers(db, 'audit_events');
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await dropAppendOnlyTriggers(db, 'audit_events');
  await db.schema.dropTable('audit_events').execute();
}
