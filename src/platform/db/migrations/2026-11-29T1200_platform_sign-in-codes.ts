// The person's portal (issue 5, item 3): people sign in with a one-time code sent by email or text.
// - `users.mobile`: a person account's UK mobile number (07…, no spaces), so "enter your email address
//   or mobile number" finds exactly one account. Unique where set.
// - `sign_in_codes`: one row per code asked for, whether or not the email or number has an account
//   (user_id null then, and nothing is sent), so both answers look and behave the same. Only a hash of
//   the code is kept; the browser holds a random token (its SHA-256 is `token_hash`) naming the row.
//   A code is good for 10 minutes, once, and dies after 5 wrong tries.
// - `outbox_messages.person_id`: the person a message was sent to, when it is to a person, so their
//   subject access export finds it without guessing from a shared phone number or email.
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf } from '../dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('users').addColumn('mobile', 'text').execute();
  await db.schema.createIndex('users_mobile_unique').on('users').column('mobile').unique().execute();
  await db.schema.createIndex('users_person_idx').on('users').column('person_id').execute();

  await db.schema
    .createTable('sign_in_codes')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('user_id', t.id, (c) => c.references('users.id'))
    /** SHA-256 of the normalised email or number typed, as sign_in_failures keeps it. */
    .addColumn('contact_hash', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(oneOf('channel', ['sms', 'email'])))
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('used_at', t.timestamp)
    .execute();
  await db.schema.createIndex('sign_in_codes_token_unique').on('sign_in_codes').column('token_hash').unique().execute();
  // "How many codes has this account been sent lately?" and clearing old rows.
  await db.schema.createIndex('sign_in_codes_user_idx').on('sign_in_codes').columns(['user_id', 'created_at']).execute();
  await db.schema.createIndex('sign_in_codes_created_idx').on('sign_in_codes').column('created_at').execute();

  await db.schema.alterTable('outbox_messages').addColumn('person_id', t.id).execute();
  await db.schema.createIndex('outbox_messages_person_idx').on('outbox_messages').column('person_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_messages_person_idx').execute();
  await db.schema.alterTable('outbox_messages').dropColumn('person_id').execute();
  await db.schema.dropTable('sign_in_codes').execute();
  await db.schema.dropIndex('users_person_idx').execute();
  await db.schema.dropIndex('users_mobile_unique').execute();
  await db.schema.alterTable('users').dropColumn('mobile').execute();
}
