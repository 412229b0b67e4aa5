import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import type { Database } from './database.ts';
import { newId } from './ids.ts';
import { migrateToLatest, migrateToZero } from './migrate.ts';
import { type TestDatabase, testDialects, whileMigrating } from './testing.ts';

for (const dialect of testDialects()) {
  describe(`database (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.fresh();
    });
    after(async () => {
      await t?.close();
    });

    it('commits many concurrent units of work, each durable and visible to the reader afterwards', async () => {
      const ids = Array.from({ length: 50 }, () => newId());
      await Promise.all(
        ids.map((id, i) =>
          t.db.write((tx) => tx.insertInto('organisations').values({ id, name: `Org ${i}`, kind: 'voluntary' } as never).execute()),
        ),
      );
      const rows = await t.db.read.selectFrom('organisations').select(['id']).where('id', 'in', ids).execute();
      assert.equal(rows.length, 50);
    });

    it('rolls back a failing unit alone and keeps the others in the same batch', async () => {
      const good = newId();
      const bad = newId();
      const results = await Promise.allSettled([
        t.db.write((tx) => tx.insertInto('organisations').values({ id: good, name: 'Kept', kind: 'nhs' } as never).execute()),
        t.db.write(async (tx) => {
          await tx.insertInto('organisations').values({ id: bad, name: 'Half written', kind: 'nhs' } as never).execute();
          throw new Error('fails after its first row');
        }),
      ]);
      assert.equal(results[0].status, 'fulfilled');
      assert.equal(results[1].status, 'rejected');
      const rows = await t.db.read.selectFrom('organisations').select(['id']).where('id', 'in', [good, bad]).execute();
      assert.deepEqual(
        rows.map((r) => r.id),
        [good],
      );
    });

    it(`${dialect.name === 'postgres' ? 'commits a second batch while the first is still open (two lanes)' : 'runs one batch at a time (one writing connection)'}`, async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const seen: string[] = [];
      const slow = t.db.write(async (tx) => {
        await tx.insertInto('organisations').values({ id: newId(), name: 'Slow unit', kind: 'nhs' } as never).execute();
        await gate;
        seen.push('slow ran');
      });
      // The slow unit's batch is open; a second unit arrives.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const quick = t.db
        .write(async (tx) => {
          await tx.insertInto('organisations').values({ id: newId(), name: 'Quick unit', kind: 'nhs' } as never).execute();
          seen.push('quick ran');
        })
        .then(() => seen.push('quick committed'));
      try {
        if (dialect.name === 'postgres') {
          const waited = new Promise((_, reject) => setTimeout(() => reject(new Error('the second batch waited for the first')), 3000).unref());
          await Promise.race([quick, waited]);
          assert.deepEqual(seen, ['quick ran', 'quick committed'], 'committed while the first batch is still open');
        } else {
          await new Promise((resolve) => setTimeout(resolve, 100));
          assert.deepEqual(seen, [], 'waits behind the open batch');
        }
      } finally {
        release();
      }
      await Promise.all([slow, quick]);
      assert.equal(seen.length, 3);
    });

    it('leaves a unit whose key a running batch holds for that batch’s lane, and runs it next; other units go on', async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const seen: string[] = [];
      const insert = (tx: Parameters<Parameters<Database['write']>[0]>[0], name: string) => tx.insertInto('organisations').values({ id: newId(), name, kind: 'nhs' } as never).execute();
      const first = t.db.write(
        async (tx) => {
          await insert(tx, 'Keyed, first');
          await gate;
          seen.push('first ran');
        },
        { key: 'hot-row' },
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = t.db.write(
        async (tx) => {
          await insert(tx, 'Keyed, second');
          seen.push('second ran');
        },
        { key: 'hot-row' },
      );
      const other = t.db.write(async (tx) => {
        await insert(tx, 'Another key');
        seen.push('other ran');
      }, { key: 'cold-row' });
      try {
        await new Promise((resolve) => setTimeout(resolve, 200));
        // PostgreSQL's second lane runs the other key at once, never the held one; SQLite's one lane waits for the open batch.
        assert.deepEqual(seen, dialect.name === 'postgres' ? ['other ran'] : []);
      } finally {
        release();
      }
      await Promise.all([first, second, other]);
      assert.equal(seen.indexOf('first ran') < seen.indexOf('second ran'), true, 'the second keyed unit ran after the first committed');
      assert.equal(seen.length, 3);
    });

    it('reads timestamps back as ISO-8601 UTC strings', async () => {
      const id = newId();
      await t.db.write((tx) => tx.insertInto('organisations').values({ id, name: 'Dated', kind: 'council' } as never).execute());
      const row = await t.db.read.selectFrom('organisations').select(['created_at']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.match(row.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    });
  });

  describe(`migrations (${dialect.name})`, { skip: dialect.skip }, () => {
    it('run up from nothing, down to nothing, and up again', async () => {
      const t = await dialect.fresh({ migrate: false });
      try {
        await whileMigrating(t.target, async () => {
          const up = await migrateToLatest(t.db);
          assert.ok(up.length > 0);
          const down = await migrateToZero(t.db);
          assert.equal(down.length, up.length);
          assert.deepEqual(await migrateToLatest(t.db), up);
          assert.deepEqual(await migrateToLatest(t.db), [], 'a second run changes nothing');
        });
      } finally {
        await t.close();
      }
    });
  });
}

describe('two processes writing one SQLite file', () => {
  it('both finish without "database is locked", because write transactions begin immediately', async () => {
    const sqlite = testDialects()[0]!;
    const t = await sqlite.fresh();
    if (t.target.kind !== 'sqlite') throw new Error('expected SQLite');
    const file = t.target.file;
    // Each unit reads before it writes: the pattern a deferred BEGIN cannot upgrade once the other
    // process has committed.
    const writeMany = (db: Database, tag: string) =>
      Promise.all(
        Array.from({ length: 150 }, (_, i) =>
          db.write(async (tx) => {
            await tx.selectFrom('organisations').select(['id']).limit(1).execute();
            // A pause between reading and writing, so the other process commits in between.
            await new Promise((resolve) => setTimeout(resolve, 1));
            await tx.insertInto('organisations').values({ id: newId(), name: `${tag} ${i}`, kind: 'voluntary' } as never).execute();
          }),
        ),
      );
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import { openDatabase } from './src/platform/db/database.ts';
         import { newId } from './src/platform/db/ids.ts';
         const db = openDatabase({ kind: 'sqlite', file: ${JSON.stringify(file)} });
         for (let round = 0; round < 4; round++) {
           await Promise.all(Array.from({ length: 150 }, (_, i) => db.write(async (tx) => {
             await tx.selectFrom('organisations').select(['id']).limit(1).execute();
             await new Promise((resolve) => setTimeout(resolve, 1));
             await tx.insertInto('organisations').values({ id: newId(), name: 'child ' + round + ' ' + i, kind: 'voluntary' }).execute();
           })));
         }
         await db.close();`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      for (let round = 0; round < 4; round++) await writeMany(t.db, `parent ${round}`);
      assert.equal(await exited, 0, stderr);
      const rows = await t.db.read.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(rows.n), 1200);
    } finally {
      child.kill();
      await t.close();
    }
  });
});
