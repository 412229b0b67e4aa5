// The worker: inside the server process, every `config.worker.intervalMs` it claims the timers that
// are due and runs them. Each handler runs in a unit of work together with marking its timer done,
// and marking done is fenced by the claim (status running, locked by this worker), so when a claim
// was lost (the timer was cancelled, or another process took it over after the lease ran out) the
// handler's effects roll back with it: a timer's effects commit once.
//
// Failures: the attempt is counted at the claim; the timer goes back to pending with exponential
// backoff, and fails for good after its kind's maximum. A process that dies holding claims leaves
// them running until their lease passes; the next pass (in any process) takes them over. Timers
// that fell due while no server ran are simply due at the first pass after start.
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Platform } from '../context.ts';
import { parseJson } from '../db/ids.ts';
import { createLogger, type Log } from '../observability/logging.ts';
import { type ClaimedTimer, claimDueTimers, markTimerDone, releaseFailedTimer } from './store.ts';
import { backoffMs, OperationalError, type RegisteredTimer, safeErrorSummary, type TimerInfo } from './timers.ts';

export interface RunOptions {
  /** Names this worker's claims; one per process (startWorker makes one). */
  workerId?: string;
  /** The most timers one pass claims. */
  limit?: number;
  /** How long a claim holds before another process may take it over. */
  leaseMs?: number;
  log?: Log;
}

export interface RunSummary {
  claimed: number;
  done: number;
  retried: number;
  failed: number;
  /** Claims lost to cancellation or a takeover: their effects were rolled back. */
  lost: number;
}

export const DEFAULT_LEASE_MS = 2 * 60_000;
const DEFAULT_LIMIT = 50;

/** Thrown inside a unit when the timer's claim is gone, to roll back the handler's effects. */
class LostClaim extends Error {
  override name = 'LostClaim';
}

export function newWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** One pass: claims the due timers and runs them. For tests, and the loop in startWorker. */
export async function runDueTimers(platform: Platform, options: RunOptions = {}): Promise<RunSummary> {
  const workerId = options.workerId ?? newWorkerId();
  const log = options.log ?? createLogger(platform.config);
  const now = platform.clock.now();
  const claimed = await platform.db.write((tx) =>
    claimDueTimers(tx, {
      now: now.toISOString(),
      workerId,
      lockedUntil: new Date(now.getTime() + (options.leaseMs ?? DEFAULT_LEASE_MS)).toISOString(),
      limit: options.limit ?? DEFAULT_LIMIT,
    }),
  );
  const summary: RunSummary = { claimed: claimed.length, done: 0, retried: 0, failed: 0, lost: 0 };
  // Each timer is its own unit of work; on SQLite the units of one pass share a commit.
  const outcomes = await Promise.all(claimed.map((timer) => runOne(platform, timer, workerId, log)));
  for (const o of outcomes) summary[o]++;
  return summary;
}

type Outcome = 'done' | 'retried' | 'failed' | 'lost';

async function runOne(platform: Platform, timer: ClaimedTimer, workerId: string, log: Log): Promise<Outcome> {
  const { db, clock } = platform;
  const info: TimerInfo = { id: timer.id, kind: timer.kind, dueAt: timer.due_at, attempts: timer.attempts };
  const payload = parseJson<unknown>(timer.payload);
  const entry = platform.timers.get(timer.kind);
  const complete = async (tx: Parameters<Parameters<typeof db.write>[0]>[0]) => {
    if (!(await markTimerDone(tx, timer.id, workerId, clock.now().toISOString()))) throw new LostClaim('claim lost');
  };

  let prepared: unknown = null;
  let acting = false;
  try {
    if (!entry) throw new OperationalError(`No handler is registered for timers of kind ${timer.kind}`);
    if (timer.attempts > entry.maxAttempts) throw new OperationalError('Interrupted too many times');
    if (entry.type === 'simple') {
      await db.write(async (tx) => {
        await entry.handler(tx, payload, info);
        await complete(tx);
      });
      return 'done';
    }
    const staged = entry.handler;
    prepared = await db.write(async (tx) => {
      const p = await staged.prepare(tx, payload, info);
      if (p === null) await complete(tx);
      return p;
    });
    if (prepared === null) return 'done';
    acting = true;
    const result = await staged.act(prepared, info);
    acting = false;
    await db.write(async (tx) => {
      await staged.finish(tx, prepared, result, info);
      await complete(tx);
    });
    return 'done';
  } catch (error) {
    if (error instanceof LostClaim) {
      log.warn({ timerId: timer.id, kind: timer.kind }, 'timer claim lost; its effects were rolled back');
      return 'lost';
    }
    return recordFailure(platform, timer, entry, workerId, log, error, acting ? prepared : null);
  }
}

