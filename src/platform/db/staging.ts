// Rows a unit of work adds and never reads back (its audit event, its timeline entry, its timers and
// outbox messages), written for a whole batch of units at once, just before the batch commits.
//
// A unit that runs inside a batch (`Database.write`) gets a stage: `insertLater(tx, table, row)`
// puts the row there instead of sending one INSERT. When every unit of the batch has run, the rows
// are written with one multi-row INSERT per table and shape, and the audit events are chained in
// the order their units ran, under one chain lock. So a batch of 32 submissions sends a handful of
// statements where it would send hundreds, and on PostgreSQL the audit chain is locked once per
// batch rather than once per request. Outside a batch (migrations, tools, tests that open their own
// transaction) `insertLater` inserts at once: the result is the same rows in the same transaction.
//
// The rules for callers: a staged row is not visible to queries until the flush, so stage only what
// no later statement of the batch reads; stage in the order foreign keys need (a parent before its
// children), as an immediate insert would. A staged insert that fails (a unique key taken) fails the
// whole batch, and `Database` then runs each unit again on its own, so only the unit at fault fails.
import type { Insertable, Kysely } from 'kysely';
import { type AuditInput, appendAuditEvents } from '../access/audit.ts';
import type { DB } from './tables.ts';

type Row = Record<string, unknown>;

interface StagedRow {
  table: keyof DB & string;
  row: Row;
  /** Skip the row when this unique column's value is taken (ON CONFLICT (column) DO NOTHING). */
  onConflictDoNothing?: string;
}

/** Work a batch does once, after its rows and audit events are written and just before it commits. */
export type CommitHook = (tx: Kysely<DB>, units: readonly Stage[]) => Promise<void>;

/** What one unit staged, in order. Added to its batch only if the unit succeeds. */
export class Stage {
  readonly rows: StagedRow[] = [];
  readonly audit: AuditInput[] = [];
  /** By key: a batch runs each key's hook once, whichever units asked for it (see `beforeCommit`). */
  readonly beforeCommit = new Map<string, CommitHook>();
  /** Run once the batch has committed (see `afterCommit`). */
  readonly afterCommit: (() => void)[] = [];
}

const stages = new WeakMap<object, Stage>();

/** Gives the unit's transaction a stage (Database does this for every unit of a batch). */
export function attachStage(tx: object): Stage {
  const stage = new Stage();
  stages.set(tx, stage);
  return stage;
}

export function stageOf(tx: object): Stage | undefined {
  return stages.get(tx);
}

/**
 * Inserts a row at the end of the unit's batch, or at once outside a batch. For rows nothing in the
 * batch reads back: see the rules at the top of this file.
 */
export async function insertLater<T extends keyof DB & string>(
  tx: Kysely<DB>,
  table: T,
  row: Insertable<DB[T]>,
  options: { onConflictDoNothing?: string } = {},
): Promise<void> {
  const stage = stages.get(tx);
  if (stage) {
    stage.rows.push({ table, row: row as unknown as Row, onConflictDoNothing: options.onConflictDoNothing });
    return;
  }
  await insertRows(tx, table, [row as unknown as Row], options.onConflictDoNothing);
}

/**
 * Asks the unit's batch to run `hook` just before it commits, after the staged rows and audit events
 * are written: once per batch for each key, with the stages of every unit that succeeded (a hook finds
 * its units' contributions there). For work that must be last in the transaction, such as taking a
 * lock held only until commit (src/platform/realtime/ numbers live events in commit order this way).
 * Returns false outside a batch: the caller owns the transaction and does the work at once.
 */
export function beforeCommit(tx: object, key: string, hook: CommitHook): boolean {
  const stage = stages.get(tx);
  if (!stage) return false;
  if (!stage.beforeCommit.has(key)) stage.beforeCommit.set(key, hook);
  return true;
}

/**
 * Runs `fn` once the unit's batch has committed; never if the unit failed or the batch rolled back
 * (a unit that runs again registers again). For waking in-process listeners only: `fn` must not
 * throw or write. Returns false outside a batch, where nothing is run (the caller owns the commit).
 */
