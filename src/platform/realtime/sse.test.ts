// Server-sent events over real HTTP, on the real app: every event has an id, a client that comes back
// with its last id gets exactly what it missed in order, access is that of any page, and the stream
// outlives nothing it should not (a session, the server).
import assert from 'node:assert/strict';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../app.ts';
import { testConfig } from '../../config.ts';
import { buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestUser } from '../../testing/auth.ts';
import { hashSessionId, startSession } from '../auth/sessions.ts';
import { createPlatform } from '../context.ts';
import { testDialects } from '../db/testing.ts';
import { publishLiveEvent } from './publish.ts';
import { latestLiveEventId, pruneLiveEvents } from './store.ts';
import { connectSse } from './testing.ts';

const FEED = 'test:feed';

/** A route streaming the test channel, declared like any page: signed in, with a permission. */
function addFeedRoute(app: FastifyInstance) {
  app.get('/test/live', { config: { permission: 'crisis:board:read' } }, async (request, reply) => {
    await app.live.stream(request, reply, FEED, { heartbeatMs: 150, recheckMs: 100 });
  });
  app.get('/test/live-small-buffer', { config: { permission: 'crisis:board:read' } }, async (request, reply) => {
    await app.live.stream(request, reply, 'test:flood', { maxBufferedBytes: 64 * 1024 });
  });
}

