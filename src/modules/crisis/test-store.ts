// Queries only the crisis module's tests use (test support: nothing in the app imports this file).
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/tables.ts';

/** Messages of a kind queued to a recipient. */
export async function outboxMessagesTo(db: Kysely<DB>, to: string, kind: string) {
  return db.selectFrom('outbox_messages').select(['id', 'personalisation', 'person_id']).where('recipient', '=', to).where('kind', '=', kind).execute();
}