export function afterCommit(tx: object, fn: () => void): boolean {
  const stage = stages.get(tx);
  if (!stage) return false;
  stage.afterCommit.push(fn);
  return true;
}

/** Largest number of bound values in one statement: under SQLite's 32,766 and PostgreSQL's 65,535. */
const MAX_PARAMETERS = 30_000;

// biome-ignore lint/suspicious/noExplicitAny: the table is chosen at run time; rows were typed by their callers.
async function insertRows(tx: Kysely<any>, table: string, rows: Row[], onConflictDoNothing?: string): Promise<void> {
  const columns = Object.keys(rows[0] ?? {}).length || 1;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns));
  for (let i = 0; i < rows.length; i += perStatement) {
    let q = tx.insertInto(table).values(rows.slice(i, i + perStatement));
    if (onConflictDoNothing) q = q.onConflict((oc) => oc.column(onConflictDoNothing).doNothing());
    await q.execute();
  }
}

/**
 * Writes what the batch's units staged, in their transaction: the rows table by table in an order
 * that respects every unit's own order (so parents come before children), then the audit events,
 * chained in unit order.
 */
export async function flushStages(tx: Kysely<DB>, units: Stage[]): Promise<void> {
  const order = tableOrder(units);
  if (order) {
    for (const table of order) {
      // Rows of one table with the same columns and conflict rule go in one statement, in staged order.
      const groups = new Map<string, { rows: Row[]; onConflictDoNothing?: string }>();
      for (const unit of units) {
        for (const staged of unit.rows) {
          if (staged.table !== table) continue;
          const key = `${staged.onConflictDoNothing ?? ''}|${Object.keys(staged.row).join(',')}`;
          const group = groups.get(key) ?? { rows: [], onConflictDoNothing: staged.onConflictDoNothing };
          group.rows.push(staged.row);
          groups.set(key, group);
        }
      }
      for (const group of groups.values()) await insertRows(tx, table, group.rows, group.onConflictDoNothing);
    }
  } else {
    // The units disagree about which table comes first: write unit by unit, in each unit's order.
    for (const unit of units) {
      for (const staged of unit.rows) await insertRows(tx, staged.table, [staged.row], staged.onConflictDoNothing);
    }
  }
  const events = units.flatMap((u) => u.audit);
  if (events.length > 0) await appendAuditEvents(tx, events);
  const hooks = new Map<string, CommitHook>();
  for (const unit of units) for (const [key, hook] of unit.beforeCommit) if (!hooks.has(key)) hooks.set(key, hook);
  for (const hook of hooks.values()) await hook(tx, units);
}

/**
 * The tables in an order that keeps each unit's order of first use (Kahn's algorithm, ties broken
 * by first use in the batch), or null when two units used tables in opposite orders.
 */
export function tableOrder(units: Stage[]): string[] | null {
  const firstUse: string[] = [];
  const after = new Map<string, Set<string>>();
  const incoming = new Map<string, number>();
  for (const unit of units) {
    const seen: string[] = [];
    for (const { table } of unit.rows) {
      if (seen.includes(table)) continue;
      if (!incoming.has(table)) {
        incoming.set(table, 0);
        after.set(table, new Set());
        firstUse.push(table);
      }
      for (const earlier of seen) {
        const edges = after.get(earlier) as Set<string>;
        if (!edges.has(table)) {
          edges.add(table);
          incoming.set(table, (incoming.get(table) ?? 0) + 1);
        }
      }
      seen.push(table);
    }
  }
  const order: string[] = [];
  const ready = firstUse.filter((t) => incoming.get(t) === 0);
  while (ready.length > 0) {
    ready.sort((a, b) => firstUse.indexOf(a) - firstUse.indexOf(b));
    const table = ready.shift() as string;
    order.push(table);
    for (const next of after.get(table) ?? []) {
      const left = (incoming.get(next) ?? 0) - 1;
      incoming.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return order.length === firstUse.length ? order : null;
}
