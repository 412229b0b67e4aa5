// The worker's queries. Claiming differs by engine: PostgreSQL lets several processes claim at once
// with FOR UPDATE SKIP LOCKED (each row goes to one of them); SQLite has one writer, so a claim made
// inside one unit of work is already exclusive.
import type { ExpressionBuilder, Kysely } from 'kysely';
import { dialectOf } from '../db/dialect/types.ts';
import type { DB } from '../db/tables.ts';

export interface ClaimedTimer {
  id: string;
  kind: string;
  due_at: string;
  payload: string;
  attempts: number;
}

const due = (now: string) => (eb: ExpressionBuilder<DB, 'timers'>) =>
  eb.or([
    eb.and([eb('status', '=', 'pending'), eb('due_at', '<=', now)]),
    // A claim whose lease ran out: the process that held it died (or hung); take it over.
    eb.and([eb('status', '=', 'running'), eb('locked_until', '<', now)]),
  ]);

/** Claims up to `limit` due timers for `workerId` until `lockedUntil`; counts the attempt. */
export async function claimDueTimers(
  tx: Kysely<DB>,
  { now, workerId, lockedUntil, limit }: { now: string; workerId: string; lockedUntil: string; limit: number },
): Promise<ClaimedTimer[]> {
  const update = tx
    .updateTable('timers')
    .set((eb) => ({ status: 'running' as const, locked_by: workerId, locked_until: lockedUntil, attempts: eb('attempts', '+', 1) }));
  const columns = ['id', 'kind', 'due_at', 'payload', 'attempts'] as const;
  let rows: ClaimedTimer[];
  if (dialectOf(tx) === 'postgres') {
    const candidates = tx.selectFrom('timers').select('id').where(due(now)).orderBy('due_at').limit(limit).forUpdate().skipLocked();
    rows = await update.where('id', 'in', candidates).returning(columns).execute();
  } else {
    const ids = (await tx.selectFrom('timers').select('id').where(due(now)).orderBy('due_at').limit(limit).execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    rows = await update.where('id', 'in', ids).returning(columns).execute();
  }
  return rows.sort((a, b) => a.due_at.localeCompare(b.due_at));
}

/** Marks a claimed timer done; false when the claim was lost (cancelled, or taken over after its lease). */
export async function markTimerDone(tx: Kysely<DB>, id: string, workerId: string, now: string): Promise<boolean> {
  const r = await tx
    .updateTable('timers')
    .set({ status: 'done', done_at: now, locked_by: null, locked_until: null, last_error: null })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Puts a claimed timer back to wait until `dueAt`, or fails it for good; false when the claim was lost. */
export async function releaseFailedTimer(
  tx: Kysely<DB>,
  id: string,
  workerId: string,
  outcome: { final: true; lastError: string } | { final: false; lastError: string; dueAt: string },
): Promise<boolean> {
  const r = await tx
    .updateTable('timers')
    .set(
      outcome.final
        ? { status: 'failed', last_error: outcome.lastError, locked_by: null, locked_until: null }
        : { status: 'pending', last_error: outcome.lastError, due_at: outcome.dueAt, locked_by: null, locked_until: null },
    )
    .where('id', '=', id)
    .where('status', '=', 'running')
    .where('locked_by', '=', workerId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** How many timers wait (pending), run, and failed for good: for metrics and the admin page. */
export async function timerCounts(db: Kysely<DB>): Promise<Record<'pending' | 'running' | 'done' | 'failed', number>> {
  const rows = await db
    .selectFrom('timers')
    .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const counts = { pending: 0, running: 0, done: 0, failed: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}
