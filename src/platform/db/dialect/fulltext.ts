// Full-text search, spelled once per engine, behind one interface:
// - SQLite: an FTS5 table (contentless, with delete support) keyed by an integer column of the
//   searched table, porter stemming; rank is bm25 with a weight per column.
// - PostgreSQL: a tsvector column on the searched table with a GIN index, English stemming,
//   setweight A/B/C per column; rank is ts_rank.
// Callers narrow candidates with ordinary predicates first and ask for `rank` only in ORDER BY, so
// only the narrowed rows are scored (TOOLCHAIN.md: ranking every match is the slow path).
import { type Expression, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import { type DialectKind, dialectOf } from './types.ts';

/** Where a table's search document lives. Column weights run from most to least important. */
export interface FulltextSpec {
  /** The searched table, e.g. directory_services. */
  table: string;
  /** Its primary key column (text). */
  idColumn: string;
  /** SQLite: the integer column that keys the FTS5 table. */
  keyColumn: string;
  /** PostgreSQL: the tsvector column. */
  vectorColumn: string;
  /** SQLite: the FTS5 table's name. */
  ftsTable: string;
  /** Three columns of the document: e.g. name, keywords, body. */
  columns: readonly [string, string, string];
}

export interface SearchDocument {
  id: string;
  /** SQLite key (the keyColumn's value); ignored on PostgreSQL. */
  key: number | null;
  /** One text per spec column, most important first. */
  texts: readonly [string, string, string];
}

const WEIGHTS_SQLITE = [10, 4, 1] as const;
const WEIGHTS_PG = ['A', 'B', 'C'] as const;

// biome-ignore lint/suspicious/noExplicitAny: used by migrations, which take Kysely<any>.
type AnyDb = Kysely<any>;

/** Creates the search structures (called from a migration). */
export async function createFulltextIndex(db: AnyDb, spec: FulltextSpec): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql`alter table ${sql.table(spec.table)} add column ${sql.id(spec.vectorColumn)} tsvector`.execute(db);
    await sql`create index ${sql.id(`${spec.table}_${spec.vectorColumn}_gin`)} on ${sql.table(spec.table)} using gin (${sql.id(spec.vectorColumn)})`.execute(db);
    return;
  }
  const cols = sql.join(spec.columns.map((c) => sql.id(c)));
  await sql`create virtual table ${sql.table(spec.ftsTable)} using fts5(${cols}, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2')`.execute(
    db,
  );
}

export async function dropFulltextIndex(db: AnyDb, spec: FulltextSpec): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql`drop index if exists ${sql.id(`${spec.table}_${spec.vectorColumn}_gin`)}`.execute(db);
    await sql`alter table ${sql.table(spec.table)} drop column if exists ${sql.id(spec.vectorColumn)}`.execute(db);
    return;
  }
  await sql`drop table if exists ${sql.table(spec.ftsTable)}`.execute(db);
}

/** The next free SQLite key (call inside the writing transaction); PostgreSQL needs none. */
export async function nextSearchKey(db: AnyDb, spec: FulltextSpec): Promise<number | null> {
  if (dialectOf(db) === 'postgres') return null;
  const row = await sql<{ k: number | null }>`select max(${sql.id(spec.keyColumn)}) as k from ${sql.table(spec.table)}`.execute(db);
  return (row.rows[0]?.k ?? 0) + 1;
}

/** Accents folded ("Café" → "Cafe"), so both engines match "cafe" and "café" alike. */
export function foldAccents(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '');
}

/** Replaces the search documents of the given rows, in batches. */
export async function writeSearchDocuments(db: AnyDb, spec: FulltextSpec, docs: readonly SearchDocument[]): Promise<void> {
  const BATCH = 200;
  for (let i = 0; i < docs.length; i += BATCH) {
    const batch = docs.slice(i, i + BATCH).map((d) => ({ ...d, texts: d.texts.map(foldAccents) as unknown as SearchDocument['texts'] }));
    if (dialectOf(db) === 'postgres') {
      const values = sql.join(batch.map((d) => sql`(${d.id}, ${d.texts[0]}, ${d.texts[1]}, ${d.texts[2]})`));
      const vector = sql.join(
        WEIGHTS_PG.map((w, n) => sql`setweight(to_tsvector('english', coalesce(${sql.ref(`v.t${n}`)}, '')), ${sql.lit(w)})`),
        sql` || `,
      );
      await sql`update ${sql.table(spec.table)} set ${sql.id(spec.vectorColumn)} = ${vector}
        from (values ${values}) as v(id, t0, t1, t2)
        where ${sql.ref(`${spec.table}.${spec.idColumn}`)} = v.id`.execute(db);
      continue;
    }
    const keyed = batch.filter((d) => d.key != null);
    if (keyed.length === 0) continue;
    await sql`delete from ${sql.table(spec.ftsTable)} where rowid in (${sql.join(keyed.map((d) => d.key))})`.execute(db);
    const cols = sql.join(spec.columns.map((c) => sql.id(c)));
    const rows = sql.join(keyed.map((d) => sql`(${d.key}, ${d.texts[0]}, ${d.texts[1]}, ${d.texts[2]})`));
    await sql`insert into ${sql.table(spec.ftsTable)} (rowid, ${cols}) values ${rows}`.execute(db);
  }
}

