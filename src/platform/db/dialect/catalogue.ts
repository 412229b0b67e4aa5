// What tables and columns a database has, for tests that check every table is accounted for (the
// subject access export). On PostgreSQL, only the connection's own schema: Kysely's introspector reads
// every schema, and a schema dropped meanwhile by another test file makes that read fail ("relation …
// does not exist", from a parallel worker).
import { type Kysely, sql } from 'kysely';
import { dialectOf } from './types.ts';

// biome-ignore lint/suspicious/noExplicitAny: any database's tables.
type AnyDb = Kysely<any>;

/** Each table's columns, in order. */
export async function tablesAndColumns(db: AnyDb): Promise<Map<string, string[]>> {
  if (dialectOf(db) !== 'postgres') {
    const tables = await db.introspection.getTables();
    return new Map(tables.map((tb) => [tb.name, tb.columns.map((c) => c.name)]));
  }
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() order by table_name, ordinal_position`.execute(db);
  const byName = new Map<string, string[]>();
  for (const r of rows) byName.set(r.table_name, [...(byName.get(r.table_name) ?? []), r.column_name]);
  return byName;
}