async function recordFailure(
  platform: Platform,
  timer: ClaimedTimer,
  entry: RegisteredTimer | undefined,
  workerId: string,
  log: Log,
  error: unknown,
  prepared: unknown,
): Promise<Outcome> {
  const info: TimerInfo = { id: timer.id, kind: timer.kind, dueAt: timer.due_at, attempts: timer.attempts };
  const maxAttempts = entry?.maxAttempts ?? 8;
  const final = timer.attempts >= maxAttempts;
  const lastError = safeErrorSummary(error);
  try {
    await platform.db.write(async (tx) => {
      if (prepared !== null && entry?.type === 'staged' && entry.handler.failed) {
        await entry.handler.failed(tx, prepared, error, final, info);
      }
      const dueAt = new Date(platform.clock.now().getTime() + backoffMs(timer.attempts)).toISOString();
      const released = await releaseFailedTimer(tx, timer.id, workerId, final ? { final, lastError } : { final, lastError, dueAt });
      if (!released) throw new LostClaim('claim lost');
    });
  } catch (recordError) {
    if (recordError instanceof LostClaim) return 'lost';
    // Could not even record the failure: the lease will run out and another pass retries it.
    log.error({ timerId: timer.id, kind: timer.kind, reason: safeErrorSummary(recordError) }, 'could not record a timer failure');
    return 'retried';
  }
  // Ids and kinds only: never the payload, which may name a person.
  if (final) log.error({ timerId: timer.id, kind: timer.kind, attempts: timer.attempts, reason: lastError }, 'timer failed for good');
  else log.warn({ timerId: timer.id, kind: timer.kind, attempts: timer.attempts, reason: lastError }, 'timer failed; will retry');
  return final ? 'failed' : 'retried';
}

export interface Worker {
  stop(): Promise<void>;
}

/**
 * Starts the loop: a pass at once (timers that fell due while the server was down), then one every
 * `config.worker.intervalMs`, and again at once when a pass was full. `stop` waits for the pass in
 * progress.
 */
export function startWorker(platform: Platform, options: Omit<RunOptions, 'workerId'> = {}): Worker {
  const workerId = newWorkerId();
  const log = options.log ?? createLogger(platform.config);
  const limit = options.limit ?? DEFAULT_LIMIT;
  let stopped = false;
  let handle: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;

  const tick = () => {
    handle = undefined;
    if (stopped) return;
    current = (async () => {
      try {
        for (;;) {
          const summary = await runDueTimers(platform, { ...options, workerId, log, limit });
          if (stopped || summary.claimed < limit) break;
        }
      } catch (error) {
        log.error({ workerId, reason: safeErrorSummary(error) }, 'timer pass failed');
      }
    })();
    void current.finally(() => {
      current = undefined;
      if (!stopped) handle = setTimeout(tick, platform.config.worker.intervalMs);
    });
  };
  handle = setTimeout(tick, 0);

  return {
    async stop() {
      stopped = true;
      if (handle) clearTimeout(handle);
      await current;
    },
  };
}
