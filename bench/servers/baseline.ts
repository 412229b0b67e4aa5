// The bare baseline: a minimal Fastify server with no Mutual code, on the same database engine as
// the app, doing the least a hot path could do:
//   POST /insert  one durable insert (SQLite: its own transaction, WAL, synchronous=FULL, one fsync
//                 per request; PostgreSQL: one INSERT with synchronous_commit=on)
//   GET  /read    one lookup by an indexed column among 10,000 rows
// A scenario's ratio is its throughput over this server's, measured in the same run.
//   tsx bench/servers/baseline.ts '{"kind":"sqlite","file":"/tmp/…/baseline.db"}'
//   tsx bench/servers/baseline.ts '{"kind":"postgres","url":"postgres://…","schema":"bench_…"}'
// Prints `READY {"origin":…}` once listening; stops on SIGTERM.
import crypto from 'node:crypto';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';

type Target = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema: string };

const ROWS = 10_000;
const target = JSON.parse(process.argv[2] ?? '{}') as Target;

interface Store {
  insert(payload: string): Promise<string>;
  read(key: number): Promise<{ id: string; payload: string } | undefined>;
  close(): Promise<void>;
}

function payloadOf(i: number): string {
  return `row ${i} ${'x'.repeat(64)}`;
}

function sqliteStore(file: string): Store {
  const conn = new SQLite(file, { timeout: 5000 });
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = FULL');
  conn.pragma('foreign_keys = ON');
  if (conn.pragma('synchronous', { simple: true }) !== 2 || conn.pragma('journal_mode', { simple: true }) !== 'wal') {
    throw new Error('baseline: SQLite refused WAL or synchronous=FULL');
  }
  conn.exec(`create table if not exists items (id text primary key, key integer not null, created_at text not null, payload text not null);
             create index if not exists items_key on items (key);`);
  const insert = conn.prepare('insert into items (id, key, created_at, payload) values (?, ?, ?, ?)');
  const count = (conn.prepare('select count(*) as n from items').get() as { n: number }).n;
  if (count < ROWS) {
    conn.transaction(() => {
      for (let i = count; i < ROWS; i++) insert.run(crypto.randomUUID(), i, new Date().toISOString(), payloadOf(i));
    })();
  }
  const select = conn.prepare('select id, payload from items where key = ?');
  let next = ROWS;
  return {
    async insert(payload) {
      const id = crypto.randomUUID();
      insert.run(id, next++, new Date().toISOString(), payload);
      return id;
    },
    async read(key) {
      return select.get(key) as { id: string; payload: string } | undefined;
    },
    async close() {
      conn.close();
    },
  };
}

async function postgresStore(url: string, schema: string): Promise<Store> {
  const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c synchronous_commit=on -c search_path=${schema}` });
  await pool.query(`create table if not exists items (id uuid primary key, key bigint not null, created_at timestamptz not null, payload text not null)`);
  await pool.query('create index if not exists items_key on items (key)');
  const { rows } = await pool.query<{ n: string }>('select count(*) as n from items');
  const count = Number(rows[0]?.n ?? 0);
  if (count < ROWS) {
    await pool.query(
      `insert into items (id, key, created_at, payload)
       select gen_random_uuid(), g, now(), 'row ' || g || ' ' || repeat('x', 64) from generate_series($1::int, $2::int) g`,
      [count, ROWS - 1],
    );
  }
  await pool.query('analyze items');
  let next = ROWS;
  return {
    async insert(payload) {
      const id = crypto.randomUUID();
      await pool.query('insert into items (id, key, created_at, payload) values ($1, $2, $3, $4)', [id, next++, new Date().toISOString(), payload]);
      return id;
    },
    async read(key) {
      const r = await pool.query<{ id: string; payload: string }>('select id, payload from items where key = $1', [key]);
      return r.rows[0];
    },
    async close() {
      await pool.end();
    },
  };
}

const store = target.kind === 'sqlite' ? sqliteStore(target.file) : await postgresStore(target.url, target.schema);
const app = Fastify({ logger: false });

app.post('/insert', async (request, reply) => {
  const body = request.body as { payload?: unknown } | undefined;
  const payload = typeof body?.payload === 'string' ? body.payload : 'empty';
  const id = await store.insert(payload);
  return reply.code(201).send({ id });
});

app.get('/read', async (_request, reply) => {
  const row = await store.read(Math.floor(Math.random() * ROWS));
  if (!row) return reply.code(404).send({ error: 'not found' });
  return row;
});

const address = await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`READY ${JSON.stringify({ origin: new URL(address).origin })}`);

process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => store.close())
    .then(() => process.exit(0));
});
