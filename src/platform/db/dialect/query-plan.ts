// How an engine runs a query, for tests that check a hot query is served by its index (no full scan
// of a table, no sort of every row). SQLite: EXPLAIN QUERY PLAN, one line per step ("SCAN requests
// USING COVERING INDEX …", "USE TEMP B-TREE FOR ORDER BY"). PostgreSQL: EXPLAIN, one line per node
// ("Index Only Scan using … on requests", "Sort").
import { type Compilable, CompiledQuery, type Kysely, sql } from 'kysely';
import { dialectOf } from './types.ts';

export interface QueryPlanOptions {
  /**
   * PostgreSQL only: plan as if a sequential scan were never cheaper. On a small test table the
   * planner rightly reads every row; this shows whether the indexes could serve the query at all,
   * as they must once the table is large.
   */
  withoutSeqScan?: boolean;
}

// biome-ignore lint/suspicious/noExplicitAny: any database of any module.
export async function queryPlan(db: Kysely<any>, query: Compilable | CompiledQuery, options: QueryPlanOptions = {}): Promise<string[]> {
  const compiled = 'compile' in query ? query.compile() : query;
  if (dialectOf(db) === 'sqlite') {
    const result = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]));
    return result.rows.map((r) => r.detail);
  }
  return db.transaction().execute(async (trx) => {
    if (options.withoutSeqScan) await sql`set local enable_seqscan = off`.execute(trx);
    const result = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${compiled.sql}`, [...compiled.parameters]));
    return result.rows.map((r) => r['QUERY PLAN']);
  });
}
