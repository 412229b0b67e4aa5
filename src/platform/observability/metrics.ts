// GET /metrics: Prometheus text for the alliance's monitoring. Each app has its own registry (not
// prom-client's global one), so tests can build many apps in one process. No personal data: routes
// are templates (/front-door/requests/:id), never filled-in URLs.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Platform } from '../context.ts';
import { timerCounts } from '../jobs/store.ts';
import { messageCounts } from '../notify/store.ts';

export default fp(
  async function metrics(app: FastifyInstance, opts: { platform: Platform }) {
    const { db } = opts.platform;
    const registry = new Registry();
    collectDefaultMetrics({ register: registry });

    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request durations by route template and status',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    new Counter({
      name: 'mutual_db_commits_total',
      help: 'Database commits (on SQLite one commit covers a batch of units of work)',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(db.stats.commits);
      },
    });
    new Counter({
      name: 'mutual_db_units_total',
      help: 'Units of work committed',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(db.stats.units);
      },
    });
    new Gauge({
      name: 'mutual_timers',
      help: 'Durable timers by status (pending: waiting or due; failed: gave up after retries)',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        const counts = await timerCounts(db.read);
        for (const status of ['pending', 'running', 'failed'] as const) this.set({ status }, counts[status]);
      },
    });
    new Gauge({
      name: 'mutual_outbox_messages',
      help: 'Outbox messages by status',
      labelNames: ['status'] as const,
      registers: [registry],
      async collect() {
        const counts = await messageCounts(db.read);
        for (const status of ['pending', 'sending', 'sent', 'failed'] as const) this.set({ status }, counts[status]);
      },
    });

    // Live pages (src/platform/realtime/): open event streams, and whether this process hears other
    // processes' changes (PostgreSQL LISTEN; 0 means boards here wait for the poll: alert on it).
    new Gauge({
      name: 'mutual_live_streams_open',
      help: 'Server-sent event streams open in this process',
      registers: [registry],
      collect() {
        this.set(app.live?.openCount ?? 0);
      },
    });
    new Gauge({
      name: 'mutual_live_listener_connected',
      help: 'Whether live events reach this process at once: 0 while its PostgreSQL listener reconnects (1 on SQLite, and before the first stream)',
      registers: [registry],
      collect() {
        const hub = app.live?.hub;
        this.set(!hub?.started || hub.listening ? 1 : 0);
      },
    });

    app.addHook('onResponse', async (request, reply) => {
      duration.observe(
        { method: request.method, route: request.is404 ? 'not-found' : (request.routeOptions.url ?? 'not-found'), status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });

    app.get('/metrics', { config: { public: true } }, async (_request, reply) => {
      return reply.type(registry.contentType).send(await registry.metrics());
    });
  },
  { name: 'metrics' },
);
