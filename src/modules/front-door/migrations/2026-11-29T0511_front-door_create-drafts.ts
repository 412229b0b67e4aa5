// Answers to the "Get help" journey while it is being filled in, keyed by the SHA-256 of a random
// cookie value. No sign-in is needed, it works without JavaScript, and the answers are deleted once
// submitted (only the request id stays, for the confirmation page) or after 24 hours.
import type { Kysely } from 'kysely';
import { columnTypes } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('front_door_drafts')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('answers', t.json, (c) => c.notNull())
    .addColumn('submitted_request_id', t.id, (c) => c.references('requests.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('front_door_drafts_expiry_idx').on('front_door_drafts').column('expires_at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('front_door_drafts').execute();
}