for (const dialect of testDialects()) {
  describe(`server-sent events (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let origin: string;
    let cookie: string;

    const publish = (payload: Record<string, unknown>, channel = FEED) => t.db.write((tx) => publishLiveEvent(tx, channel, payload, t.clock.now()));
    const open = (query = '', headers: Record<string, string> = {}) => connectSse(`${origin}/test/live${query}`, { cookie, ...headers });
    const sessionFor = async (role: 'practitioner' | 'person') => {
      const user = await createTestUser(t.db, t.clock, { role });
      const id = await t.db.write((tx) => startSession(tx, t.config, t.clock.now(), { userId: user.userId, stage: 'full' }));
      return `session=${id}`;
    };

    before(async () => {
      t = await buildTestApp(dialect, {}, { beforeReady: addFeedRoute });
      origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
      cookie = await sessionFor('practitioner');
    });
    after(async () => {
      await t?.close();
    });

    it('answers text/event-stream, not cached, with a retry hint, and sends what happens after it connected, each with its id', async () => {
      await publish({ n: 'before' });
      const client = await open();
      try {
        assert.equal(client.status, 200);
        assert.match(String(client.headers['content-type']), /^text\/event-stream/);
        assert.equal(client.headers['cache-control'], 'no-store');
        assert.ok(client.headers['content-security-policy'], 'the security headers still apply');
        await sleep(50);
        await publish({ n: 'after' });
        const [event] = await client.waitFor(1);
        assert.equal(JSON.parse(event!.data).n, 'after');
        assert.equal(event!.id, String(await latestLiveEventId(t.db.read)));
        assert.equal(client.retry, 2000);
      } finally {
        client.close();
      }
    });

    it('resumes from Last-Event-ID with exactly the events missed on its channel, in order, then the live ones', async () => {
      await publish({ n: 1 });
      const seen = await latestLiveEventId(t.db.read);
      await publish({ n: 2 });
      await publish({ n: 'other channel' }, 'test:other');
      await publish({ n: 3 });
      await publish({ n: 4 });
      const client = await open('', { 'last-event-id': String(seen) });
      try {
        await client.waitFor(3);
        await publish({ n: 5 });
        const events = await client.waitFor(4);
        assert.deepEqual(
          events.map((e) => JSON.parse(e.data).n),
          [2, 3, 4, 5],
        );
        const ids = events.map((e) => Number(e.id));
        assert.deepEqual(
          ids,
          [...ids].sort((a, b) => a - b),
        );
        assert.ok(ids[0]! > seen);
      } finally {
        client.close();
      }
    });

    it('takes ?lastEventId= on the first connection, and the Last-Event-ID header over it when both are sent', async () => {
      const first = await latestLiveEventId(t.db.read);
      await publish({ n: 'a' });
      const second = await latestLiveEventId(t.db.read);
      await publish({ n: 'b' });
      const fromQuery = await open(`?lastEventId=${first}`);
      const fromHeader = await open(`?lastEventId=${first}`, { 'last-event-id': String(second) });
      try {
        assert.deepEqual(
          (await fromQuery.waitFor(2)).map((e) => JSON.parse(e.data).n),
          ['a', 'b'],
        );
        assert.deepEqual(
          (await fromHeader.waitFor(1)).map((e) => JSON.parse(e.data).n),
          ['b'],
        );
        await sleep(100);
        assert.equal(fromHeader.events.length, 1);
      } finally {
        fromQuery.close();
        fromHeader.close();
      }
    });

    it('sends a reset instead when the events after the id were pruned, or the id is from another database', async () => {
      const seen = await latestLiveEventId(t.db.read);
      await publish({ n: 'will be pruned' });
      await publish({ n: 'will be pruned too' });
      await t.db.write((tx) => pruneLiveEvents(tx, '2099-01-01T00:00:00.000Z'));
      const latest = await latestLiveEventId(t.db.read);
      const pruned = await open('', { 'last-event-id': String(seen) });
      const future = await open('', { 'last-event-id': String(latest + 1000) });
      try {
        for (const client of [pruned, future]) {
          const [reset] = await client.waitFor(1);
          assert.equal(reset!.event, 'reset');
          assert.equal(reset!.id, String(latest), 'resumes from the newest event after reloading');
        }
        await publish({ n: 'next' });
        for (const client of [pruned, future]) {
          const events = await client.waitFor(2);
          assert.equal(JSON.parse(events[1]!.data).n, 'next');
        }
      } finally {
        pruned.close();
        future.close();
      }
    });

    it('sends a heartbeat comment while nothing happens', async () => {
      const client = await open();
      try {
        await sleep(400);
        assert.ok(client.comments.filter((c) => c === 'heartbeat').length >= 2, `comments: ${client.comments.join(', ')}`);
      } finally {
        client.close();
      }
    });

    it('is refused like any page: signed out to the sign-in page, without the permission as not found', async () => {
      const anonymous = await connectSse(`${origin}/test/live`);
      anonymous.close();
      assert.equal(anonymous.status, 303);
      assert.match(String(anonymous.headers.location), /^\/sign-in\?next=/);
      const person = await connectSse(`${origin}/test/live`, { cookie: await sessionFor('person') });
      person.close();
      assert.equal(person.status, 404);
    });

    it('ends the stream when its session ends', async () => {
      const own = await sessionFor('practitioner');
      const client = await connectSse(`${origin}/test/live`, { cookie: own });
      assert.equal(client.status, 200);
      await sleep(150);
      assert.equal(client.ended, false);
      await t.db.write((tx) => tx.deleteFrom('sessions').where('id_hash', '=', hashOf(own)).execute());
      await client.waitForEnd(3000);
      // The reconnection meets the sign-in page.
      const again = await connectSse(`${origin}/test/live`, { cookie: own, 'last-event-id': String(client.lastEventId ?? 0) });
      again.close();
      assert.equal(again.status, 303);
    });

    it('counts open streams in the metrics, and forgets a client that leaves', async () => {
      const before = t.app.live.hub.subscriberCount(FEED);
      const client = await open();
      await sleep(50);
      assert.equal(t.app.live.hub.subscriberCount(FEED), before + 1);
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(metrics, new RegExp(`^mutual_live_streams_open ${t.app.live.openCount}$`, 'm'));
      assert.ok(t.app.live.openCount >= 1);
      assert.match(metrics, /^mutual_live_listener_connected 1$/m, 'listening (PostgreSQL) or needing no listener (SQLite)');
      client.close();
      const deadline = Date.now() + 3000;
      while (t.app.live.hub.subscriberCount(FEED) !== before && Date.now() < deadline) await sleep(20);
      assert.equal(t.app.live.hub.subscriberCount(FEED), before);
    });

    it('disconnects a client that stops reading rather than buffering for it without bound', async () => {
      const received: Buffer[] = [];
      const request = http.get(`${origin}/test/live-small-buffer`, { headers: { cookie, accept: 'text/event-stream' } }, (response) => {
        response.once('data', (c: Buffer) => {
          received.push(c);
          // From here on the client reads nothing more.
          response.pause();
        });
      });
      request.on('error', () => undefined);
      try {
        const deadline = Date.now() + 3000;
        while (t.app.live.hub.subscriberCount('test:flood') === 0 && Date.now() < deadline) await sleep(20);
        assert.equal(t.app.live.hub.subscriberCount('test:flood'), 1);
        // 4 MiB of events: more than the socket buffers hold, far more than the stream may keep.
        const big = 'x'.repeat(8 * 1024);
        for (let round = 0; round < 4; round++) {
          await t.db.write(async (tx) => {
            for (let i = 0; i < 128; i++) await publishLiveEvent(tx, 'test:flood', { round, i, big }, t.clock.now());
          });
        }
        const until = Date.now() + 10_000;
        while (t.app.live.hub.subscriberCount('test:flood') > 0 && Date.now() < until) await sleep(20);
        assert.equal(t.app.live.hub.subscriberCount('test:flood'), 0, 'the server let the slow client go');
        assert.ok(received.length > 0);
      } finally {
        request.destroy();
      }
    });

    it('ends open streams when the server closes, and a client coming back to a new server with its last id gets what it missed', async () => {
      // A second server on the same database, closed while a client is connected.
      const platform = createPlatform(testConfig(), t.db, t.clock);
      const first = await buildApp(platform, { cookieSecret: 'test-cookie-secret-of-at-least-32-characters' });
      addFeedRoute(first);
      const firstOrigin = await first.listen({ port: 0, host: '127.0.0.1' });
      const client = await connectSse(`${firstOrigin}/test/live`, { cookie });
      await sleep(50);
      await publish({ n: 'seen' });
      await client.waitFor(1);
      const closing = Date.now();
      await first.close();
      assert.ok(Date.now() - closing < 3000, 'closing did not wait for the stream');
      await client.waitForEnd(3000);

      await publish({ n: 'missed while down' });
      const second = await buildApp(platform, { cookieSecret: 'test-cookie-secret-of-at-least-32-characters' });
      addFeedRoute(second);
      try {
        const secondOrigin = await second.listen({ port: 0, host: '127.0.0.1' });
        const back = await connectSse(`${secondOrigin}/test/live`, { cookie, 'last-event-id': String(client.lastEventId) });
        try {
          const [missed] = await back.waitFor(1);
          assert.equal(JSON.parse(missed!.data).n, 'missed while down');
        } finally {
          back.close();
        }
      } finally {
        await second.close();
      }
    });
  });
}

function hashOf(cookie: string): string {
  return hashSessionId(cookie.split('=')[1]!);
}
