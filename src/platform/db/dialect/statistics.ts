// Planner statistics. After a bulk load (the scale seed, a large import) PostgreSQL's statistics
// still describe the tables as they were (empty, say): it then estimates one row where there are
// thousands and picks nested loops over bitmap scans. ANALYZE reads a sample of each table again.
// SQLite keeps no statistics unless ANALYZE was ever run, and Mutual does not run it: its planner's
// built-in guesses pick the indexes the directory's queries were written for (see the comments on
// the directory's indexes), and statistics would make those choices depend on the data.
import { type Kysely, sql } from 'kysely';
import { dialectOf } from './types.ts';

// biome-ignore lint/suspicious/noExplicitAny: used by stores of any module.
type AnyDb = Kysely<any>;

/** Refreshes PostgreSQL's statistics of the given tables (nothing to do on SQLite). */
export async function refreshPlannerStatistics(db: AnyDb, tables: readonly string[]): Promise<void> {
  if (dialectOf(db) !== 'postgres' || tables.length === 0) return;
  await sql`analyze ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
}

/**
 * After a bulk load, outside any transaction (PostgreSQL will not vacuum inside one): VACUUM
 * (ANALYZE) the given tables. Besides the statistics, it marks the new rows visible to everyone in
 * the visibility map, so index-only scans answer from the index without visiting each row; until
 * autovacuum comes round, a query on freshly loaded rows reads the table as well. Nothing on SQLite.
 */
export async function vacuumAnalyze(db: AnyDb, tables: readonly string[]): Promise<void> {
  if (dialectOf(db) !== 'postgres' || tables.length === 0) return;
  await sql`vacuum (analyze) ${sql.join(tables.map((t) => sql.table(t)))}`.execute(db);
}
