// Durable timers: "at this time, do this", written in the same unit of work as the change that
// makes them due (a request's contact target, a service's review date, a message to send).
//
//   await db.write(async (tx) => {
//     …the change…
//     await scheduleTimer(tx, { kind: 'front-door:breach', dueAt, payload: { requestId }, dedupeKey: `front-door:breach:${id}` });
//   });
//
//   // when the module is registered:
//   platform.timers.register('front-door:breach', (tx, payload) => onBreach(platform, tx, payload));
//
// The worker (worker.ts) runs each handler inside a unit of work together with marking the timer
// done, so a timer's effects and its completion commit together: effectively once, even with two
// processes, a crash between the two, or a server that was down when the timer fell due.
import type { Kysely } from 'kysely';
import type { Tx } from '../db/database.ts';
import { newId, toJson } from '../db/ids.ts';
import { insertLater } from '../db/staging.ts';
import type { DB } from '../db/tables.ts';

export interface ScheduleInput {
  kind: string;
  dueAt: Date;
  payload: unknown;
  /**
   * At most one timer ever exists for a key: scheduling again with a key already used does nothing
   * (cancel first to replace a pending one).
   */
  dedupeKey?: string | null;
}

/** Schedules a timer in the caller's transaction. Returns its id, or null when the dedupe key was taken. */
export async function scheduleTimer(tx: Kysely<DB>, input: ScheduleInput): Promise<string | null> {
  const id = newId();
  const result = await tx.insertInto('timers').values(timerRow(id, input)).onConflict((oc) => oc.column('dedupe_key').doNothing()).executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 ? id : null;
}

/**
 * Schedules the timer of a record this unit of work creates, written with the unit's batch just
 * before it commits (src/platform/db/staging.ts): one statement for the whole batch's timers. Its
 * dedupe key, if any, must be new by construction (it names the new record); a taken key is
 * skipped silently. Returns the timer's id.
 */
export async function scheduleNewTimer(tx: Kysely<DB>, input: ScheduleInput): Promise<string> {
  const id = newId();
  await insertLater(tx, 'timers', timerRow(id, input), { onConflictDoNothing: 'dedupe_key' });
  return id;
}

function timerRow(id: string, input: ScheduleInput) {
  if (Number.isNaN(input.dueAt.getTime())) throw new Error(`A timer of kind ${input.kind} needs a valid due time.`);
  return {
    id,
    kind: input.kind,
    due_at: input.dueAt.toISOString(),
    payload: toJson(input.payload ?? null),
    status: 'pending' as const,
    attempts: 0,
    last_error: null,
    locked_by: null,
    locked_until: null,
    dedupe_key: input.dedupeKey ?? null,
    // created_at is bookkeeping, not domain time: the database's default stamps it.
    done_at: null,
  };
}

/**
 * Cancels timers that have not finished, by dedupe key, by kind, or both. A timer whose handler is
 * running at that moment is cancelled too: its completion then finds no claim and its effects are
 * rolled back. Returns how many were cancelled.
 */
export async function cancelTimers(tx: Kysely<DB>, match: { dedupeKey?: string; kind?: string }): Promise<number> {
  if (match.dedupeKey === undefined && match.kind === undefined) throw new Error('cancelTimers needs a dedupe key or a kind.');
  let q = tx.deleteFrom('timers').where('status', 'in', ['pending', 'running']);
  if (match.dedupeKey !== undefined) q = q.where('dedupe_key', '=', match.dedupeKey);
  if (match.kind !== undefined) q = q.where('kind', '=', match.kind);
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** What a handler is told about the timer it runs. */
export interface TimerInfo {
  id: string;
  kind: string;
  dueAt: string;
  /** This run included (1 on the first run). */
  attempts: number;
}

/** Runs inside a unit of work; the timer is marked done in the same unit. Throw to retry later. */
export type TimerHandler = (tx: Tx, payload: unknown, timer: TimerInfo) => Promise<unknown>;

/**
 * For work that must happen outside a transaction, such as calling a provider: `prepare` runs in a
 * unit of its own and commits; `act` runs outside any transaction; `finish` runs in a unit together
 * with marking the timer done. When `act` throws, `failed` runs in the unit that records the retry
 * (or the final failure, when `final`). `prepare` returning null means nothing is left to do.
 */
export interface StagedTimerHandler<P = unknown, R = unknown> {
  prepare(tx: Tx, payload: unknown, timer: TimerInfo): Promise<P | null>;
  act(prepared: P, timer: TimerInfo): Promise<R>;
  finish(tx: Tx, prepared: P, result: R, timer: TimerInfo): Promise<void>;
  failed?(tx: Tx, prepared: P, error: unknown, final: boolean, timer: TimerInfo): Promise<void>;
}

export interface TimerKindOptions {
  /** Runs before the timer fails for good (default 8). */
  maxAttempts?: number;
}

export type RegisteredTimer =
  | { kind: string; type: 'simple'; handler: TimerHandler; maxAttempts: number }
  | { kind: string; type: 'staged'; handler: StagedTimerHandler; maxAttempts: number };

export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * What each kind of timer does. Modules add their handlers when they are registered
 * (`platform.timers.register`), so the platform never imports a module.
 */
export class TimerRegistry {
  private readonly handlers = new Map<string, RegisteredTimer>();

  register(kind: string, handler: TimerHandler, options: TimerKindOptions = {}): void {
    this.add({ kind, type: 'simple', handler, maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS });
  }

  registerStaged<P, R>(kind: string, handler: StagedTimerHandler<P, R>, options: TimerKindOptions = {}): void {
    this.add({ kind, type: 'staged', handler: handler as unknown as StagedTimerHandler, maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS });
  }

  get(kind: string): RegisteredTimer | undefined {
    return this.handlers.get(kind);
  }

  kinds(): string[] {
    return [...this.handlers.keys()].sort();
  }

  private add(entry: RegisteredTimer): void {
    // Building the app twice on one platform (tests) registers the same kinds again: the last wins.
    this.handlers.set(entry.kind, entry);
  }
}

/** Exponential backoff after a failed run: 30 s, 1, 2, 4, 8 … minutes, at most an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(attempts - 1, 0), 60 * 60_000);
}

/**
 * An error whose message is safe to store and log (it carries no personal data). Other errors are
 * recorded by their kind only.
 */
export class OperationalError extends Error {
  override name = 'OperationalError';
}

/** What may be stored in last_error and logged about an error: never a message that could carry personal data. */
export function safeErrorSummary(error: unknown): string {
  if (error instanceof OperationalError) return error.message.slice(0, 500);
  if (!(error instanceof Error)) return 'Unknown error';
  const code = (error as { code?: unknown }).code;
  const status = (error as { response?: { status?: unknown } }).response?.status;
  const parts = [error.name];
  if (typeof code === 'string' && /^[A-Z0-9_]{1,40}$/i.test(code)) parts.push(`code ${code}`);
  if (typeof status === 'number') parts.push(`HTTP ${status}`);
  return parts.join(', ');
}

export { type RunOptions, type RunSummary, runDueTimers, startWorker, type Worker } from './worker.ts';
