// Durable timers, run by the worker inside the server process (src/platform/jobs/).
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf } from '../dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('timers')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('due_at', t.timestamp, (c) => c.notNull())
    .addColumn('payload', t.json, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending').check(oneOf('status', ['pending', 'running', 'done', 'failed'])))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('locked_by', 'text')
    .addColumn('locked_until', t.timestamp)
    .addColumn('dedupe_key', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('done_at', t.timestamp)
    .execute();
  // NULLs never collide, so only timers that name a key are deduplicated.
  await db.schema.createIndex('timers_dedupe_key_unique').on('timers').column('dedupe_key').unique().execute();
  // The worker's question: which timers are due (pending by due_at; running by lease expiry)?
  await db.schema.createIndex('timers_status_due_idx').on('timers').columns(['status', 'due_at']).execute();
  await db.schema.createIndex('timers_status_locked_idx').on('timers').columns(['status', 'locked_until']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('timers').execute();
}
