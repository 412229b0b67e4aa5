// A server-sent event stream of one live channel (the HTML Standard's EventSource, text/event-stream).
//
// - Every event has an `id:`, its row's id in live_events. A browser's EventSource sends the last one
//   back in `Last-Event-ID` when it reconnects; a page's first connection passes the id it was
//   rendered at as `?lastEventId=`. Either way the stream starts with exactly the events after it,
//   in order, read from the table, then continues live: nothing is lost across a dropped connection
//   or a server restart, because the state is in the table, not in the process.
// - When the events a client missed are no longer kept (pruned), or are too many to replay, it gets
//   one `event: reset` instead: "reload what you show" (with the current id, to resume from).
// - A comment line every 15 s keeps proxies from closing an idle stream; `retry:` tells the browser
//   how soon to reconnect.
// - Back-pressure: a client that cannot keep up (its unsent data passes a limit) is disconnected
//   rather than buffered without bound; it reconnects and resumes from the table.
// - The caller's access is checked again every minute (a session ended, a role removed): when it no
//   longer holds, the stream ends, and the browser's reconnection meets the sign-in page.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import type { Log } from '../observability/logging.ts';
import type { LiveHub } from './hub.ts';
import { type LiveEvent, latestLiveEventId, liveEventsAfter, oldestLiveEventId } from './store.ts';

export interface StreamOptions {
  channel: string;
  hub: LiveHub;
  db: Database;
  /** A comment line this often (default 15 s). */
  heartbeatMs?: number;
  /** The reconnection delay suggested to the browser (default 2 s). */
  retryMs?: number;
  /** Unsent bytes past which a slow client is disconnected (default 1 MiB). */
  maxBufferedBytes?: number;
  /** The most missed events replayed; more than this and the client gets a reset (default 1,000). */
  backlogLimit?: number;
  /** Checked every `recheckMs` (default a minute): false ends the stream. */
  stillAllowed?: () => Promise<boolean>;
  recheckMs?: number;
  log?: Log;
}

export interface OpenStream {
  /** The id of the last event sent (or the position the stream started at). */
  readonly lastSent: number;
  /** Ends the stream (the browser reconnects by itself). */
  end(): void;
  /** Resolves when the connection has closed, for whatever reason. */
  readonly closed: Promise<void>;
}

/**
 * The id of the last event the client saw: the `Last-Event-ID` header of a reconnecting EventSource,
 * else `?lastEventId=` (a page's first connection); null when neither is a plain whole number.
 */
export function lastEventIdOf(request: FastifyRequest): number | null {
  const header = request.headers['last-event-id'];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const fromQuery = (request.query as Record<string, unknown> | undefined)?.lastEventId;
  const raw = fromHeader !== undefined && fromHeader !== '' ? fromHeader : fromQuery;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw.trim())) return null;
  return Number(raw.trim());
}

/** One event in the text/event-stream format. `data` is JSON (one line). */
export function formatEvent(event: { id: number; data: string; name?: string }): string {
  return `id: ${event.id}\n${event.name ? `event: ${event.name}\n` : ''}data: ${event.data}\n\n`;
}

/**
 * Takes over the reply and streams the channel's events to it until the client leaves, the server
 * closes, or access lapses. Resolves once the stream is open (missed events sent).
 */
export async function openEventStream(request: FastifyRequest, reply: FastifyReply, options: StreamOptions): Promise<OpenStream> {
  const { hub, channel, db } = options;
  const from = lastEventIdOf(request);
  await hub.start();

  reply.hijack();
  const raw = reply.raw;
  // Headers set by hooks on the reply (security headers, cookies) still apply.
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined && name !== 'content-length' && name !== 'content-type') raw.setHeader(name, value);
  }
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // Proxies such as nginx would otherwise hold events back in their buffer.
    'x-accel-buffering': 'no',
  });
  request.raw.socket?.setNoDelay(true);

  const maxBuffered = options.maxBufferedBytes ?? 1024 * 1024;
  let lastSent = from ?? hub.position;
  let buffered: LiveEvent[] | null = from === null ? null : [];
  let ended = false;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });

  const write = (chunk: string) => {
    if (ended) return;
    raw.write(chunk);
    if (raw.writableLength > maxBuffered) {
      // Too slow to keep up: drop it; it comes back with its Last-Event-ID and catches up from the table.
      options.log?.warn({ channel }, 'live events: a client fell too far behind and was disconnected');
      raw.destroy();
      cleanup();
    }
  };
  const send = (event: LiveEvent) => {
    if (event.id <= lastSent) return;
    write(formatEvent({ id: event.id, data: event.payload }));
    lastSent = event.id;
  };
  const reset = (to: number) => {
    write(formatEvent({ id: to, name: 'reset', data: '{}' }));
    lastSent = to;
  };

  const unsubscribe = hub.subscribe({
    channel,
    deliver: (event) => {
      if (buffered) buffered.push(event);
      else send(event);
    },
  });
  const heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs ?? 15_000);
  let checking = false;
  const recheck = options.stillAllowed
    ? setInterval(() => {
        if (checking) return;
        checking = true;
        options
          .stillAllowed?.()
          .then((ok) => {
            if (!ok) end();
          })
          .catch(() => undefined)
          .finally(() => {
            checking = false;
          });
      }, options.recheckMs ?? 60_000)
    : undefined;

  const cleanup = () => {
    if (ended) return;
    ended = true;
    unsubscribe();
    clearInterval(heartbeat);
    if (recheck) clearInterval(recheck);
    resolveClosed();
  };
  raw.on('close', cleanup);
  raw.on('error', cleanup);
  const end = () => {
    if (ended) return;
    raw.end();
    cleanup();
  };

  write(`retry: ${options.retryMs ?? 2000}\n: connected\n\n`);

  if (from !== null) {
    try {
      await catchUp(from);
    } catch (error) {
      // The database is away: close, and the client tries again shortly.
      options.log?.warn({ err: { message: (error as Error).message } }, 'live events: catching a client up failed');
      end();
    }
    const waiting = buffered ?? [];
    buffered = null;
    for (const event of waiting) send(event);
  }

  async function catchUp(after: number): Promise<void> {
    const limit = options.backlogLimit ?? 1000;
    const [latest, oldest] = await Promise.all([latestLiveEventId(db.read), oldestLiveEventId(db.read)]);
    // An id past the newest (from another database, or one restored from a backup), or events after
    // it no longer kept (pruned): what the client shows cannot be brought up to date event by event.
    if (after > latest || (oldest !== null && oldest > after + 1)) return reset(latest);
    const missed = await liveEventsAfter(db.read, after, limit + 1, channel);
    if (missed.length > limit) return reset(latest);
    for (const event of missed) send(event);
  }

  return {
    get lastSent() {
      return lastSent;
    },
    end,
    closed,
  };
}
