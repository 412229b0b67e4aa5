// The outbox's queries.
import type { Kysely } from 'kysely';
import type { DB, OutboxMessagesTable } from '../db/tables.ts';
import { insertLater } from '../db/staging.ts';

export type OutboxRow = OutboxMessagesTable;

const COLUMNS = [
  'id',
  'channel',
  'recipient',
  'kind',
  'personalisation',
  'status',
  'attempts',
  'provider_reference',
  'dedupe_key',
  'created_at',
  'sent_at',
  'last_error',
  'person_id',
] as const;

/** Writes a new message (no dedupe key) with the unit's batch (src/platform/db/staging.ts). */
export async function insertNewMessage(tx: Kysely<DB>, row: OutboxRow): Promise<void> {
  await insertLater(tx, 'outbox_messages', row);
}

export async function insertMessage(tx: Kysely<DB>, row: OutboxRow): Promise<boolean> {
  const r = await tx
    .insertInto('outbox_messages')
    .values(row)
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
}

export async function messageById(db: Kysely<DB>, id: string): Promise<OutboxRow | undefined> {
  return db.selectFrom('outbox_messages').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** Moves a message from one status to another; false when it was not in `from` (someone else moved it). */
export async function moveMessage(
  tx: Kysely<DB>,
  id: string,
  from: OutboxRow['status'],
  change: Partial<Pick<OutboxRow, 'status' | 'attempts' | 'provider_reference' | 'sent_at' | 'last_error'>>,
): Promise<boolean> {
  const r = await tx.updateTable('outbox_messages').set(change).where('id', '=', id).where('status', '=', from).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** The newest messages, for the admin page. */
export async function recentMessages(db: Kysely<DB>, limit = 50): Promise<OutboxRow[]> {
  return db.selectFrom('outbox_messages').select(COLUMNS).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute();
}

/** How many messages are in each status: for metrics. */
export async function messageCounts(db: Kysely<DB>): Promise<Record<OutboxRow['status'], number>> {
  const rows = await db
    .selectFrom('outbox_messages')
    .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const counts = { pending: 0, sending: 0, sent: 0, failed: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}
