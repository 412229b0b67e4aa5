import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp, type TestApp } from '../../testing/app.ts';
import type { Role } from '../access/policy.ts';
import { testDialects } from '../db/testing.ts';
import { runDueTimers, scheduleTimer } from '../jobs/timers.ts';
import { enqueueMessage } from '../notify/outbox.ts';

/** Signs every request in as a user with the given role (sign-in itself is tested elsewhere). */
function actingAs(role: Role) {
  return (app: FastifyInstance) => {
    app.addHook('onRequest', async (request) => {
      request.actor = {
        kind: 'user',
        userId: '01900000-0000-7000-8000-0000000000ad',
        displayName: `Test ${role}`,
        memberships: [{ organisationId: '01900000-0000-7000-8000-0000000000a1', teamId: null, role }],
        personId: null,
        sessionRef: 'test',
      };
    });
  };
}

for (const dialect of testDialects()) {
  describe(`health and metrics (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await buildTestApp(dialect);
    });
    after(async () => {
      await t?.close();
    });

    it('answers /health/live with ok', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/health/live' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: 'ok' });
    });

    it('answers /health/ready with ok while the database answers', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: 'ok' });
    });

    it('serves Prometheus metrics: request durations by route template, commits, timers and default metrics', async () => {
      await t.app.inject({ method: 'GET', url: '/health/live' });
      await t.app.inject({ method: 'GET', url: '/no-such-page-01900000' });
      await t.db.write((tx) => scheduleTimer(tx, { kind: 'test:metrics', dueAt: new Date('2030-01-01T00:00:00Z'), payload: {} }));
      const res = await t.app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/plain/);
      assert.match(res.body, /http_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/health\/live",status_code="200"\} \d+/);
      assert.match(res.body, /http_request_duration_seconds_count\{method="GET",route="not-found",status_code="404"\} 1/);
      assert.doesNotMatch(res.body, /no-such-page/);
      assert.match(res.body, /mutual_db_commits_total [1-9]\d*/);
      assert.match(res.body, /mutual_db_units_total [1-9]\d*/);
      assert.match(res.body, /mutual_timers\{status="pending"\} [1-9]/);
      assert.match(res.body, /mutual_timers\{status="failed"\} 0/);
      assert.match(res.body, /process_cpu_user_seconds_total/);
    });
  });
}

describe('readiness when the database is gone', () => {
  it('answers 503 as problem JSON', async () => {
    const t = await buildTestApp();
    try {
      assert.equal((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200);
      await t.db.close();
      const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
      assert.equal(res.statusCode, 503);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
      assert.equal(res.json().title, 'The database is not answering');
    } finally {
      await t.close();
    }
  });
});

describe('request logs', () => {
  it('carry no personal data sent in the body, the query string or the headers, even when the request fails', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _e, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const t = await buildTestApp(undefined, { logLevel: 'info' }, {
      logStream: stream,
      beforeReady: (app) => {
        app.get('/test/fails-with-input', { config: { public: true } }, async (request) => {
          const query = request.query as { name: string };
          throw new Error(`Could not save ${query.name}`);
        });
      },
    });
    try {
      const personal = { name: 'Zebedee Quillfeather', nhsNumber: '9434765919', postcode: 'SW9 9SL', email: 'zebedee.q@example.org', phone: '07700900789', story: 'I have not slept for days' };
      const headers = {
        cookie: 'session=secret-session-value',
        authorization: 'Bearer secret-token-value',
        'x-person-name': personal.name,
        referer: `https://example.org/?email=${personal.email}`,
      };
      const query = `?postcode=${encodeURIComponent(personal.postcode)}&name=${encodeURIComponent(personal.name)}&nhs=${personal.nhsNumber}`;
      const r1 = await t.app.inject({ method: 'GET', url: `/test/fails-with-input${query}`, headers });
      assert.equal(r1.statusCode, 500);
      await t.app.inject({ method: 'POST', url: `/test/fails-with-input${query}`, headers, payload: personal });
      await t.app.inject({ method: 'GET', url: `/health/live${query}`, headers });
      await t.app.inject({ method: 'POST', url: `/api/v1/unknown${query}`, headers, payload: personal });
      await t.app.inject({ method: 'POST', url: '/api/v1/unknown', headers: { ...headers, 'content-type': 'application/json' }, payload: `{"story": "${personal.story}"` });
      const log = lines.join('');
      assert.match(log, /"route":"\/test\/fails-with-input"/, 'requests are logged');
      assert.match(log, /request failed/, 'the failure is logged');
      for (const value of [...Object.values(personal), 'Zebedee', 'SW9', 'secret-session-value', 'secret-token-value', '9434765919', 'zebedee']) {
        assert.ok(!log.includes(value), `the logs contain ${value}`);
      }
      assert.ok(!log.includes(encodeURIComponent(personal.postcode)));
    } finally {
      await t.close();
    }
  });
});

describe('GET /admin/outbox', () => {
  const sqlite = testDialects()[0]!;

  async function withMessage(t: TestApp): Promise<void> {
    await t.db.write((tx) =>
      enqueueMessage(tx, t.clock, { channel: 'sms', to: '07700900111', kind: 'test.reminder', personalisation: { body: 'Your appointment is tomorrow' } }),
    );
    await runDueTimers(t.platform);
  }

  it('shows an admin the messages with their text in demo mode', async () => {
    const t = await buildTestApp(sqlite, { demo: true }, { beforeReady: actingAs('admin') });
    try {
      await withMessage(t);
      const res = await t.app.inject({ method: 'GET', url: '/admin/outbox' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /<h1>Messages sent<\/h1>/);
      assert.match(res.body, /test\.reminder/);
      assert.match(res.body, /sent/);
      assert.match(res.body, /07700900111/);
      assert.match(res.body, /Your appointment is tomorrow/);
    } finally {
      await t.close();
    }
  });

  it('shows an admin only what each message is and where it stands outside demo mode', async () => {
    const t = await buildTestApp(sqlite, { demo: false }, { beforeReady: actingAs('admin') });
    try {
      await withMessage(t);
      const res = await t.app.inject({ method: 'GET', url: '/admin/outbox' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /test\.reminder/);
      assert.doesNotMatch(res.body, /07700900111|Your appointment is tomorrow/);
    } finally {
      await t.close();
    }
  });

  it('looks like a missing page to a practitioner, and sends an anonymous visitor to sign in', async () => {
    const t = await buildTestApp(sqlite, { demo: true }, { beforeReady: actingAs('practitioner') });
    try {
      await withMessage(t);
      const res = await t.app.inject({ method: 'GET', url: '/admin/outbox' });
      assert.equal(res.statusCode, 404);
      assert.doesNotMatch(res.body, /Your appointment is tomorrow/);
    } finally {
      await t.close();
    }
    const anon = await buildTestApp(sqlite);
    try {
      const res = await anon.app.inject({ method: 'GET', url: '/admin/outbox' });
      assert.equal(res.statusCode, 303);
      assert.match(String(res.headers.location), /^\/sign-in\?next=%2Fadmin%2Foutbox/);
    } finally {
      await anon.close();
    }
  });
});
