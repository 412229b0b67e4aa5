// The database as the rest of Mutual sees it: a reader for queries and `write(unit)` for changes.
//
// Every change that matters is one unit of work: its rows, its audit event, its timers and its
// outbox messages commit together or not at all. Committing each request on its own caps a server:
// on SQLite, better-sqlite3 is synchronous, so each durable commit (one fsync) stalls the event loop
// (a few hundred requests a second with a p99 of half a second, TOOLCHAIN.md); on PostgreSQL the
// audit chain's lock is held to each commit, so audited writes would queue behind one another's fsync.
// So units are grouped, on both engines: the units waiting at one moment run one after another,
// each in its own savepoint inside one transaction, the rows they staged (src/platform/db/staging.ts)
// are written together, and one commit covers them all. Each caller is answered only after that
// commit, so an acknowledged change is on disk. A batch first runs without savepoints (units nearly
// always succeed); if anything fails it runs again with a savepoint per unit, so a failing unit
// fails alone, and if the batch as a whole still fails, each unit runs on its own.
//
// On PostgreSQL two batches may be in flight at once, each on its own pooled connection: while one
// waits for its commit to reach the disk (holding the audit chain's lock, so the chain stays in
// order), the next runs its units. That is what two server processes do, and PostgreSQL keeps them
// apart with row locks (a unit that changes a row another batch changed waits for that commit and
// then sees it). On SQLite one connection writes, so one batch runs at a time.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ControlledTransaction, Kysely, KyselyPlugin, Transaction } from 'kysely';
import { type Opened, openPostgres, openSqlite } from './dialect/connect.ts';
import type { Listener, ListenHandlers } from './dialect/listen.ts';
import { attachStage, flushStages, type Stage } from './staging.ts';
import type { DB } from './tables.ts';

export type Tx = Transaction<DB>;
export type Unit<T> = (tx: Tx) => Promise<T>;

interface Waiting {
  unit: Unit<unknown>;
  /** Units with the same key change the same hot row: they never run in two lanes at once (see `write`). */
  key?: string;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** A plugin that changes nothing: `withPlugin` with it gives a unit its own handle on the batch's transaction. */
const SAME_CONNECTION: KyselyPlugin = {
  transformQuery: (args) => args.node,
  transformResult: async (args) => args.result,
};

/** The most units one commit covers; keeps a batch's latency bounded under heavy load. */
const MAX_BATCH = 256;

/**
 * Batches in flight at once on PostgreSQL. Two took `POST /api/v1/requests` at 32 connections from
 * 581 to 921–1,103 requests a second (bench, runs alternated); a third adds connections, not speed,
 * on this 2-CPU machine. The price would be paid where every unit changes the same row (the bench's
 * 32 connections holding places at one crisis house went from 1,089–1,215 to 844–1,147 requests a
 * second and p99 48–60 to 64–81 ms, as the second batch waited on the first's row lock until it
 * committed), so units that change one hot row say so with a key (`write(unit, { key })`) and a lane
 * leaves them to the lane already running that key: they queue for its next batch instead of blocking
 * a second transaction that holds other units hostage.
 */
const POSTGRES_WRITE_LANES = 2;

export class Database {
  readonly kind: 'sqlite' | 'postgres';
  /** For queries. Never waits behind a write on SQLite (a separate WAL reader). */
  readonly read: Kysely<DB>;
  /** The writing connection itself, for migrations and tools; application code uses `write`. */
  readonly writer: Kysely<DB>;
  /** PostgreSQL: the schema this database lives in, when not the default (tests use one each). */
  readonly schema: string | undefined;
  private readonly opened: Opened;
  private queue: Waiting[] = [];
  /** Batches being run now (at most `maxLanes`). */
  private lanes = 0;
  /** The keys of the units in the batches being run, with how many units hold each. */
  private readonly keysRunning = new Map<string, number>();
  private readonly maxLanes: number;
  private closed = false;
  /** How many commits covered how many units: for metrics and the bench. */
  readonly stats = { commits: 0, units: 0 };

  constructor(opened: Opened) {
    this.opened = opened;
    this.kind = opened.kind;
    this.read = opened.reader;
    this.writer = opened.writer;
    this.schema = opened.schema;
    this.maxLanes = opened.kind === 'postgres' ? POSTGRES_WRITE_LANES : 1;
  }

