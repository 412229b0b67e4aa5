// Column types and defaults that differ between SQLite and PostgreSQL, for migrations.
// Migrations take Kysely<any> (they are frozen in time) and ask these helpers for the few things
// the two engines spell differently. Everything else in a migration is plain Kysely schema builder.
import { type ColumnDataType, type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely';

export type DialectKind = 'sqlite' | 'postgres';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time and use Kysely<any>.
export function dialectOf(db: Kysely<any>): DialectKind {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** Column types for a dialect. Timestamps are UTC: timestamptz in PostgreSQL, ISO-8601 text in SQLite. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export function columnTypes(db: Kysely<any>) {
  const pg = dialectOf(db) === 'postgres';
  return {
    /** UUIDv7 as text in both engines, so ids read the same everywhere. */
    id: 'text' as ColumnDataType,
    timestamp: (pg ? 'timestamptz' : 'text') as ColumnDataType,
    /** JSON documents: jsonb in PostgreSQL, text in SQLite; read back as a string in both. */
    json: (pg ? 'jsonb' : 'text') as ColumnDataType,
    /** Flags are 0 or 1 in both engines: SQLite has no boolean and cannot bind one. */
    flag: 'integer' as ColumnDataType,
    /** A 64-bit counter. */
    bigint: 'bigint' as ColumnDataType,
    double: (pg ? 'double precision' : 'real') as ColumnDataType,
  };
}

/** The current time as a column default, in the format the dialect stores timestamps in. */
// biome-ignore lint/suspicious/noExplicitAny: see above.
export function nowDefault(db: Kysely<any>): RawBuilder<unknown> {
  return dialectOf(db) === 'postgres' ? sql`now()` : sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;
}

/** A CHECK expression: the column holds one of the given values (or null). */
export function oneOf(column: string, values: readonly string[]): RawBuilder<unknown> {
  return sql`${sql.ref(column)} is null or ${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}

/** A CHECK expression: when `column` is set, `required` must be set too (e.g. closed_at needs an outcome). */
export function requiredWith(column: string, required: string): RawBuilder<unknown> {
  return sql`${sql.ref(column)} is null or ${sql.ref(required)} is not null`;
}
