// The crisis board's live updates (issue 6, item 2): every change that alters the board reaches a
// connected board as a server-sent event, by reference only, resuming from the id the page was
// rendered at; with two server processes on PostgreSQL a change made through one reaches a board
// served by the other; and a board whose server is killed and restarted gets what it missed.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { createOrganisation, createTeam } from '../../platform/auth/accounts.ts';
import { startSession } from '../../platform/auth/sessions.ts';
import { testConfig } from '../../config.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { latestLiveEventId } from '../../platform/realtime/store.ts';
import { connectSse, type SseClient } from '../../platform/realtime/testing.ts';
import { systemClock } from '../../platform/time/clock.ts';
import { Browser, buildTestApp, type TestApp } from '../../testing/app.ts';
import { createTestUser, signIn } from '../../testing/auth.ts';
import { BOARD_LIVE_REGIONS } from './board-events.ts';
import { type CrisisAlliance, createCrisisAlliance } from './episode-testing.ts';
import { paths } from './paths.ts';

const PAYLOAD_KEYS = new Set(['teamId', 'episodeId', 'followUpId', 'change']);

function lastIdOf(html: string): number {
  const m = /data-live-last-id="(\d+)"/.exec(html);
  assert.ok(m, 'the board carries the id its live updates resume from');
  return Number(m[1]);
}

const changes = (client: SseClient) => client.events.map((e) => JSON.parse(e.data) as Record<string, string>);