  /**
   * Runs a unit of work in a transaction; resolves after its commit is durable. A unit may run more
   * than once (when its batch fails for another unit's sake), so its only effects are through `tx`.
   */
  write<T>(unit: Unit<T>, options: { key?: string } = {}): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The database is closed.'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ unit: unit as Unit<unknown>, key: options.key, resolve: resolve as (v: unknown) => void, reject });
      if (this.lanes < this.maxLanes) void this.drain();
    });
  }

  /**
   * A lane: runs batches from the queue until nothing is left that it may take. A unit whose key
   * another lane's batch holds is left for that lane, which takes it with its next batch (it keeps
   * draining while the queue is not empty), so no unit waits without a lane that will run it.
   */
  private async drain(): Promise<void> {
    this.lanes++;
    try {
      // Let the requests that arrived in this turn of the event loop join the first batch.
      await nextTurn();
      for (;;) {
        const batch = this.take();
        if (batch.length === 0) break;
        const keys = batch.flatMap((w) => (w.key ? [w.key] : []));
        for (const key of keys) this.keysRunning.set(key, (this.keysRunning.get(key) ?? 0) + 1);
        try {
          await this.runBatch(batch);
        } finally {
          for (const key of keys) {
            const left = (this.keysRunning.get(key) ?? 1) - 1;
            if (left > 0) this.keysRunning.set(key, left);
            else this.keysRunning.delete(key);
          }
        }
        await nextTurn();
      }
    } finally {
      this.lanes--;
    }
  }

  /** The next batch: up to MAX_BATCH waiting units, in order, leaving those whose key another lane's batch holds. */
  private take(): Waiting[] {
    if (this.keysRunning.size === 0) return this.queue.splice(0, MAX_BATCH);
    const batch: Waiting[] = [];
    const left: Waiting[] = [];
    for (const w of this.queue) {
      if (batch.length < MAX_BATCH && !(w.key && this.keysRunning.has(w.key))) batch.push(w);
      else left.push(w);
    }
    this.queue = left;
    return batch;
  }

  /**
   * Commits a batch in as few round trips as it can, and answers every unit. Units nearly always
   * succeed, so the batch first runs without savepoints. If anything fails, it runs again with a
   * savepoint per unit, so a failing unit fails alone; if the batch still fails as a whole (a staged
   * row clashed, a deadlock, the commit itself), each unit runs on its own.
   */
  private async runBatch(batch: Waiting[]): Promise<void> {
    if (!(await this.commitBatch(batch, false))) return;
    if (!(await this.commitBatch(batch, true))) return;
    for (const w of batch) await this.commitBatch([w], false);
  }

  /**
   * Runs the units (with a savepoint each, when asked), writes what they staged, and commits; then
   * answers each unit. When the batch fails as a whole, nothing of it is committed: a batch of one
   * unit is answered with the error, a larger one is left unanswered and `true` is returned, for the
   * caller to try again another way.
   */
  private async commitBatch(batch: Waiting[], savepoints: boolean): Promise<boolean> {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    const stages: Stage[] = [];
    let trx: ControlledTransaction<DB>;
    try {
      trx = await this.writer.startTransaction().execute();
    } catch (error) {
      for (const w of batch) w.reject(error);
      return false;
    }
    try {
      for (const w of batch) {
        if (!savepoints) {
          // Each unit gets its own handle on the transaction, so its stage is its own.
          const tx = trx.withPlugin(SAME_CONNECTION);
          const stage = attachStage(tx);
          outcomes.push({ ok: true, value: await w.unit(tx) });
          stages.push(stage);
          continue;
        }
        const sp = await trx.savepoint('unit').execute();
        const stage = attachStage(sp);
        try {
          const value = await w.unit(sp);
          await sp.releaseSavepoint('unit').execute();
          outcomes.push({ ok: true, value });
          stages.push(stage);
        } catch (error) {
          await sp.rollbackToSavepoint('unit').execute();
          await sp.releaseSavepoint('unit').execute();
          outcomes.push({ ok: false, error });
        }
      }
      await flushStages(trx, stages);
      await trx.commit().execute();
    } catch (error) {
      await trx.rollback().execute().catch(() => undefined);
      if (batch.length > 1) return true;
      const only = outcomes[0];
      // A unit that failed in its savepoint keeps its own error; otherwise whatever failed fails it.
      batch[0]?.reject(only && !only.ok ? only.error : error);
      return false;
    }
    this.stats.commits++;
    this.stats.units += batch.length;
    // In-process listeners learn of the commit before the callers are answered (staging.ts, afterCommit).
    for (const stage of stages) {
      for (const fn of stage.afterCommit) {
        try {
          fn();
        } catch {
          // A listener's fault is its own: the commit stands and every unit is answered.
        }
      }
    }
    batch.forEach((w, i) => {
      const o = outcomes[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.error);
    });
    return false;
  }

  /**
   * PostgreSQL: listens on a notification channel over a dedicated connection that reconnects by
   * itself (dialect/listen.ts). Undefined on SQLite, where one process writes and wakes itself.
   */
  listen(channel: string, handlers: ListenHandlers): Listener | undefined {
    return this.opened.listen?.(channel, handlers);
  }

  async backup(file: string): Promise<void> {
    if (!this.opened.backup) throw new Error('Online backup is for SQLite; on PostgreSQL use pg_dump (docs/operations.md).');
    await this.opened.backup(file);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.lanes > 0 || this.queue.length > 0) await nextTurn();
    await this.opened.close();
  }
}

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema?: string };

export function openDatabase(target: DatabaseTarget): Database {
  return new Database(target.kind === 'sqlite' ? openSqlite(target.file) : openPostgres(target.url, { schema: target.schema }));
}
