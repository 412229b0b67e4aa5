// Test databases: every store and migration test runs on SQLite and on PostgreSQL.
//
//   for (const dialect of testDialects()) {
//     describe(`requests store (${dialect.name})`, { skip: dialect.skip }, () => {
//       const db = dialect.database(t => ...)  // inside a test or before()
//     });
//   }
//
// SQLite: a fresh file in a temp folder. PostgreSQL: a fresh schema in the database named by
// TEST_DATABASE_URL (default: the local server at 127.0.0.1:5432, database test). Where no
// PostgreSQL answers, its tests skip with the reason printed; under CI=true they fail instead,
// because CI must run them.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSchema, dropSchema, withTestSchemaLock } from './dialect/connect.ts';
import { type Database, openDatabase } from './database.ts';
import { migrateToLatest } from './migrate.ts';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function testPostgresUrl(): string {
  return process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
}

let pgReachable: { ok: boolean; reason?: string } | undefined;

/** Whether PostgreSQL answers; checked once per process, synchronously so `describe` can skip. */
export function postgresAvailability(): { ok: boolean; reason?: string } {
  if (pgReachable) return pgReachable;
  const url = testPostgresUrl();
  try {
    // A child process keeps this synchronous: describe() blocks are declared synchronously.
    execFileSync(process.execPath, ['-e', PROBE, url], { timeout: 8000, stdio: 'pipe' });
    pgReachable = { ok: true };
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim().split('\n').pop() ?? String(error);
    pgReachable = { ok: false, reason: `PostgreSQL not reachable at ${redactUrl(url)} (${detail})` };
    if (process.env.CI === 'true') {
      throw new Error(`CI must run the PostgreSQL tests, but ${pgReachable.reason}`);
    }
    console.log(`# skipping PostgreSQL tests: ${pgReachable.reason}`);
  }
  return pgReachable;
}

const PROBE = `
const pg = require(${JSON.stringify(require_pg_path())});
const c = new pg.Client({ connectionString: process.argv[1], connectionTimeoutMillis: 5000 });
c.connect().then(() => c.query('select 1')).then(() => c.end()).catch(e => { console.error(e.message); process.exit(1); });
`;

function require_pg_path(): string {
  return path.resolve('node_modules/pg');
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

export interface TestDialect {
  name: 'sqlite' | 'postgres';
  /** Set when this dialect cannot run here; pass to describe/it as `skip`. */
  skip: string | false;
  /** A fresh, migrated database for one test or suite; call `close` (or use `t.after`). */
  fresh(options?: { migrate?: boolean }): Promise<TestDatabase>;
}

export interface TestDatabase {
  db: Database;
  /** Where it lives, for tools that open it again (another process, the CLI). */
  target: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema: string };
  close(): Promise<void>;
}

let counter = 0;

export function testDialects(): TestDialect[] {
  const pgState = postgresAvailability();
  return [
    {
      name: 'sqlite',
      skip: false,
      async fresh({ migrate = true } = {}) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-test-'));
        const file = path.join(dir, 'test.db');
        const db = openDatabase({ kind: 'sqlite', file });
        if (migrate) await migrateToLatest(db);
        return {
          db,
          target: { kind: 'sqlite', file },
          async close() {
            await db.close();
            fs.rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    },
    {
      name: 'postgres',
      skip: pgState.ok ? false : (pgState.reason ?? 'PostgreSQL not reachable'),
      async fresh({ migrate = true } = {}) {
        const url = testPostgresUrl();
        const schema = `t_${process.pid}_${Date.now().toString(36)}_${counter++}`;
        const admin = openDatabase({ kind: 'postgres', url });
        await createSchema(admin.writer, schema);
        const db = openDatabase({ kind: 'postgres', url, schema });
        try {
          if (migrate) await withTestSchemaLock(admin.writer, 'shared', () => migrateToLatest(db));
        } finally {
          await admin.close();
        }
        return {
          db,
          target: { kind: 'postgres', url, schema },
          async close() {
            await db.close();
            const cleanup = openDatabase({ kind: 'postgres', url });
            await withTestSchemaLock(cleanup.writer, 'exclusive', (conn) => dropSchema(conn, schema));
            await cleanup.close();
          },
        };
      },
    },
  ];
}

/** For tests that run migrations themselves: holds the lock that keeps other files' schema drops out. */
export async function whileMigrating<T>(target: TestDatabase['target'], fn: () => Promise<T>): Promise<T> {
  if (target.kind !== 'postgres') return fn();
  const admin = openDatabase({ kind: 'postgres', url: target.url });
  try {
    return await withTestSchemaLock(admin.writer, 'shared', fn);
  } finally {
    await admin.close();
  }
}

/** The tables of this database and their columns (on PostgreSQL, of its own schema only). */
export { tablesAndColumns } from './dialect/catalogue.ts';
