// Live events (src/platform/realtime/): what changed on a live page (the crisis board), written in the
// unit of work of the change, so an event exists if and only if its change committed. The id is a
// counter assigned in commit order (on PostgreSQL under a transaction lock, see
// realtime/README.md), so "every event after id N" is exactly what a client that saw N missed:
// it is the server-sent event id a browser sends back in Last-Event-ID.
import type { Kysely } from 'kysely';
import { columnTypes, dialectOf } from '../dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  const pg = dialectOf(db) === 'postgres';
  await db.schema
    .createTable('live_events')
    // PostgreSQL: a bigint identity; SQLite: an integer rowid that AUTOINCREMENT never reuses, so an
    // id a client holds never names a newer event after the newest rows were deleted.
    .addColumn('id', pg ? 'bigint' : 'integer', (c) => (pg ? c.generatedAlwaysAsIdentity().primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('channel', 'text', (c) => c.notNull())
    // What changed, by reference (an episode id and what happened to it): never more than the live page shows.
    .addColumn('payload', t.json, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  // A client resuming on one channel reads `channel = ? and id > ?`.
  await db.schema.createIndex('live_events_channel_idx').on('live_events').columns(['channel', 'id']).execute();
  // Pruning old events.
  await db.schema.createIndex('live_events_created_idx').on('live_events').column('created_at').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('live_events').execute();
}
