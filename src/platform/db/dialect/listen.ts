// PostgreSQL LISTEN/NOTIFY: how one process tells the others "something committed, look again".
//
// NOTIFY is sent inside the writing transaction and delivered only when it commits (never for a
// rollback); identical notifications of one transaction are delivered once. Channels are
// database-wide, while a deployment (or a test) may keep its tables in a schema of its own, so the
// payload names the schema and listeners ignore other schemas' notifications. A notification says
// only that something changed: the listener then reads what changed from its table, so one lost
// while a listener reconnects costs a moment, not an update (it reads again on reconnecting).
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import { dialectOf } from './types.ts';

/** Notifies listeners of `channel` when the caller's transaction commits. Nothing on SQLite (one process). */
// biome-ignore lint/suspicious/noExplicitAny: any schema.
export async function notifyOnCommit(tx: Kysely<any>, channel: string): Promise<void> {
  if (dialectOf(tx) !== 'postgres') return;
  await sql`select pg_notify(${channel}, current_schema())`.execute(tx);
}

export interface ListenHandlers {
  /** A notification for this schema arrived. */
  onNotify(): void;
  /** The listening connection is (again) established: anything may have been missed meanwhile. */
  onConnect(): void;
  /** The connection failed or dropped; it is retried with backoff. For logging (no personal data in it). */
  onError(error: Error): void;
}

export interface Listener {
  /** Whether the LISTEN is in place now. */
  readonly connected: boolean;
  close(): Promise<void>;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 10_000;

/**
 * One dedicated connection (outside the pool, which would hand it to queries) that LISTENs on
 * `channel` and reconnects with backoff (250 ms doubling to 10 s, with jitter) whenever it drops.
 */
export function listenPostgres(url: string, schema: string | undefined, channel: string, handlers: ListenHandlers): Listener {
  let client: pg.Client | undefined;
  let connected = false;
  let closed = false;
  let delay = FIRST_RETRY_MS;
  let retry: NodeJS.Timeout | undefined;
  let mySchema: string | undefined;

  const scheduleRetry = () => {
    if (closed || retry) return;
    const wait = Math.round(delay * (0.5 + Math.random() / 2));
    delay = Math.min(delay * 2, MAX_RETRY_MS);
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, wait);
    retry.unref();
  };

  const dropped = (error: Error) => {
    const c = client;
    client = undefined;
    connected = false;
    c?.removeAllListeners();
    c?.on('error', () => undefined);
    void c?.end().catch(() => undefined);
    if (closed) return;
    handlers.onError(error);
    scheduleRetry();
  };

  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({
      connectionString: url,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
      // Names the connection in pg_stat_activity, for operations (and the test that kills it).
      application_name: listenerName(schema),
      options: `-c TimeZone=UTC${schema ? ` -c search_path=${schema}` : ''}`,
    });
    client = c;
    c.on('error', (error) => dropped(error));
    c.on('end', () => {
      if (client === c) dropped(new Error('The listening connection ended.'));
    });
    c.on('notification', (message) => {
      if (message.channel === channel && message.payload === mySchema) handlers.onNotify();
    });
    try {
      await c.connect();
      const row = await c.query<{ schema: string }>('select current_schema() as schema');
      mySchema = row.rows[0]?.schema;
      await c.query(`listen ${pg.escapeIdentifier(channel)}`);
      if (closed) {
        await c.end().catch(() => undefined);
        return;
      }
      connected = true;
      delay = FIRST_RETRY_MS;
      handlers.onConnect();
    } catch (error) {
      if (client === c) dropped(error instanceof Error ? error : new Error(String(error)));
    }
  };

  void connect();
  return {
    get connected() {
      return connected;
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const c = client;
      client = undefined;
      connected = false;
      if (c) {
        c.removeAllListeners();
        c.on('error', () => undefined);
        await c.end().catch(() => undefined);
      }
    },
  };
}

function listenerName(schema: string | undefined): string {
  return `mutual-live:${schema ?? 'public'}`.slice(0, 63);
}

/** Ends every listening connection of the schema from the server side, as a failover would (tests and operations). */
// biome-ignore lint/suspicious/noExplicitAny: any schema.
export async function terminateListeners(db: Kysely<any>, schema: string | undefined): Promise<number> {
  const result = await sql<{ pid: number }>`select pg_terminate_backend(pid) as pid from pg_stat_activity where application_name = ${listenerName(schema)}`.execute(db);
  return result.rows.length;
}
