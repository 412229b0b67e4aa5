// A minimal server-sent events client for tests and the bench: connects over real HTTP (app.inject
// waits for a response to end, and a stream never ends), parses text/event-stream as the HTML
// Standard does (id, event, data, retry; comment lines), and remembers the last id as a browser does.
import http from 'node:http';

export interface ReceivedEvent {
  id: string | null;
  event: string;
  data: string;
  /** performance.now() when its last line arrived. */
  at: number;
}

export interface SseClient {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly events: ReceivedEvent[];
  /** Comment lines received (heartbeats), without the colon. */
  readonly comments: string[];
  readonly retry: number | null;
  /** The last event id received (what an EventSource would send as Last-Event-ID). */
  readonly lastEventId: string | null;
  /** Whether the server closed the stream. */
  readonly ended: boolean;
  /** Resolves when `count` events have arrived in all (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  /** Resolves when the server ends the stream. */
  waitForEnd(timeoutMs?: number): Promise<void>;
  /** Called for each event as it arrives. */
  onEvent?: (event: ReceivedEvent) => void;
  close(): void;
}

/** Opens a stream; resolves once the response headers are in (whatever the status). */
export function connectSse(url: string, headers: Record<string, string> = {}, options: { agent?: http.Agent } = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent: options.agent }, (response) => {
      let buffer = '';
      let id: string | null = null;
      let event = '';
      let data: string[] = [];
      let ended = false;
      const waiters: (() => void)[] = [];
      const notify = () => {
        for (const w of waiters.splice(0)) w();
      };
      const client: SseClient = {
        status: response.statusCode ?? 0,
        headers: response.headers,
        events: [],
        comments: [],
        retry: null,
        lastEventId: null,
        get ended() {
          return ended;
        },
        waitFor(count, timeoutMs = 10_000) {
          return until(() => client.events.length >= count, timeoutMs, `${count} events (got ${client.events.length})`).then(() => client.events.slice(0, count));
        },
        waitForEnd(timeoutMs = 10_000) {
          return until(() => ended, timeoutMs, 'the end of the stream');
        },
        close() {
          request.destroy();
        },
      };
      const until = (done: () => boolean, timeoutMs: number, what: string) =>
        new Promise<void>((ok, fail) => {
          if (done()) return ok();
          const timer = setTimeout(() => fail(new Error(`Timed out waiting for ${what}.`)), timeoutMs);
          const check = () => {
            if (done()) {
              clearTimeout(timer);
              ok();
            } else waiters.push(check);
          };
          waiters.push(check);
        });
      const line = (text: string) => {
        if (text === '') {
          if (data.length > 0) {
            const received = { id, event: event || 'message', data: data.join('\n'), at: performance.now() };
            (client as { lastEventId: string | null }).lastEventId = id;
            client.events.push(received);
            client.onEvent?.(received);
          }
          event = '';
          data = [];
          return;
        }
        if (text.startsWith(':')) {
          client.comments.push(text.slice(1).trim());
          return;
        }
        const colon = text.indexOf(':');
        const field = colon === -1 ? text : text.slice(0, colon);
        const value = colon === -1 ? '' : text.slice(colon + 1).replace(/^ /, '');
        if (field === 'id') id = value;
        else if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'retry' && /^\d+$/.test(value)) (client as { retry: number | null }).retry = Number(value);
      };
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let at = buffer.indexOf('\n');
        while (at !== -1) {
          line(buffer.slice(0, at).replace(/\r$/, ''));
          buffer = buffer.slice(at + 1);
          at = buffer.indexOf('\n');
        }
        notify();
      });
      const finish = () => {
        ended = true;
        notify();
      };
      response.on('end', finish);
      response.on('close', finish);
      response.on('error', finish);
      resolve(client);
    });
    request.on('error', reject);
  });
}
