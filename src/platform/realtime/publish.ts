// Publishing a live event: in the unit of work of the change, so the event exists if and only if the
// change committed. See README.md in this folder.
import { EventEmitter } from 'node:events';
import type { Kysely } from 'kysely';
import { toJson } from '../db/ids.ts';
import { afterCommit, beforeCommit, type Stage, stageOf } from '../db/staging.ts';
import type { DB } from '../db/tables.ts';
import { insertLiveEvents, type NewLiveEvent } from './store.ts';

/** Channel names: lower-case words joined by `:`, `-`, `.` or `_` ("crisis:board"). */
const CHANNEL = /^[a-z0-9]+([:._-][a-z0-9]+)*$/;

/**
 * Emits 'committed' in this process after a unit that published live events commits: the hubs of
 * this process read the new rows at once (on SQLite the only wake-up; on PostgreSQL the other
 * processes hear of it through NOTIFY).
 */
export const localCommits = new EventEmitter();
localCommits.setMaxListeners(0);

const staged = new WeakMap<Stage, NewLiveEvent[]>();

/** Writes the batch's live events, in the order their units ran, last in the transaction. */
async function writeStaged(tx: Kysely<DB>, units: readonly Stage[]): Promise<void> {
  await insertLiveEvents(
    tx,
    units.flatMap((u) => staged.get(u) ?? []),
  );
}

/**
 * Publishes a live event on `channel` with the change the unit of work makes. `payload` says what
 * changed, by reference (an id and a kind of change): it goes to every client of the channel, so it
 * carries nothing personal beyond what the live page itself shows to all of them. `at` is the
 * change's time, from the caller's clock (events are pruned by it).
 */
export async function publishLiveEvent(tx: Kysely<DB>, channel: string, payload: Record<string, unknown>, at: Date): Promise<void> {
  if (!CHANNEL.test(channel) || channel.length > 100) throw new Error(`Not a live event channel name: ${channel}`);
  const row: NewLiveEvent = { channel, payload: toJson(payload), created_at: at.toISOString() };
  const stage = stageOf(tx);
  if (!stage) {
    // Outside a batch (a tool's own transaction): written at once, so publish last in that
    // transaction (the lock it takes is then the last, as in a batch); other processes hear of it on
    // commit (PostgreSQL), this process's hubs at their next poll.
    await insertLiveEvents(tx, [row]);
    return;
  }
  let rows = staged.get(stage);
  if (!rows) {
    rows = [];
    staged.set(stage, rows);
    beforeCommit(tx, 'live-events', writeStaged);
    afterCommit(tx, () => localCommits.emit('committed'));
  }
  rows.push(row);
}
