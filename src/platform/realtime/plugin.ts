// The live events plugin: one hub per app (started at the first stream), `app.live.stream(...)` for
// routes that serve a channel as server-sent events, and the housekeeping: open streams end when
// the server closes (browsers reconnect, to this server once restarted or to another), and events
// older than a day are pruned hourly by processes that run the worker. See README.md.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { can } from '../access/policy.ts';
import { membershipsOf } from '../auth/accounts.ts';
import { sessionEnded } from '../auth/sessions.ts';
import { findSessionWithUser } from '../auth/store.ts';
import type { Platform } from '../context.ts';
import { LiveHub } from './hub.ts';
import { latestLiveEventId, pruneLiveEvents } from './store.ts';
import { type OpenStream, openEventStream, type StreamOptions } from './sse.ts';

/** Live events are kept this long: long enough for any client that was away to catch up. */
export const LIVE_EVENTS_KEPT_MS = 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;

export interface LiveStreams {
  readonly hub: LiveHub;
  /**
   * Answers the request with the channel's server-sent events (see sse.ts), for a route that has
   * declared its permission: the stream ends if the signed-in session ends or loses that permission.
   */
  stream(request: FastifyRequest, reply: FastifyReply, channel: string, options?: Partial<Pick<StreamOptions, 'heartbeatMs' | 'retryMs' | 'recheckMs' | 'maxBufferedBytes'>>): Promise<OpenStream>;
  /** The newest event's id: a page renders it (`data-live-last-id`) so its stream resumes from there. */
  latestId(): Promise<number>;
  /** How many streams are open in this process. */
  readonly openCount: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    live: LiveStreams;
  }
}

export default fp(
  async function realtime(app: FastifyInstance, opts: { platform: Platform }) {
    const { platform } = opts;
    const { db, clock, config } = platform;
    const hub = new LiveHub(db, { log: app.log });
    const open = new Set<OpenStream>();

    /** Whether the session the stream was opened with is still alive and still grants the permission (read only: a stream does not keep a session from going idle). */
    const stillAllowed = (request: FastifyRequest) => {
      const idHash = request.authSession?.idHash;
      const permission = request.routeOptions.config?.permission;
      return async () => {
        if (!idHash || !permission) return request.routeOptions.config?.public === true;
        const row = await findSessionWithUser(db.read, idHash);
        if (row?.stage !== 'full' || sessionEnded(config, clock.now(), row)) return false;
        const actor = request.actor;
        if (actor.kind !== 'user') return false;
        return can({ ...actor, memberships: await membershipsOf(db.read, row.user_id) }, permission);
      };
    };

    app.decorate('live', {
      hub,
      async stream(request, reply, channel, options = {}) {
        const stream = await openEventStream(request, reply, { ...options, channel, hub, db, log: request.log, stillAllowed: stillAllowed(request) });
        open.add(stream);
        void stream.closed.then(() => open.delete(stream));
        return stream;
      },
      latestId: () => latestLiveEventId(db.read),
      get openCount() {
        return open.size;
      },
    } satisfies LiveStreams);

    let prune: NodeJS.Timeout | undefined;
    if (config.worker.enabled) {
      prune = setInterval(() => {
        const before = new Date(clock.now().getTime() - LIVE_EVENTS_KEPT_MS).toISOString();
        db.write((tx) => pruneLiveEvents(tx, before)).catch((error: unknown) => {
          app.log.warn({ err: { message: (error as Error).message } }, 'live events: pruning failed');
        });
      }, PRUNE_EVERY_MS);
      prune.unref();
    }

    // Streams never finish on their own: end them first, or closing would wait for them forever.
    app.addHook('preClose', async () => {
      for (const stream of open) stream.end();
    });
    app.addHook('onClose', async () => {
      if (prune) clearInterval(prune);
      await hub.stop();
    });
  },
  { name: 'realtime', dependencies: ['access', 'auth'] },
);
