// The outbox: SMS and email written in the same transaction as the change that causes them.
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf } from '../dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('outbox_messages')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull().check(oneOf('channel', ['sms', 'email'])))
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('personalisation', t.json, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(oneOf('status', ['pending', 'sending', 'sent', 'failed'])))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('provider_reference', 'text')
    .addColumn('dedupe_key', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('sent_at', t.timestamp)
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('outbox_messages_dedupe_key_unique').on('outbox_messages').column('dedupe_key').unique().execute();
  await db.schema.createIndex('outbox_messages_created_idx').on('outbox_messages').column('created_at').execute();
  await db.schema.createIndex('outbox_messages_recipient_idx').on('outbox_messages').column('recipient').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox_messages').execute();
}
