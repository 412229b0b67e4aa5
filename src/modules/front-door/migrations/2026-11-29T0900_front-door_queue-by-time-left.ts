// The queue page (issue 4: 5,000 open requests, p95 under 50 ms) reads one page of open requests
// in order and counts them, from this index alone:
// - partial: only open requests, so it stays as small as the queue while closed requests pile up;
// - ordered as the queue is: those still waiting for a first contact first, then by contact target
//   (time left), then id, so a page is a walk of the index that stops after 50 rows, with no sort;
// - covering: the filters (team, urgency, owner, source, need group, status, missed target) and
//   every column the list shows are in it, so skipping rows and counting never read the table (on
//   SQLite, whose rows keep the story, up to 5,000 characters, before these columns).
// It replaces the index on (status, contact_target_at), which neither skipped closed requests nor
// served the order.
import { expressionBuilder, type Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  const eb = expressionBuilder<any, any>();
  await db.schema
    .createIndex('requests_queue_idx')
    .on('requests')
    .expression(eb.parens(eb('first_contact_at', 'is not', null)))
    .columns([
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
    ])
    .where('status', '<>', 'closed')
    .execute();
  await db.schema.dropIndex('requests_open_by_target_idx').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('requests_open_by_target_idx').on('requests').columns(['status', 'contact_target_at']).execute();
  await db.schema.dropIndex('requests_queue_idx').execute();
}
