// Opening a database: the only place that knows how each engine is driven. Raw SQL lives here.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DB } from '../tables.ts';
import { type Listener, type ListenHandlers, listenPostgres } from './listen.ts';

export interface Opened {
  kind: 'sqlite' | 'postgres';
  /** The writer. On SQLite, the one connection that writes; on PostgreSQL, the pool. */
  writer: Kysely<DB>;
  /** The reader. On SQLite, a second connection that never waits behind a write (WAL); on PostgreSQL, the pool. */
  reader: Kysely<DB>;
  /** Copies a consistent snapshot to a file (SQLite online backup). */
  backup?: (file: string) => Promise<void>;
  /** PostgreSQL: the schema the connection's search_path names, when one was given. */
  schema?: string;
  /** PostgreSQL: a dedicated connection listening for notifications (listen.ts). */
  listen?: (channel: string, handlers: ListenHandlers) => Listener;
  close(): Promise<void>;
}

const REQUIRED_PRAGMAS = { journal_mode: 'wal', synchronous: 2, foreign_keys: 1 } as const;

function openSqliteConnection(file: string, role: 'writer' | 'reader'): SQLite.Database {
  const conn = new SQLite(file, { timeout: 5000 });
  conn.pragma('journal_mode = WAL');
  // Durable means durable: every commit reaches the disk before it is acknowledged.
  conn.pragma('synchronous = FULL');
  conn.pragma('foreign_keys = ON');
  conn.pragma('busy_timeout = 5000');
  // Read pages through a memory map rather than a read() call each: a search over the directory's
  // 100,000 services touches thousands of pages, and mapping halved its time (bench/README.md).
  // Writes still go through the WAL; only reading changes.
  conn.pragma('mmap_size = 1073741824');
  if (role === 'reader') conn.pragma('query_only = ON');
  const got = {
    journal_mode: conn.pragma('journal_mode', { simple: true }),
    synchronous: conn.pragma('synchronous', { simple: true }),
    foreign_keys: conn.pragma('foreign_keys', { simple: true }),
  };
  for (const [name, want] of Object.entries(REQUIRED_PRAGMAS)) {
    if (got[name as keyof typeof got] !== want) {
      conn.close();
      throw new Error(`SQLite refused PRAGMA ${name} (wanted ${want}, got ${String(got[name as keyof typeof got])}); not starting.`);
    }
  }
  return conn;
}

/**
 * Kysely's SQLite driver prepares every statement every time it runs; preparing costs more than
 * running a simple indexed statement. Statements are kept by their SQL text (a bounded LRU), which is
 * safe because each connection runs one statement at a time behind Kysely's connection mutex.
 */
export function withStatementCache(
  conn: SQLite.Database,
  options: { immediate?: boolean; max?: number } = {},
): { prepare(sql: string): SQLite.Statement; close(): void } {
  const cache = new Map<string, SQLite.Statement>();
  const max = options.max ?? 1000;
  return {
    prepare(text: string) {
      // The writer takes the write lock when its transaction begins. A deferred BEGIN that reads
      // first cannot upgrade to writing once another process has committed, and SQLite then answers
      // "database is locked" at once, without waiting out the busy timeout (a CLI import while the
      // server runs, two processes in a test).
      const sql = options.immediate && /^begin$/i.test(text.trim()) ? 'begin immediate' : text;
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = conn.prepare(sql);
        if (cache.size >= max) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, stmt);
      return stmt;
    },
    close: () => conn.close(),
  };
}

export function openSqlite(file: string): Opened {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const writeConn = openSqliteConnection(file, 'writer');
  const readConn = openSqliteConnection(file, 'reader');
  const writer = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(writeConn, { immediate: true }) }) });
  const reader = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(readConn) }) });
  return {
    kind: 'sqlite',
    writer,
    reader,
    backup: async (target) => {
      await writeConn.backup(target);
    },
    close: async () => {
      await reader.destroy();
      await writer.destroy();
    },
  };
}

// PostgreSQL answers in its own text formats; these parsers make rows read the same as SQLite's:
// timestamps as ISO-8601 UTC strings, counts as numbers, JSON as the text it was written as.
const PG_TIMESTAMPTZ = 1184;
const PG_TIMESTAMP = 1114;
const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_JSON = 114;
const PG_JSONB = 3802;

export function pgTimestampToIso(value: string): string {
  // e.g. "2026-11-29 02:44:00.123456+00" (the session runs in UTC)
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value);
  if (!m) return new Date(value).toISOString();
  const frac = (m[3] ?? '.000').slice(1).padEnd(3, '0').slice(0, 3);
  const zone = m[4] === undefined || m[4] === 'Z' || /^\+00(:?00)?$/.test(m[4]) ? 'Z' : m[4];
  const iso = `${m[1]}T${m[2]}.${frac}${zone.length === 3 ? `${zone}:00` : zone}`;
  return zone === 'Z' ? iso : new Date(iso).toISOString();
}

