// The bare baseline: a minimal Fastify server with no Mutual code, on the same database engine as
// the app, doing the least a hot path could do:
//   POST /insert  one durable insert (SQLite: its own transaction, WAL, synchronous=FULL, one fsync
//                 per request; PostgreSQL: one INSERT with synchronous_commit=on)
//   GET  /read    one lookup by an indexed column among 10,000 rows
//   GET  /fts?q=&lat=&lng=&km=   a full-text match within a box around a place, nearest 20 first,
//                 read from the app's own directory tables (given as `app` in the target), so both
//                 see the same 100,000 services and the same indexes. SQLite: the FTS5 MATCH, checked
//                 for each location the latitude/longitude index finds in the box; PostgreSQL: the
//                 tsvector (GIN) match, planned by the server. No hours, statuses, counting, other
//                 tables or HTML: only what a text search near a place cannot do without.
// A scenario's ratio is its throughput over this server's, measured in the same run.
//   tsx bench/servers/baseline.ts '{"kind":"sqlite","file":"/tmp/…/baseline.db","app":{…}}'
//   tsx bench/servers/baseline.ts '{"kind":"postgres","url":"postgres://…","schema":"bench_…","app":{…}}'
// Prints `READY {"origin":…}` once listening; stops on SIGTERM.
import crypto from 'node:crypto';
import SQLite from 'better-sqlite3';
import Fastify from 'fastify';
import pg from 'pg';

type Place = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema: string };
type Target = Place & { app?: Place };

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

// ---- GET /fts: a text search near a place, on the app's directory tables ---------------------

interface FtsQuery {
  text: string;
  latitude: number;
  longitude: number;
  radiusKm: number;
}

interface FtsHit {
  id: string;
  name: string;
}

type FtsSearch = (q: FtsQuery) => Promise<FtsHit[]>;

/** The words of the search, letters and digits only. */
function words(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12);
}

/** A box around the place holding every point within the radius (1° of latitude is 111.2 km). */
function box(q: FtsQuery) {
  const dLat = q.radiusKm / 111.195;
  const dLng = dLat / Math.cos((q.latitude * Math.PI) / 180);
  return { minLat: q.latitude - dLat, maxLat: q.latitude + dLat, minLng: q.longitude - dLng, maxLng: q.longitude + dLng, kx: Math.cos((q.latitude * Math.PI) / 180) };
}

// Nearest first by squared distance on a flat map scaled for the latitude: near enough within miles.
const NEAREST = 'order by (l.latitude - ?) * (l.latitude - ?) + (l.longitude - ?) * (l.longitude - ?) * ? limit 20';

/** Opened at the first search: the app creates and fills its database after this server starts. */
function sqliteFts(file: string): { search: FtsSearch; close(): void } {
  let opened: { conn: SQLite.Database; stmt: SQLite.Statement } | null = null;
  const open = () => {
    const conn = new SQLite(file, { readonly: true, timeout: 5000 });
    // As the app's own connections (src/platform/db/dialect/connect.ts).
    conn.pragma('mmap_size = 1073741824');
    const stmt = conn.prepare(`
      select s.id, s.name
      from directory_locations l
      join directory_service_at_locations sal on sal.location_id = l.id
      join directory_services s on s.id = sal.service_id
      where l.latitude between ? and ? and l.longitude between ? and ?
        and exists (select 1 from directory_services_fts f where directory_services_fts match ? and f.rowid = s.search_key)
      ${NEAREST}`);
    return { conn, stmt };
  };
  return {
    async search(q) {
      opened ??= open();
      const { stmt } = opened;
      const b = box(q);
      const match = words(q.text)
        .map((w) => `"${w}"`)
        .join(' ');
      if (!match) return [];
      return stmt.all(b.minLat, b.maxLat, b.minLng, b.maxLng, match, q.latitude, q.latitude, q.longitude, q.longitude, b.kx * b.kx) as FtsHit[];
    },
    close: () => opened?.conn.close(),
  };
}

function postgresFts(url: string, schema: string): { search: FtsSearch; close(): Promise<void> } {
  const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });
  let n = 0;
  const sql = `
    select s.id, s.name
    from directory_locations l
    join directory_service_at_locations sal on sal.location_id = l.id
    join directory_services s on s.id = sal.service_id
    where l.latitude between $1 and $2 and l.longitude between $3 and $4
      and s.search_vector @@ plainto_tsquery('english', $5)
    ${NEAREST.replace(/\?/g, () => `$${6 + n++}`)}`;
  return {
    async search(q) {
      const b = box(q);
      const text = words(q.text).join(' ');
      if (!text) return [];
      const r = await pool.query<FtsHit>({ name: 'fts', text: sql, values: [b.minLat, b.maxLat, b.minLng, b.maxLng, text, q.latitude, q.latitude, q.longitude, q.longitude, b.kx * b.kx] });
      return r.rows;
    },
    close: () => pool.end(),
  };
}

const fts = target.app ? (target.app.kind === 'sqlite' ? sqliteFts(target.app.file) : postgresFts(target.app.url, target.app.schema)) : null;

const store = target.kind === 'sqlite' ? sqliteStore(target.file) : await postgresStore(target.url, target.schema);
const app = Fastify({ logger: false });

app.get('/fts', async (request, reply) => {
  if (!fts) return reply.code(404).send({ error: 'no app database given' });
  const query = request.query as Record<string, string | undefined>;
  const q = { text: String(query.q ?? ''), latitude: Number(query.lat), longitude: Number(query.lng), radiusKm: Number(query.km) };
  if (![q.latitude, q.longitude, q.radiusKm].every(Number.isFinite)) return reply.code(400).send({ error: 'lat, lng and km are numbers' });
  return { hits: await fts.search(q) };
});

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
    .then(() => fts?.close())
    .then(() => process.exit(0));
});
