// The front door: requests for help, contact attempts, triage notes, the timeline of each request,
// breaches of contact targets, referrals to partner services, and API idempotency keys.
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf, requiredWith } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('requests')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('team_id', t.id, (c) => c.references('teams.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('referrer_user_id', t.id, (c) => c.references('users.id'))
    .addColumn('referrer', t.json)
    .addColumn('person_agreed', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('story', 'text', (c) => c.notNull())
    .addColumn('what_would_help', 'text')
    .addColumn('consent_to_share', t.flag, (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull())
    .addColumn('risk_level', 'text', (c) => c.notNull())
    .addColumn('risk_flags', t.json)
    .addColumn('need_group', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('owner_user_id', t.id, (c) => c.references('users.id'))
    .addColumn('contact_target_at', t.timestamp, (c) => c.notNull())
    .addColumn('first_contact_at', t.timestamp)
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('escalated_at', t.timestamp)
    .addColumn('decision', 'text')
    .addColumn('decision_detail', t.json)
    .addColumn('outcome', 'text')
    .addColumn('closed_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addCheckConstraint('requests_source', oneOf('source', ['self', 'family-or-friend', 'professional', 'champion']))
    .addCheckConstraint('requests_urgency', oneOf('urgency', ['crisis', 'urgent', 'routine']))
    .addCheckConstraint('requests_status', oneOf('status', ['received', 'contacted', 'arranging', 'closed']))
    .addCheckConstraint('requests_need_group', oneOf('need_group', ['getting-advice', 'getting-help', 'getting-more-help', 'getting-risk-support']))
    // A request never closes without a recorded outcome (hazard H1).
    .addCheckConstraint('requests_closed_has_outcome', requiredWith('closed_at', 'outcome'))
    .execute();
  // The queue: open requests by time left to their target.
  await db.schema.createIndex('requests_open_by_target_idx').on('requests').columns(['status', 'contact_target_at']).execute();
  await db.schema.createIndex('requests_person_idx').on('requests').column('person_id').execute();

  await db.schema
    .createTable('request_contact_attempts')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('request_id', t.id, (c) => c.notNull().references('requests.id'))
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .addColumn('by_user_id', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addCheckConstraint('request_contact_attempts_method', oneOf('method', ['phone', 'sms', 'email', 'letter', 'in-person']))
    .addCheckConstraint('request_contact_attempts_result', oneOf('result', ['reached', 'no-answer', 'message-left', 'wrong-number']))
    .execute();
  await db.schema.createIndex('request_contact_attempts_request_idx').on('request_contact_attempts').column('request_id').execute();

  await db.schema
    .createTable('request_events')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('request_id', t.id, (c) => c.notNull().references('requests.id'))
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .addColumn('actor_user_id', t.id, (c) => c.references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('detail', t.json)
    .execute();
  await db.schema.createIndex('request_events_request_idx').on('request_events').columns(['request_id', 'at']).execute();

  await db.schema
    .createTable('request_breaches')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('request_id', t.id, (c) => c.notNull().references('requests.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target_at', t.timestamp, (c) => c.notNull())
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .addColumn('team_id', t.id, (c) => c.references('teams.id'))
    .addColumn('reviewed_by', t.id, (c) => c.references('users.id'))
    .addColumn('reviewed_at', t.timestamp)
    .addColumn('review_note', 'text')
    .addCheckConstraint('request_breaches_kind', oneOf('kind', ['warning', 'breach']))
    .execute();
  // Exactly once per breach: one warning and one breach per request at the most.
  await db.schema.createIndex('request_breaches_once').on('request_breaches').columns(['request_id', 'kind']).unique().execute();

  await db.schema
    .createTable('referrals')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('request_id', t.id, (c) => c.references('requests.id'))
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('referred_by', t.id, (c) => c.references('users.id'))
    .addColumn('reason', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('status_note', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addCheckConstraint('referrals_status', oneOf('status', ['sent', 'accepted', 'declined', 'completed', 'withdrawn']))
    .execute();
  await db.schema.createIndex('referrals_service_idx').on('referrals').columns(['service_id', 'status']).execute();
  await db.schema.createIndex('referrals_person_idx').on('referrals').column('person_id').execute();

  await db.schema
    .createTable('api_idempotency_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', t.json, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['api_idempotency_keys', 'referrals', 'request_breaches', 'request_events', 'request_contact_attempts', 'requests']) {
    await db.schema.dropTable(table).execute();
  }
}