const parsers: Record<number, (v: string) => unknown> = {
  [PG_TIMESTAMPTZ]: pgTimestampToIso,
  [PG_TIMESTAMP]: pgTimestampToIso,
  [PG_INT8]: (v) => Number.parseInt(v, 10),
  [PG_NUMERIC]: (v) => Number.parseFloat(v),
  [PG_JSON]: (v) => v,
  [PG_JSONB]: (v) => v,
};

export function openPostgres(url: string, options: { schema?: string; max?: number } = {}): Opened {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    options: `-c TimeZone=UTC -c synchronous_commit=on${options.schema ? ` -c search_path=${options.schema}` : ''}`,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        parsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  pool.on('connect', (client) => prepareRepeatedStatements(client));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    writer: db,
    reader: db,
    schema: options.schema,
    listen: (channel, handlers) => listenPostgres(url, options.schema, channel, handlers),
    close: async () => {
      await db.destroy();
    },
  };
}

/** Statements a connection keeps prepared, at most (each holds a plan in its server process). */
const PREPARED_PER_CONNECTION = 256;
/** Statements seen once that a connection remembers, to know one it sees again. */
const SEEN_PER_CONNECTION = 1024;
/** Longer statements (searches built from filters) are planned afresh each time. */
const PREPARED_MAX_LENGTH = 2000;

/**
 * Kysely sends every statement unnamed, so PostgreSQL parses and plans it again each time; for the
 * short indexed statements of Mutual's hot paths, planning is a large part of the server's work
 * (bench, holding a place at 32 connections, runs alternated: 358–393 requests a second unprepared,
 * 438–551 prepared). A statement a connection sees a second time is prepared there under a name and
 * later runs from its plan. Only plain SELECT, INSERT, UPDATE and DELETE are, at most
 * PREPARED_PER_CONNECTION of them (the first to repeat: the hot paths); the rest run unnamed as before.
 * PostgreSQL re-plans a prepared statement by itself when a table it uses changes, and keeps a plan
 * made for particular values when a generic one would cost more (plan_cache_mode auto). Full-text
 * searches (`@@`) and long statements are never prepared: the directory's search depends on its
 * values (which words, which place) too much for a generic plan; see `preparable` for the rest.
 */
export function prepareRepeatedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const named = new Map<string, string>();
  const seen = new Set<string>();
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (text: unknown, values?: unknown, ...rest: unknown[]) => {
    if (typeof text !== 'string' || !Array.isArray(values) || !preparable(text)) return query(text, values, ...rest);
    let name = named.get(text);
    if (name === undefined && named.size < PREPARED_PER_CONNECTION) {
      if (seen.delete(text)) {
        name = `mutual_${named.size}`;
        named.set(text, name);
      } else {
        if (seen.size >= SEEN_PER_CONNECTION) seen.delete(seen.values().next().value as string);
        seen.add(text);
      }
    }
    return name === undefined ? query(text, values, ...rest) : query({ name, text, values }, ...rest);
  };
}

/**
 * Plain statements, short, without full-text search, and without `*` columns: a prepared `select *`
 * fails ("cached plan must not change result type") once a migration adds a column under a running
 * server, where naming the columns keeps working. Reads of the catalogue (the migrator's) are left
 * alone: they are not hot, and they see other schemas come and go.
 */
export function preparable(text: string): boolean {
  return (
    text.length <= PREPARED_MAX_LENGTH &&
    /^\s*(select|insert|update|delete|with)\b/i.test(text) &&
    !text.includes('@@') &&
    !/(select|returning)\s+\*|\.\*/i.test(text) &&
    !/pg_catalog|information_schema|pg_namespace|pg_class|pg_attribute/i.test(text)
  );
}

/** For tests: a PostgreSQL schema of their own, created and dropped whole. */
export async function createSchema(db: Kysely<DB>, schema: string): Promise<void> {
  await sql`create schema ${sql.id(schema)}`.execute(db);
}

export async function dropSchema(db: Kysely<DB>, schema: string): Promise<void> {
  await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(db);
}

// Tests give each file a schema of its own in one database, and drop it at the end. Kysely's migrator
// reads the catalogue of every schema, so a schema dropped meanwhile by another test process breaks
// it ("relation … does not exist"). Migrations hold this lock shared; drops hold it alone.
const TEST_SCHEMA_LOCK = 727_006_001;

export async function withTestSchemaLock<T>(db: Kysely<DB>, mode: 'shared' | 'exclusive', fn: (conn: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (conn) => {
    if (mode === 'shared') await sql`select pg_advisory_lock_shared(${TEST_SCHEMA_LOCK})`.execute(conn);
    else await sql`select pg_advisory_lock(${TEST_SCHEMA_LOCK})`.execute(conn);
    try {
      return await fn(conn);
    } finally {
      if (mode === 'shared') await sql`select pg_advisory_unlock_shared(${TEST_SCHEMA_LOCK})`.execute(conn);
      else await sql`select pg_advisory_unlock(${TEST_SCHEMA_LOCK})`.execute(conn);
    }
  });
}
