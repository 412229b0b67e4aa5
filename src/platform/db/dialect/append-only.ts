// Append-only tables: a trigger refuses UPDATE and DELETE (and, on PostgreSQL, TRUNCATE), so a bug or
// a careless query cannot rewrite history. Someone with the rights to drop the trigger can still
// tamper; the audit trail's hash chain (src/platform/access/audit.ts) is what detects that.
import { type Kysely, sql } from 'kysely';
import { dialectOf } from './types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and use Kysely<any>.
type AnyDb = Kysely<any>;

const names = (table: string) => ({
  fn: `${table}_append_only`,
  update: `${table}_no_update`,
  delete: `${table}_no_delete`,
  truncate: `${table}_no_truncate`,
});

/** Creates the triggers that refuse changes to `table` (called from a migration). */
export async function createAppendOnlyTriggers(db: AnyDb, table: string): Promise<void> {
  const n = names(table);
  const message = sql.lit(`${table} is append-only`);
  if (dialectOf(db) === 'postgres') {
    await sql`create or replace function ${sql.id(n.fn)}() returns trigger language plpgsql as ${sql.lit(
      `begin raise exception '${table} is append-only' using errcode = 'insufficient_privilege'; end`,
    )}`.execute(db);
    await sql`create trigger ${sql.id(n.update)} before update or delete on ${sql.table(table)} for each row execute function ${sql.id(n.fn)}()`.execute(db);
    await sql`create trigger ${sql.id(n.truncate)} before truncate on ${sql.table(table)} for each statement execute function ${sql.id(n.fn)}()`.execute(db);
    return;
  }
  await sql`create trigger ${sql.id(n.update)} before update on ${sql.table(table)} begin select raise(abort, ${message}); end`.execute(db);
  await sql`create trigger ${sql.id(n.delete)} before delete on ${sql.table(table)} begin select raise(abort, ${message}); end`.execute(db);
}

/**
 * Drops those triggers: for a migration's `down`, and for tests that play an attacker with
 * database access (who would drop them first).
 */
export async function dropAppendOnlyTriggers(db: AnyDb, table: string): Promise<void> {
  const n = names(table);
  if (dialectOf(db) === 'postgres') {
    await sql`drop trigger if exists ${sql.id(n.update)} on ${sql.table(table)}`.execute(db);
    await sql`drop trigger if exists ${sql.id(n.truncate)} on ${sql.table(table)}`.execute(db);
    await sql`drop function if exists ${sql.id(n.fn)}()`.execute(db);
    return;
  }
  await sql`drop trigger if exists ${sql.id(n.update)}`.execute(db);
  await sql`drop trigger if exists ${sql.id(n.delete)}`.execute(db);
}