for (const dialect of testDialects()) {
  describe(`the crisis board's live updates (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestApp;
    let a: CrisisAlliance;
    let origin: string;
    let practitioner: Browser;
    const cookieOf = (b: Browser) =>
      Object.entries(b.jar.header())
        .map(([k, v]) => `${k}=${v}`)
        .join('; ');

    before(async () => {
      t = await buildTestApp(dialect);
      t.clock.set('2026-12-01T10:00:00.000Z');
      a = await createCrisisAlliance(t);
      practitioner = new Browser(t.app);
      await signIn(practitioner, a.crisisPractitioner, t.clock);
      origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(async () => {
      await t?.close();
    });

    it('marks the board for live updates without an inline script, and serves the script that does them', async () => {
      const page = await practitioner.get(paths.board);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, new RegExp(`data-live-events="${paths.boardEvents}"`));
      assert.match(page.body, new RegExp(`data-live-regions="${BOARD_LIVE_REGIONS.join(' ')}"`));
      for (const id of BOARD_LIVE_REGIONS) assert.match(page.body, new RegExp(`id="${id}"`), `region ${id} is on the page`);
      // The board adds no script of its own: the layout's (app.js, and the design system's nonced line) do it all.
      const scripts = (html: string) => html.match(/<script\b/g)?.length ?? 0;
      assert.equal(scripts(page.body), scripts((await practitioner.get(paths.episodeNew)).body));
      const script = await t.app.inject({ method: 'GET', url: '/static/live.js' });
      assert.equal(script.statusCode, 200);
      assert.match(String(script.headers['content-type']), /javascript/);
      assert.match(script.body, /new EventSource/);
      const app = await t.app.inject({ method: 'GET', url: '/static/app.js' });
      assert.match(app.body, /import\('\.\/live\.js'\)/);
    });

    it('sends every change the board shows, through the real pages, in order, by reference only', async () => {
      const lastId = lastIdOf((await practitioner.get(paths.board)).body);
      const client = await connectSse(`${origin}${paths.boardEvents}?lastEventId=${lastId}`, { cookie: cookieOf(practitioner) });
      try {
        assert.equal(client.status, 200);
        await practitioner.get(paths.episodeNew);
        const opened = await practitioner.post(paths.episodeNew, {
          priority: 'urgent',
          summary: 'Caller worried about her neighbour, who has stopped answering the door.',
          callerDescription: 'Neighbour, calling from next door',
          callbackPhone: '07700 900 456',
          postcode: 'SE11 5QY',
          source: 'phone',
        });
        assert.equal(opened.statusCode, 303);
        const id = String(opened.headers.location).split('/').pop()!;
        const act = async (name: string, form: Record<string, string>) => {
          await practitioner.get(paths.episode(id));
          const res = await practitioner.post(paths.episodeAction(id, name), form);
          assert.equal(res.statusCode, 303, `${name}: ${res.statusCode}`);
        };
        await act('priority', { priority: 'very-urgent', reason: 'She has not been seen for two days' });
        await act('responders', { responder: a.crisisColleague.userId });
        await act('next-action', { nextAction: 'Welfare visit with the police' });
        await act('respond', { how: 'Visited with a colleague' });
        const version = String((await t.db.read.selectFrom('crisis_episodes').select('version').where('id', '=', id).executeTakeFirstOrThrow()).version);
        await act('close', { outcome: 'resolved-at-home', note: 'Safe at home', version });

        await client.waitFor(7);
        await sleep(100);
        const got = changes(client);
        assert.deepEqual(
          got.map((c) => c.change),
          // Unnamed, so no follow-up can be made: the board lists that too.
          ['opened', 'priority-changed', 'responder-added', 'next-action', 'responded', 'closed', 'follow-up-not-possible'],
        );
        for (const c of got) {
          assert.equal(c.episodeId, id);
          assert.equal(c.teamId, a.crisisTeamId);
          for (const key of Object.keys(c)) assert.ok(PAYLOAD_KEYS.has(key), `payload key ${key}`);
        }
        const raw = client.events.map((e) => e.data).join('\n');
        assert.doesNotMatch(raw, /neighbour|07700|SE11|Welfare|Safe at home/i, 'nothing a person said, no number, no place');
        const ids = client.events.map((e) => Number(e.id));
        assert.deepEqual(
          ids,
          [...ids].sort((x, y) => x - y),
        );
        assert.ok(ids[0]! > lastId);
      } finally {
        client.close();
      }
    });

    it('loses nothing that changed between rendering the board and connecting to its stream', async () => {
      const lastId = lastIdOf((await practitioner.get(paths.board)).body);
      await practitioner.get(paths.episodeNew);
      const opened = await practitioner.post(paths.episodeNew, { priority: 'routine', summary: 'Walk-in asking for somewhere quiet to sit', source: 'walk-in' });
      assert.equal(opened.statusCode, 303);
      const client = await connectSse(`${origin}${paths.boardEvents}?lastEventId=${lastId}`, { cookie: cookieOf(practitioner) });
      try {
        await client.waitFor(1);
        assert.equal(changes(client)[0]!.change, 'opened');
        assert.equal(changes(client)[0]!.episodeId, String(opened.headers.location).split('/').pop());
      } finally {
        client.close();
      }
    });

    it('is for the board’s readers only: signed out to the sign-in page, other roles as not found', async () => {
      const anonymous = await connectSse(`${origin}${paths.boardEvents}`);
      anonymous.close();
      assert.equal(anonymous.status, 303);
      const admin = new Browser(t.app);
      await signIn(admin, a.providerAdmin, t.clock);
      const refused = await connectSse(`${origin}${paths.boardEvents}`, { cookie: cookieOf(admin) });
      refused.close();
      assert.equal(refused.status, 404);
    });

  });
}

// ---- two real server processes on one PostgreSQL ----

interface Server {
  child: ChildProcess;
  origin: string;
  output: () => string;
  exited: Promise<number | null>;
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve', '--no-migrate'], {
    env: { ...process.env, NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', DEMO: 'false', WORKER: 'false', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => {
    out += String(c);
  });
  child.stderr!.on('data', (c) => {
    out += String(c);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  const listening = () => /is running at http:\/\/[^:]+:(\d+)/.exec(out)?.[1];
  while (!listening()) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The server did not start:\n${out}`);
    }
    await sleep(50);
  }
  return { child, origin: `http://127.0.0.1:${listening()}`, output: () => out, exited };
}

