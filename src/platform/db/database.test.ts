import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from './ids.ts';
import { migrateToLatest, migrateToZero } from './migrate.ts';
import { type TestDatabase, testDialects } from './testing.ts';

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
        const up = await migrateToLatest(t.db);
        assert.ok(up.length > 0);
        const down = await migrateToZero(t.db);
        assert.equal(down.length, up.length);
        assert.deepEqual(await migrateToLatest(t.db), up);
        assert.deepEqual(await migrateToLatest(t.db), [], 'a second run changes nothing');
      } finally {
        await t.close();
      }
    });
  });
}
