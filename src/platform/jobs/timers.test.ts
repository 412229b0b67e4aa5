import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { testConfig } from '../../config.ts';
import { createPlatform, type Platform } from '../context.ts';
import { openDatabase } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { type TestDatabase, testDialects } from '../db/testing.ts';
import { createLogger } from '../observability/logging.ts';
import { TestClock } from '../time/clock.ts';
import { claimDueTimers, markTimerDone } from './store.ts';
import { backoffMs, cancelTimers, runDueTimers, scheduleTimer } from './timers.ts';

const START = '2026-12-01T10:00:00.000Z';

async function timerRow(platform: Platform, id: string) {
  return platform.db.read
    .selectFrom('timers')
    .select(['status', 'attempts', 'due_at', 'last_error', 'locked_by', 'done_at'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
}

async function organisationCount(platform: Platform, name: string): Promise<number> {
  const rows = await platform.db.read.selectFrom('organisations').select(['id']).where('name', '=', name).execute();
  return rows.length;
}

function schedule(platform: Platform, kind: string, dueAt: Date, payload: unknown = {}, dedupeKey?: string) {
  return platform.db.write((tx) => scheduleTimer(tx, { kind, dueAt, payload, dedupeKey }));
}

for (const dialect of testDialects()) {
  describe(`timers (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestDatabase;
    let clock: TestClock;
    let platform: Platform;
    before(async () => {
      t = await dialect.fresh();
    });
    after(async () => {
      await t?.close();
    });

    // Each test has its own platform (registry and clock) over the suite's database, and its own kinds.
    const setup = async () => {
      // Leave no due timer behind from another test.
      await t.db.write((tx) => tx.updateTable('timers').set({ status: 'done' }).where('status', 'in', ['pending', 'running']).execute());
      clock = new TestClock(START);
      platform = createPlatform(testConfig(), t.db, clock);
    };

    it('runs a due timer once, with its effects committed together with its completion', async () => {
      await setup();
      const name = `Org ${newId()}`;
      let runs = 0;
      platform.timers.register('test:create-org', async (tx, payload) => {
        runs++;
        await tx.insertInto('organisations').values({ id: newId(), name: (payload as { name: string }).name, kind: 'voluntary' } as never).execute();
      });
      const id = (await schedule(platform, 'test:create-org', clock.now(), { name }))!;
      const first = await runDueTimers(platform);
      const second = await runDueTimers(platform);
      assert.equal(first.done, 1);
      assert.equal(second.claimed, 0);
      assert.equal(runs, 1);
      assert.equal(await organisationCount(platform, name), 1);
      const row = await timerRow(platform, id);
      assert.equal(row.status, 'done');
      assert.equal(row.attempts, 1);
      assert.equal(row.locked_by, null);
      assert.ok(row.done_at);
    });

    it('leaves a timer that is not yet due until its time comes', async () => {
      await setup();
      let runs = 0;
      platform.timers.register('test:later', async () => {
        runs++;
      });
      const id = (await schedule(platform, 'test:later', new Date(clock.now().getTime() + 60_000)))!;
      await runDueTimers(platform);
      assert.equal(runs, 0);
      assert.equal((await timerRow(platform, id)).status, 'pending');
      clock.advance(60_000);
      await runDueTimers(platform);
      assert.equal(runs, 1);
      assert.equal((await timerRow(platform, id)).status, 'done');
    });

    it('retries a failing handler with growing backoff, rolls back its effects, and fails it after eight attempts', async () => {
      await setup();
      const name = `Half done ${newId()}`;
      const lines: string[] = [];
      const log = createLogger(
        { ...testConfig(), logLevel: 'info' },
        new Writable({
          write(chunk, _enc, done) {
            lines.push(String(chunk));
            done();
          },
        }),
      );
      platform.timers.register('test:always-fails', async (tx) => {
        await tx.insertInto('organisations').values({ id: newId(), name, kind: 'voluntary' } as never).execute();
        throw new Error('Jane Example 07700 900123 could not be reached');
      });
      const id = (await schedule(platform, 'test:always-fails', clock.now(), { personName: 'Jane Example' }))!;
      const dues: number[] = [];
      for (let attempt = 1; attempt <= 8; attempt++) {
        const before = clock.now().getTime();
        const summary = await runDueTimers(platform, { log });
        assert.equal(summary.claimed, 1, `attempt ${attempt} claimed it`);
        const row = await timerRow(platform, id);
        assert.equal(row.attempts, attempt);
        if (attempt < 8) {
          assert.equal(row.status, 'pending');
          const wait = new Date(row.due_at).getTime() - before;
          assert.equal(wait, backoffMs(attempt));
          dues.push(wait);
          // Not due again before the backoff has passed.
          clock.advance(wait - 1000);
          assert.equal((await runDueTimers(platform, { log })).claimed, 0);
          clock.advance(1000);
        } else {
          assert.equal(row.status, 'failed');
        }
        assert.equal(row.last_error, 'Error');
      }
      assert.deepEqual(
        dues.map((d) => d / 1000),
        [30, 60, 120, 240, 480, 960, 1920],
      );
      assert.equal(await organisationCount(platform, name), 0, 'no failed attempt left its effects');
      assert.equal((await runDueTimers(platform, { log })).claimed, 0, 'a failed timer is not run again');
      const logged = lines.join('');
      assert.match(logged, /timer failed for good/);
      assert.match(logged, new RegExp(id));
      assert.doesNotMatch(logged, /Jane|07700/);
    });

    it('retries a timer whose kind has no handler, naming that as the error', async () => {
      await setup();
      const id = (await schedule(platform, `test:unknown-${newId()}`, clock.now()))!;
      await runDueTimers(platform);
      const row = await timerRow(platform, id);
      assert.equal(row.status, 'pending');
      assert.match(row.last_error ?? '', /No handler is registered/);
    });

    it('schedules nothing when the unit of work that scheduled it fails', async () => {
      await setup();
      const key = `test:rolled-back:${newId()}`;
      await assert.rejects(
        t.db.write(async (tx) => {
          await scheduleTimer(tx, { kind: 'test:x', dueAt: clock.now(), payload: {}, dedupeKey: key });
          throw new Error('the change fails');
        }),
      );
      const rows = await t.db.read.selectFrom('timers').select(['id']).where('dedupe_key', '=', key).execute();
      assert.equal(rows.length, 0);
    });

    it('keeps one timer per dedupe key, and cancels by key or kind', async () => {
      await setup();
      const key = `test:dedupe:${newId()}`;
      const first = await schedule(platform, 'test:dedupe', clock.now(), {}, key);
      const again = await schedule(platform, 'test:dedupe', clock.now(), {}, key);
      assert.ok(first);
      assert.equal(again, null);
      assert.equal(await t.db.write((tx) => cancelTimers(tx, { dedupeKey: key })), 1);
      const kind = `test:cancel-kind-${newId()}`;
      await schedule(platform, kind, clock.now());
      await schedule(platform, kind, clock.now());
      assert.equal(await t.db.write((tx) => cancelTimers(tx, { kind })), 2);
      let runs = 0;
      platform.timers.register(kind, async () => {
        runs++;
      });
      await runDueTimers(platform);
      assert.equal(runs, 0);
    });

    it('never runs one timer twice when two workers run passes at the same moment', async () => {
      await setup();
      const runs = new Map<string, number>();
      platform.timers.register('test:parallel', async (_tx, payload) => {
        const n = (payload as { n: number }).n;
        runs.set(String(n), (runs.get(String(n)) ?? 0) + 1);
      });
      for (let n = 0; n < 30; n++) await schedule(platform, 'test:parallel', clock.now(), { n });
      const [a, b] = await Promise.all([runDueTimers(platform, { limit: 20 }), runDueTimers(platform, { limit: 20 })]);
      await runDueTimers(platform);
      assert.equal(runs.size, 30);
      assert.ok([...runs.values()].every((c) => c === 1));
      assert.equal(a.done + b.done <= 30, true);
    });

    it('takes over a claim whose lease ran out (its process died), and the dead claim cannot complete', async () => {
      await setup();
      let runs = 0;
      platform.timers.register('test:orphaned', async () => {
        runs++;
      });
      const id = (await schedule(platform, 'test:orphaned', clock.now()))!;
      // A process claims it and dies before running it.
      const lease = new Date(clock.now().getTime() + 120_000).toISOString();
      await t.db.write((tx) => claimDueTimers(tx, { now: clock.now().toISOString(), workerId: 'dead-process', lockedUntil: lease, limit: 100 }));
      assert.equal((await runDueTimers(platform)).claimed, 0, 'a live lease is respected');
      clock.advance(120_001);
      const summary = await runDueTimers(platform);
      assert.equal(summary.done, 1);
      assert.equal(runs, 1);
      const row = await timerRow(platform, id);
      assert.equal(row.status, 'done');
      assert.equal(row.attempts, 2);
      // Were the dead process to wake up now, its completion would find no claim (and roll back).
      assert.equal(await t.db.write((tx) => markTimerDone(tx, id, 'dead-process', clock.now().toISOString())), false);
    });

    if (dialect.name === 'postgres') {
      it('never runs one timer twice with two processes (two connection pools) claiming at once', async () => {
        await setup();
        assert.ok(t.target.kind === 'postgres');
        const other = openDatabase({ kind: 'postgres', url: t.target.url, schema: t.target.schema });
        try {
          const second = createPlatform(testConfig(), other, clock);
          const counts = new Map<number, number>();
          const handler = async (_tx: unknown, payload: unknown) => {
            const n = (payload as { n: number }).n;
            counts.set(n, (counts.get(n) ?? 0) + 1);
          };
          platform.timers.register('test:two-processes', handler);
          second.timers.register('test:two-processes', handler);
          for (let n = 0; n < 40; n++) await schedule(platform, 'test:two-processes', clock.now(), { n });
          const results = await Promise.all([
            runDueTimers(platform, { limit: 10 }),
            runDueTimers(second, { limit: 10 }),
            runDueTimers(platform, { limit: 10 }),
            runDueTimers(second, { limit: 10 }),
          ]);
          await Promise.all([runDueTimers(platform), runDueTimers(second)]);
          assert.equal(counts.size, 40);
          assert.ok([...counts.values()].every((c) => c === 1), 'each timer ran exactly once');
          assert.ok(results.filter((r) => r.claimed > 0).length >= 2, 'both processes took part');
        } finally {
          await other.close();
        }
      });
    }
  });
}