/** A form post as a browser makes it: the form's page first (its CSRF cookie and token), then the post. */
async function postForm(origin: string, cookie: string, formPath: string, action: string, form: Record<string, string>): Promise<Response> {
  const page = await fetch(`${origin}${formPath}`, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
  assert.equal(page.status, 200, `GET ${formPath}`);
  const html = await page.text();
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(token, 'the form has a CSRF token');
  const csrfCookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return fetch(`${origin}${action}`, {
    method: 'POST',
    headers: { cookie: [cookie, csrfCookie].filter(Boolean).join('; '), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams({ _csrf: token, ...form }).toString(),
    redirect: 'manual',
  });
}

for (const dialect of testDialects().filter((d) => d.name === 'postgres')) {
  describe('the crisis board across server processes (postgres)', { skip: dialect.skip }, () => {
    it('a change made through one server reaches a board on the other; a board whose server was killed gets what it missed when it is back', async () => {
      const fresh = await dialect.fresh();
      const servers: Server[] = [];
      const clients: SseClient[] = [];
      try {
        if (fresh.target.kind !== 'postgres') throw new Error('A PostgreSQL test ran on another engine.');
        const { db } = fresh;
        // A crisis team and a practitioner of it, signed in (sessions live in the database, so the
        // same cookie is good on every process).
        const now = systemClock.now();
        const teamId = await db.write(async (tx) => {
          const organisationId = await createOrganisation(tx, now, { name: 'Cross-process NHS trust', kind: 'nhs' });
          return createTeam(tx, now, { organisationId, name: 'Crisis team (cross-process)', kind: 'crisis', openingHours: null });
        });
        const org = await db.read.selectFrom('teams').select('organisation_id').where('id', '=', teamId).executeTakeFirstOrThrow();
        const user = await createTestUser(db, systemClock, { role: 'practitioner', organisationId: org.organisation_id, teamId });
        const sessionId = await db.write((tx) => startSession(tx, testConfig(), now, { userId: user.userId, stage: 'full' }));
        const cookie = `session=${sessionId}`;

        const env = { DATABASE_URL: fresh.target.url, DATABASE_SCHEMA: fresh.target.schema, COOKIE_SECRET: 'cross-process-test-secret-of-at-least-32-chars' };
        const [serverA, serverB] = await Promise.all([startServer(env), startServer(env)]);
        servers.push(serverA!, serverB!);
        const a = serverA!;
        let b = serverB!;

        // A board on B, resuming from the newest event as the page would.
        const from = await latestLiveEventId(db.read);
        const board = await connectSse(`${b.origin}${paths.boardEvents}?lastEventId=${from}`, { cookie });
        clients.push(board);
        assert.equal(board.status, 200);
        await sleep(200);

        // The crisis line opens an episode through A.
        const sent = performance.now();
        const opened = await postForm(a.origin, cookie, paths.episodeNew, paths.episodeNew, { priority: 'urgent', summary: 'Cross-process test call', source: 'phone' });
        assert.equal(opened.status, 303);
        const episodeId = String(opened.headers.get('location')).split('/').pop()!;
        const [event] = await board.waitFor(1, 5000);
        const took = event!.at - sent;
        assert.deepEqual(JSON.parse(event!.data), { teamId, episodeId, change: 'opened' });
        // B polls every 5 s as a safety net; this came by NOTIFY (the request included).
        assert.ok(took < 4000, `arrived after ${Math.round(took)} ms`);

        // B dies without warning; its board's connection drops.
        b.child.kill('SIGKILL');
        await b.exited;
        await board.waitForEnd(5000);
        // Meanwhile a change is made through A.
        const next = await postForm(a.origin, cookie, paths.episode(episodeId), paths.episodeAction(episodeId, 'next-action'), { nextAction: 'Call back at six' });
        assert.equal(next.status, 303);

        // B comes back; the board reconnects with the last id it saw (as EventSource does).
        b = await startServer(env);
        servers.push(b);
        const back = await connectSse(`${b.origin}${paths.boardEvents}`, { cookie, 'last-event-id': String(board.lastEventId) });
        clients.push(back);
        const [missed] = await back.waitFor(1, 5000);
        assert.deepEqual(JSON.parse(missed!.data), { teamId, episodeId, change: 'next-action' });
        assert.ok(Number(missed!.id) > Number(board.lastEventId));

        // And live again across processes: a change through A reaches the board on the new B.
        const priority = await postForm(a.origin, cookie, paths.episode(episodeId), paths.episodeAction(episodeId, 'priority'), { priority: 'emergency', reason: 'Now talking of a plan' });
        assert.equal(priority.status, 303);
        const events = await back.waitFor(2, 5000);
        assert.equal(JSON.parse(events[1]!.data).change, 'priority-changed');
        for (const s of servers) assert.doesNotMatch(s.output(), /Cross-process test call|Call back at six|talking of a plan/, 'nothing personal in the logs');
      } finally {
        for (const c of clients) c.close();
        for (const s of servers) {
          if (s.child.exitCode === null) {
            s.child.kill('SIGTERM');
            await Promise.race([s.exited, sleep(10_000)]);
            if (s.child.exitCode === null) s.child.kill('SIGKILL');
          }
        }
        await fresh.close();
      }
    });
  });
}
