// Referrals by signed-in professionals and champions.
// - `form_token_hash`: SHA-256 of the one-time token of the referral form that made the request, with
//   what the form said. Unique, so one form makes one request however often it is sent (a double
//   click, a refresh, a retry).
// - "Your referrals" lists a referrer's requests, newest first: the index answers it without reading
//   every request.
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('requests').addColumn('form_token_hash', 'text').execute();
  await db.schema.createIndex('requests_form_token_idx').on('requests').column('form_token_hash').unique().execute();
  await db.schema.createIndex('requests_referrer_idx').on('requests').columns(['referrer_user_id', 'created_at']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('requests_referrer_idx').execute();
  await db.schema.dropIndex('requests_form_token_idx').execute();
  await db.schema.alterTable('requests').dropColumn('form_token_hash').execute();
}
