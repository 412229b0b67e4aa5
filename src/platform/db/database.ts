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
// commit, so an acknowledged change is on disk. A unit that fails is rolled back to its savepoint and
// fails alone; if the batch as a whole fails, each unit is run again on its own.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ControlledTransaction, Kysely, Transaction } from 'kysely';
import { type Opened, openPostgres, openSqlite } from './dialect/connect.ts';
import { attachStage, flushStages, type Stage } from './staging.ts';
import type { DB } from './tables.ts';

export type Tx = Transaction<DB>;
export type Unit<T> = (tx: Tx) => Promise<T>;

interface Waiting {
  unit: Unit<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The most units one commit covers; keeps a batch's latency bounded under heavy load. */
const MAX_BATCH = 256;

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
  private draining = false;
  private closed = false;
  /** How many commits covered how many units: for metrics and the bench. */
  readonly stats = { commits: 0, units: 0 };

  constructor(opened: Opened) {
    this.opened = opened;
    this.kind = opened.kind;
    this.read = opened.reader;
    this.writer = opened.writer;
    this.schema = opened.schema;
  }

  /**
   * Runs a unit of work in a transaction; resolves after its commit is durable. A unit may run more
   * than once (when its batch fails for another unit's sake), so its only effects are through `tx`.
   */
  write<T>(unit: Unit<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The database is closed.'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ unit: unit as Unit<unknown>, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      // Let the requests that arrived in this turn of the event loop join the first batch.
      await nextTurn();
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        const failed = await this.commitBatch(batch);
        // The batch as a whole failed (a staged row clashed, a deadlock, the commit itself): run each
        // unit again on its own, so only the one at fault fails.
        if (failed) {
          for (const w of batch) {
            const again = await this.commitBatch([w]);
            if (again) w.reject(again.error);
          }
        }
        await nextTurn();
      }
    } finally {
      this.draining = false;
    }
  }

  /**
   * Runs the units, each in a savepoint with a stage for its later rows, writes what they staged,
   * and commits. Answers each unit after the commit. Returns the error when the batch as a whole
   * failed (nothing of it committed and no unit answered), so the caller can retry unit by unit.
   */
  private async commitBatch(batch: Waiting[]): Promise<{ error: unknown } | undefined> {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    const stages: Stage[] = [];
    let trx: ControlledTransaction<DB>;
    try {
      trx = await this.writer.startTransaction().execute();
    } catch (error) {
      for (const w of batch) w.reject(error);
      return undefined;
    }
    try {
      for (const w of batch) {
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
      if (batch.length > 1) return { error };
      const only = outcomes[0];
      // A unit that failed on its own keeps its own error; otherwise the flush or commit failed it.
      batch[0]?.reject(only && !only.ok ? only.error : error);
      return undefined;
    }
    this.stats.commits++;
    this.stats.units += batch.length;
    batch.forEach((w, i) => {
      const o = outcomes[i]!;
      if (o.ok) w.resolve(o.value);
      else w.reject(o.error);
    });
    return undefined;
  }

  async backup(file: string): Promise<void> {
    if (!this.opened.backup) throw new Error('Online backup is for SQLite; on PostgreSQL use pg_dump (docs/operations.md).');
    await this.opened.backup(file);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.draining || this.queue.length > 0) await nextTurn();
    await this.opened.close();
  }
}

export type DatabaseTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema?: string };

export function openDatabase(target: DatabaseTarget): Database {
  return new Database(target.kind === 'sqlite' ? openSqlite(target.file) : openPostgres(target.url, { schema: target.schema }));
}
