// Live events are written with their change and read in commit order: an event exists if and only if
// its unit of work committed, and a hub following the table hands every event to its channel's
// subscribers once, in order, whichever process wrote it.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../db/database.ts';
import { terminateListeners } from '../db/dialect/listen.ts';
import { beforeCommit } from '../db/staging.ts';
import { type TestDatabase, testDialects } from '../db/testing.ts';
import { LiveHub } from './hub.ts';
import { publishLiveEvent } from './publish.ts';
import { latestLiveEventId, type LiveEvent, liveEventsAfter, oldestLiveEventId, pruneLiveEvents } from './store.ts';

const AT = new Date('2026-12-01T10:00:00.000Z');

function collect(hub: LiveHub, channel: string): LiveEvent[] {
  const got: LiveEvent[] = [];
  hub.subscribe({ channel, deliver: (e) => got.push(e) });
  return got;
}

async function until(done: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

for (const dialect of testDialects()) {
  describe(`live events (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestDatabase;
    let hub: LiveHub;
    before(async () => {
      t = await dialect.fresh();
      // A poll slow enough that only the commit wake-up can explain a prompt delivery.
      hub = new LiveHub(t.db, { pollMs: 60_000 });
      await hub.start();
    });
    after(async () => {
      await hub?.stop();
      await t?.close();
    });

    it('writes no event for a unit of work that rolls back, and hands none out', async () => {
      const got = collect(hub, 'test:rollback');
      const before = await latestLiveEventId(t.db.read);
      await assert.rejects(
        t.db.write(async (tx) => {
          await publishLiveEvent(tx, 'test:rollback', { kind: 'opened', ref: 'a' }, AT);
          throw new Error('the change fails');
        }),
        /the change fails/,
      );
      await hub.wake();
      assert.equal(await latestLiveEventId(t.db.read), before);
      assert.deepEqual(got, []);
    });

    it('keeps the events of the units that commit when another unit of the same batch fails', async () => {
      const got = collect(hub, 'test:batch');
      const results = await Promise.allSettled([
        t.db.write((tx) => publishLiveEvent(tx, 'test:batch', { n: 1 }, AT)),
        t.db.write(async (tx) => {
          await publishLiveEvent(tx, 'test:batch', { n: 2 }, AT);
          throw new Error('this one fails');
        }),
        t.db.write(async (tx) => {
          await publishLiveEvent(tx, 'test:batch', { n: 3 }, AT);
          await publishLiveEvent(tx, 'test:batch', { n: 4 }, AT);
        }),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      await until(() => got.length >= 3);
      assert.deepEqual(
        got.map((e) => JSON.parse(e.payload).n),
        [1, 3, 4],
      );
      const rows = await liveEventsAfter(t.db.read, 0, 100, 'test:batch');
      assert.deepEqual(
        rows.map((r) => JSON.parse(r.payload).n),
        [1, 3, 4],
      );
    });

    it('hands each new event to the subscribers of its channel at once after the commit, in id order', async () => {
      const board = collect(hub, 'test:board');
      const other = collect(hub, 'test:other');
      for (let i = 0; i < 20; i++) {
        void t.db.write((tx) => publishLiveEvent(tx, i % 4 === 0 ? 'test:other' : 'test:board', { i }, AT));
      }
      await until(() => board.length + other.length >= 20, 3000);
      assert.equal(board.length, 15);
      assert.equal(other.length, 5);
      const ids = [...board, ...other].map((e) => e.id).sort((a, b) => a - b);
      assert.deepEqual(
        board.map((e) => e.id),
        ids.filter((id) => board.some((e) => e.id === id)),
        'in id order',
      );
      assert.equal(new Set(ids).size, 20, 'each event once');
    });

    it('finds events another program wrote to the database (by its poll on SQLite, where nothing wakes it)', async () => {
      const other = openDatabase(t.target);
      const polling = new LiveHub(t.db, { pollMs: 100 });
      try {
        await polling.start();
        const got = collect(polling, 'test:other-program');
        // Written in a transaction of its own (as a command-line tool would), not a batch of this process.
        await other.writer.transaction().execute((tx) => publishLiveEvent(tx, 'test:other-program', { n: 1 }, AT));
        await until(() => got.length === 1, 3000);
        assert.equal(JSON.parse(got[0]!.payload).n, 1);
      } finally {
        await polling.stop();
        await other.close();
      }
    });

    it('refuses a channel name that is not lower-case words', async () => {
      await assert.rejects(
        t.db.write((tx) => publishLiveEvent(tx, 'Crisis Board', {}, AT)),
        /Not a live event channel name/,
      );
    });

    it('prunes events older than the cut-off but keeps the newest, so ids never go back', async () => {
      const old = new Date('2026-11-01T00:00:00.000Z');
      await t.db.write(async (tx) => {
        await publishLiveEvent(tx, 'test:prune', { n: 'old 1' }, old);
        await publishLiveEvent(tx, 'test:prune', { n: 'old 2' }, old);
      });
      await t.db.write((tx) => publishLiveEvent(tx, 'test:prune', { n: 'new' }, AT));
      const newest = await latestLiveEventId(t.db.read);
      await t.db.write((tx) => pruneLiveEvents(tx, '2026-11-30T00:00:00.000Z'));
      const left = await liveEventsAfter(t.db.read, 0, 1000, 'test:prune');
      assert.deepEqual(
        left.map((e) => JSON.parse(e.payload).n),
        ['new'],
      );
      // Everything old goes, the newest stays even when it is old too.
      await t.db.write((tx) => pruneLiveEvents(tx, '2027-01-01T00:00:00.000Z'));
      assert.equal(await latestLiveEventId(t.db.read), newest);
      assert.equal(await oldestLiveEventId(t.db.read), newest);
    });
  });
}

// Several processes on one PostgreSQL: each has its own Database (its own pool) and its own hub.
for (const dialect of testDialects().filter((d) => d.name === 'postgres')) {
  describe('live events across processes (postgres)', { skip: dialect.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.fresh();
    });
    after(async () => {
      await t?.close();
    });

    it('wakes the hub of another process through NOTIFY, without waiting for its poll', async () => {
      if (t.target.kind !== 'postgres') throw new Error('A PostgreSQL test ran on another engine.');
      const other = openDatabase(t.target);
      const hub = new LiveHub(other, { pollMs: 60_000 });
      try {
        await hub.start();
        await until(() => hub.listening);
        const got = collect(hub, 'test:remote');
        const started = Date.now();
        await t.db.write((tx) => publishLiveEvent(tx, 'test:remote', { n: 1 }, AT));
        await until(() => got.length === 1, 3000);
        assert.ok(Date.now() - started < 3000);
        assert.equal(JSON.parse(got[0]!.payload).n, 1);
      } finally {
        await hub.stop();
        await other.close();
      }
    });

    it('loses no event and orders them by commit when two processes publish at the same time', async () => {
      if (t.target.kind !== 'postgres') throw new Error('A PostgreSQL test ran on another engine.');
      const a = openDatabase(t.target);
      const b = openDatabase(t.target);
      const hub = new LiveHub(b, { pollMs: 60_000 });
      try {
        await hub.start();
        await until(() => hub.listening);
        const got = collect(hub, 'test:race');
        // Each process's units also hold a lock of their own for a moment first, as real units do,
        // so their commits interleave.
        const writes: Promise<unknown>[] = [];
        for (let i = 0; i < 60; i++) {
          const db = i % 2 === 0 ? a : b;
          writes.push(db.write((tx) => publishLiveEvent(tx, 'test:race', { i }, AT)));
          if (i % 7 === 0) await sleep(1);
        }
        await Promise.all(writes);
        await until(() => got.length === 60, 5000);
        const ids = got.map((e) => e.id);
        assert.deepEqual(
          ids,
          [...ids].sort((x, y) => x - y),
          'delivered in id order',
        );
        const stored = await liveEventsAfter(t.db.read, 0, 1000, 'test:race');
        assert.deepEqual(
          ids,
          stored.map((e) => e.id),
          'every stored event delivered, none twice',
        );
      } finally {
        await hub.stop();
        await a.close();
        await b.close();
      }
    });

    it('never lets an event committed later carry a smaller id: a slow commit in one process is not skipped by a reader that saw a faster one', async () => {
      if (t.target.kind !== 'postgres') throw new Error('A PostgreSQL test ran on another engine.');
      const a = openDatabase(t.target);
      const b = openDatabase(t.target);
      const hub = new LiveHub(t.db, { pollMs: 60_000 });
      try {
        await hub.start();
        await until(() => hub.listening);
        const got = collect(hub, 'test:slow-commit');
        // Process A writes its event, then stays in its transaction a moment before committing.
        const slow = a.write(async (tx) => {
          await publishLiveEvent(tx, 'test:slow-commit', { who: 'A, slow' }, AT);
          beforeCommit(tx, 'test:after-live-events', () => sleep(400));
        });
        await sleep(100);
        // Process B publishes meanwhile. Were ids handed out at insert time, B's would commit first
        // with the larger id, the hub would move past it, and A's smaller id would never be read.
        const fast = b.write((tx) => publishLiveEvent(tx, 'test:slow-commit', { who: 'B, fast' }, AT));
        await Promise.all([slow, fast]);
        await until(() => got.length === 2, 5000);
        assert.deepEqual(
          got.map((e) => JSON.parse(e.payload).who),
          ['A, slow', 'B, fast'],
        );
      } finally {
        await hub.stop();
        await a.close();
        await b.close();
      }
    });

    it('reconnects its listener after the connection is killed, and reads what committed meanwhile', async () => {
      if (t.target.kind !== 'postgres') throw new Error('A PostgreSQL test ran on another engine.');
      const other = openDatabase(t.target);
      const hub = new LiveHub(other, { pollMs: 60_000 });
      try {
        await hub.start();
        await until(() => hub.listening);
        const got = collect(hub, 'test:reconnect');
        // Kill the listening connection from the server side, as a failover or a restart would.
        assert.equal(await terminateListeners(t.db.writer, t.target.schema), 1);
        await until(() => !hub.listening, 3000);
        await t.db.write((tx) => publishLiveEvent(tx, 'test:reconnect', { n: 'while away' }, AT));
        await until(() => hub.listening, 10_000);
        await until(() => got.length === 1, 5000);
        assert.equal(JSON.parse(got[0]!.payload).n, 'while away');
      } finally {
        await hub.stop();
        await other.close();
      }
    });
  });
}
