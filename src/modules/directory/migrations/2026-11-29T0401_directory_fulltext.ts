// Full-text search over services: an FTS5 table on SQLite, a tsvector column with a GIN index on
// PostgreSQL (see platform/db/dialect/fulltext.ts). The store keeps it in step on every upsert.
import type { Kysely } from 'kysely';
import { createFulltextIndex, dropFulltextIndex, type FulltextSpec } from '../../../platform/db/dialect/fulltext.ts';

// Frozen here (not imported from the store) so this migration means the same thing forever.
const SPEC: FulltextSpec = {
  table: 'directory_services',
  idColumn: 'id',
  keyColumn: 'search_key',
  vectorColumn: 'search_vector',
  ftsTable: 'directory_services_fts',
  columns: ['name', 'keywords', 'body'],
};

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await createFulltextIndex(db, SPEC);
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await dropFulltextIndex(db, SPEC);
}
