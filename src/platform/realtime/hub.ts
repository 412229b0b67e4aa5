// One per process and database: follows the live_events table and hands each new event to the
// subscribers of its channel (the open server-sent event streams of this process).
//
// It keeps one cursor (the last id it read) and reads `id > cursor` whenever it is woken: by a
// commit in this process (publish.ts), by a PostgreSQL notification from any process (one
// dedicated LISTEN connection, reconnecting by itself), and by a slow poll, the safety net for a
// notification lost while the listener reconnected or a write by another program on SQLite. Wake-ups
// that arrive while it reads are folded into one more read, so a burst costs a read or two, not one
// per event, whatever the number of clients.
import type { Database } from '../db/database.ts';
import type { Listener } from '../db/dialect/listen.ts';
import type { Log } from '../observability/logging.ts';
import { localCommits } from './publish.ts';
import { LIVE_NOTIFY_CHANNEL, type LiveEvent, latestLiveEventId, liveEventsAfter } from './store.ts';

export interface LiveSubscriber {
  channel: string;
  deliver(event: LiveEvent): void;
}

export interface HubOptions {
  /** How often to read even without a wake-up (default: 2 s on SQLite, 5 s on PostgreSQL). */
  pollMs?: number;
  log?: Log;
}

const READ_LIMIT = 500;

export class LiveHub {
  private cursor = 0;
  private starting: Promise<void> | undefined;
  private stopped = false;
  private reading: Promise<void> | undefined;
  private again = false;
  private listener: Listener | undefined;
  private poll: NodeJS.Timeout | undefined;
  private readonly subscribers = new Map<string, Set<LiveSubscriber>>();
  private readonly onLocalCommit = () => this.wake();
  /** Reads made and events handed out: for tests and metrics. */
  readonly stats = { reads: 0, events: 0 };

  constructor(
    private readonly db: Database,
    private readonly options: HubOptions = {},
  ) {}

  /** The id of the last event read: a subscriber that starts now has seen everything up to it. */
  get position(): number {
    return this.cursor;
  }

  /** Whether the hub follows the table (it starts with the first stream). */
  get started(): boolean {
    return this.starting !== undefined && !this.stopped;
  }

  /** Whether the PostgreSQL listener is connected (always true on SQLite, which needs none). */
  get listening(): boolean {
    return this.db.kind === 'sqlite' || this.listener?.connected === true;
  }

  /** Starts following the table (once; later calls wait for the first). */
  start(): Promise<void> {
    this.starting ??= (async () => {
      this.cursor = await latestLiveEventId(this.db.read);
      if (this.stopped) return;
      localCommits.on('committed', this.onLocalCommit);
      this.listener = this.db.listen(LIVE_NOTIFY_CHANNEL, {
        onNotify: () => this.wake(),
        // Notifications sent while it was away are lost: read what committed meanwhile.
        onConnect: () => this.wake(),
        onError: (error) => this.options.log?.warn({ err: { message: error.message } }, 'live events: the PostgreSQL listener dropped; reconnecting'),
      });
      this.poll = setInterval(() => this.wake(), this.options.pollMs ?? (this.db.kind === 'sqlite' ? 2000 : 5000));
      this.poll.unref();
    })().catch((error: unknown) => {
      // The database did not answer: the next subscriber tries again.
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /** Adds a subscriber; returns the function that removes it. */
  subscribe(subscriber: LiveSubscriber): () => void {
    let set = this.subscribers.get(subscriber.channel);
    if (!set) {
      set = new Set();
      this.subscribers.set(subscriber.channel, set);
    }
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(subscriber.channel) === set) this.subscribers.delete(subscriber.channel);
    };
  }

  /** How many subscribers a channel has (all channels when none is named). */
  subscriberCount(channel?: string): number {
    if (channel !== undefined) return this.subscribers.get(channel)?.size ?? 0;
    let n = 0;
    for (const set of this.subscribers.values()) n += set.size;
    return n;
  }

  /** Reads what committed since the cursor and hands it out; resolves when that read is done. */
  wake(): Promise<void> {
    if (this.stopped || !this.starting) return Promise.resolve();
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.drain().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async drain(): Promise<void> {
    await this.starting;
    do {
      this.again = false;
      let rows: LiveEvent[];
      do {
        try {
          rows = await liveEventsAfter(this.db.read, this.cursor, READ_LIMIT);
        } catch (error) {
          // The database is away (or closing): the next wake-up or poll tries again.
          if (!this.stopped) this.options.log?.warn({ err: { message: (error as Error).message } }, 'live events: reading new events failed');
          return;
        }
        this.stats.reads++;
        for (const event of rows) {
          if (this.stopped) return;
          this.cursor = event.id;
          this.stats.events++;
          for (const s of this.subscribers.get(event.channel) ?? []) {
            try {
              s.deliver(event);
            } catch (error) {
              this.options.log?.warn({ err: { message: (error as Error).message } }, 'live events: a subscriber failed');
            }
          }
        }
      } while (rows.length === READ_LIMIT);
    } while (this.again && !this.stopped);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    localCommits.off('committed', this.onLocalCommit);
    if (this.poll) clearInterval(this.poll);
    await this.starting?.catch(() => undefined);
    await this.listener?.close();
    await this.reading?.catch(() => undefined);
    this.subscribers.clear();
  }
}
