// Server-side sessions and sign-in failure throttling (src/platform/auth/).
// A session row is keyed by the SHA-256 of its id: whoever reads the database cannot use a row to
// sign in (ASVS 5.0 V7.2). Failures are keyed by hashes of the email and of the address, so the table
// holds no email typed by anyone (ASVS 5.0 V6.3.1: throttling).
import type { Kysely } from 'kysely';
import { columnTypes, oneOf } from '../dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', t.id, (c) => c.notNull().references('users.id'))
    // mfa: password accepted, code still to come; enrol: setting up the authenticator; full: signed in.
    .addColumn('stage', 'text', (c) => c.notNull().check(oneOf('stage', ['mfa', 'enrol', 'full'])))
    // Where to go once signed in (a local path), kept between the password and the code.
    .addColumn('return_to', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('last_seen_at', t.timestamp, (c) => c.notNull())
    // The absolute end; the idle end is last_seen_at plus the configured minutes.
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
  await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

  await db.schema
    .createTable('sign_in_failures')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('email_hash', 'text', (c) => c.notNull())
    .addColumn('address_hash', 'text', (c) => c.notNull())
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sign_in_failures_email_idx').on('sign_in_failures').columns(['email_hash', 'at']).execute();
  await db.schema.createIndex('sign_in_failures_address_idx').on('sign_in_failures').columns(['address_hash', 'at']).execute();
  await db.schema.createIndex('sign_in_failures_at_idx').on('sign_in_failures').column('at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sign_in_failures').execute();
  await db.schema.dropTable('sessions').execute();
}
