// Every query of live events (table live_events, migration 2026-11-29T1510).
import type { Kysely } from 'kysely';
import { notifyOnCommit } from '../db/dialect/listen.ts';
import { lockChainForTransaction } from '../db/dialect/locks.ts';
import type { DB } from '../db/tables.ts';

/** The PostgreSQL notification channel every process listens on. */
export const LIVE_NOTIFY_CHANNEL = 'mutual_live';

export interface NewLiveEvent {
  channel: string;
  /** JSON text. */
  payload: string;
  created_at: string;
}

export interface LiveEvent {
  id: number;
  channel: string;
  /** JSON text, sent to clients as it is. */
  payload: string;
}

/**
 * Writes live events in the caller's transaction and has every process woken when it commits. On
 * PostgreSQL, transactions writing live events take one lock first, held to their commit, so ids
 * are handed out in commit order: a reader that has seen id N can never later find a committed
 * event below N (two processes committing out of id order would otherwise lose an event to a
 * client resuming "after N"). The lock is taken last in the transaction (staging.ts beforeCommit),
 * after every other lock the transaction needs, so it cannot take part in a deadlock.
 */
export async function insertLiveEvents(tx: Kysely<DB>, rows: NewLiveEvent[]): Promise<void> {
  if (rows.length === 0) return;
  await lockChainForTransaction(tx, 'live-events');
  await tx.insertInto('live_events').values(rows).execute();
  await notifyOnCommit(tx, LIVE_NOTIFY_CHANNEL);
}

/** Events after `afterId`, oldest first: of every channel, or of one. */
export async function liveEventsAfter(db: Kysely<DB>, afterId: number, limit: number, channel?: string): Promise<LiveEvent[]> {
  let q = db.selectFrom('live_events').select(['id', 'channel', 'payload']).where('id', '>', afterId);
  if (channel !== undefined) q = q.where('channel', '=', channel);
  return q.orderBy('id').limit(limit).execute();
}

/** The newest event's id, or 0 when there is none. */
export async function latestLiveEventId(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom('live_events').select('id').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row ? Number(row.id) : 0;
}

/** The oldest event still kept, or null when there is none. */
export async function oldestLiveEventId(db: Kysely<DB>): Promise<number | null> {
  const row = await db.selectFrom('live_events').select('id').orderBy('id').limit(1).executeTakeFirst();
  return row ? Number(row.id) : null;
}

/** Deletes events written before `before`, but never the newest one (the counter's witness). Returns how many went. */
export async function pruneLiveEvents(tx: Kysely<DB>, before: string): Promise<number> {
  const newest = await latestLiveEventId(tx);
  const result = await tx.deleteFrom('live_events').where('created_at', '<', before).where('id', '<', newest).executeTakeFirst();
  return Number(result.numDeletedRows ?? 0n);
}
