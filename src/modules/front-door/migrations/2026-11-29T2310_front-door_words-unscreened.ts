// Words the risk phrases could not read (hazard H8): a request written in another language or
// alphabet is marked, brought forward to urgent at least, and shown as "not screened for risk" in the
// queue and on its page, so nobody takes "no risk flagged" for "no risk". The queue's covering index
// (2026-11-29T0900) is made again with the new column, so the queue page still reads the index alone.
import { expressionBuilder, type Kysely } from 'kysely';
import { columnTypes, oneOf } from '../../../platform/db/dialect/types.ts';

const QUEUE_COLUMNS = [
  'contact_target_at',
  'id',
  'team_id',
  'urgency',
  'owner_user_id',
  'source',
  'need_group',
  'status',
  'escalated_at',
  'first_contact_at',
  'created_at',
  'reference',
  'risk_level',
  'failed_attempts',
  'person_id',
];

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
async function queueIndex(db: Kysely<any>, columns: string[]): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  const eb = expressionBuilder<any, any>();
  await db.schema.dropIndex('requests_queue_idx').execute();
  await db.schema
    .createIndex('requests_queue_idx')
    .on('requests')
    .expression(eb.parens(eb('first_contact_at', 'is not', null)))
    .columns(columns)
    .where('status', '<>', 'closed')
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .alterTable('requests')
    .addColumn('words_unscreened', t.flag, (c) => c.notNull().defaultTo(0).check(oneOf('words_unscreened', ['0', '1'])))
    .execute();
  await queueIndex(db, [...QUEUE_COLUMNS, 'words_unscreened']);
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await queueIndex(db, QUEUE_COLUMNS);
  await db.schema.alterTable('requests').dropColumn('words_unscreened').execute();
}