/**
 * After a bulk load, merges the index so a search reads one structure. SQLite: FTS5 keeps each batch
 * of documents as a segment and a search looks in every segment; 100,000 documents written 200 at a
 * time left dozens, and checking one row's match cost 55 µs instead of 14. PostgreSQL: the GIN index's
 * pending list is merged into the index (gin_clean_pending_list), so searches do not scan it.
 */
export async function optimizeFulltextIndex(db: AnyDb, spec: FulltextSpec): Promise<void> {
  if (dialectOf(db) === 'postgres') {
    await sql`select gin_clean_pending_list(${`${spec.table}_${spec.vectorColumn}_gin`}::regclass)`.execute(db);
    return;
  }
  await sql`insert into ${sql.table(spec.ftsTable)} (${sql.id(spec.ftsTable)}) values ('optimize')`.execute(db);
}

/** Removes search documents (SQLite keys; on PostgreSQL the column goes with the row). */
export async function deleteSearchDocuments(db: AnyDb, spec: FulltextSpec, keys: readonly number[]): Promise<void> {
  if (dialectOf(db) === 'postgres' || keys.length === 0) return;
  await sql`delete from ${sql.table(spec.ftsTable)} where rowid in (${sql.join(keys)})`.execute(db);
}

// Words that carry no meaning in a search box. PostgreSQL's English configuration drops them;
// FTS5 has no stop words, so they are dropped here for both, and the engines agree.
const STOP_WORDS = new Set(
  'a an and are as at be by for from help i in is it me my need of on or that the to with who what where'.split(' '),
);

/** The words of a search, lower-cased, without stop words or punctuation (at most 12). */
export function searchTerms(text: string): string[] {
  const words = (foldAccents(text).toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP_WORDS.has(w));
  return [...new Set(words)].slice(0, 12);
}

/**
 * A predicate: the row's document matches every word (stemmed). Null when there are no words.
 * `perRow`: the caller has already narrowed to few rows (a place box), so on SQLite each row is
 * checked by its key (a seek per word) instead of first listing every match of a common word.
 */
export function textMatches(kind: DialectKind, spec: FulltextSpec, text: string, options: MatchOptions = {}): Expression<SqlBool> | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  if (kind === 'postgres') return sql<SqlBool>`${sql.ref(`${spec.table}.${spec.vectorColumn}`)} @@ ${pgQuery(terms, options)}`;
  const fts = sql.table(spec.ftsTable);
  const key = sql.ref(`${spec.table}.${spec.keyColumn}`);
  if (options.perRow) return sql<SqlBool>`exists (select 1 from ${fts} where ${fts} match ${fts5Query(terms, options)} and rowid = ${key})`;
  return sql<SqlBool>`${key} in (select rowid from ${fts} where ${fts} match ${fts5Query(terms, options)})`;
}

export interface MatchOptions {
  /** SQLite: check each (already narrowed) row by key. */
  perRow?: boolean;
  /** Match any of the words rather than all (suggestions from a free-text story); rank does the rest. */
  anyWord?: boolean;
}

function pgQuery(terms: string[], options: MatchOptions) {
  // Words are letters and digits only (searchTerms), so joining them with | is a safe tsquery.
  return options.anyWord ? sql`to_tsquery('english', ${terms.join(' | ')})` : sql`plainto_tsquery('english', ${terms.join(' ')})`;
}

/** A score for ORDER BY, ascending (best first). Use only after `textMatches` has narrowed the rows. */
export function textRank(kind: DialectKind, spec: FulltextSpec, text: string, options: MatchOptions = {}): RawBuilder<number> | null {
  const terms = searchTerms(text);
  if (terms.length === 0) return null;
  if (kind === 'postgres') {
    return sql<number>`(0 - ts_rank(${sql.ref(`${spec.table}.${spec.vectorColumn}`)}, ${pgQuery(terms, options)}))`;
  }
  const weights = sql.join(WEIGHTS_SQLITE.map((w) => sql.lit(w)));
  return sql<number>`(select bm25(${sql.table(spec.ftsTable)}, ${weights}) from ${sql.table(spec.ftsTable)} where ${sql.table(spec.ftsTable)} match ${fts5Query(terms, options)} and rowid = ${sql.ref(`${spec.table}.${spec.keyColumn}`)})`;
}

/** Each word quoted (so no FTS5 syntax can be injected), all required, or any with `anyWord`. */
function fts5Query(terms: string[], options: MatchOptions = {}): string {
  return terms.map((t) => `"${t.replaceAll('"', '""')}"`).join(options.anyWord ? ' OR ' : ' ');
}
