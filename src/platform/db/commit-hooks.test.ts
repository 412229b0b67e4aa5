// The two hooks a unit of work can leave for its batch (staging.ts): `beforeCommit` runs once per key
// for the whole batch, last in the transaction; `afterCommit` runs only once the batch has committed,
// and never for a unit that failed or a batch that rolled back.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newId } from './ids.ts';
import { afterCommit, beforeCommit, type CommitHook, insertLater, type Stage, stageOf } from './staging.ts';
import { type TestDatabase, testDialects } from './testing.ts';

for (const dialect of testDialects()) {
  describe(`commit hooks (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.fresh();
    });
    after(async () => {
      await t?.close();
    });

    const org = (id: string) => ({ id, name: `Org ${id.slice(-6)}`, kind: 'voluntary' }) as never;

    it('runs afterCommit callbacks of the units that succeeded, once their batch has committed, and never those of a failed unit', async () => {
      const calls: string[] = [];
      const good = newId();
      const bad = newId();
      const seenAtCallback: number[] = [];
      const results = await Promise.allSettled([
        t.db.write(async (tx) => {
          await tx.insertInto('organisations').values(org(good)).execute();
          assert.equal(
            afterCommit(tx, () => {
              calls.push('good');
              // Committed: another connection could read the row by now (checked below).
              seenAtCallback.push(1);
            }),
            true,
          );
        }),
        t.db.write(async (tx) => {
          await tx.insertInto('organisations').values(org(bad)).execute();
          afterCommit(tx, () => calls.push('bad'));
          throw new Error('this unit fails');
        }),
      ]);
      assert.equal(results[0].status, 'fulfilled');
      assert.equal(results[1].status, 'rejected');
      assert.deepEqual(calls, ['good'], 'only the unit that committed is called back, once, even though its batch ran twice');
      assert.deepEqual(seenAtCallback, [1]);
      const rows = await t.db.read.selectFrom('organisations').select('id').where('id', 'in', [good, bad]).execute();
      assert.deepEqual(
        rows.map((r) => r.id),
        [good],
      );
    });

    it('calls back after the commit: a reader on another connection already sees the row', async () => {
      const id = newId();
      let seen: Promise<boolean> | undefined;
      await t.db.write(async (tx) => {
        await tx.insertInto('organisations').values(org(id)).execute();
        afterCommit(tx, () => {
          seen = t.db.read
            .selectFrom('organisations')
            .select('id')
            .where('id', '=', id)
            .executeTakeFirst()
            .then((r) => r !== undefined);
        });
      });
      assert.ok(seen, 'called back before write() resolved');
      assert.equal(await seen, true);
    });

    it('runs a beforeCommit hook once per batch for each key, with every successful unit, after their staged rows', async () => {
      const runs: { units: number; marks: string[]; orgsVisible: number }[] = [];
      const marks = new WeakMap<Stage, string>();
      const ids = Array.from({ length: 5 }, () => newId());
      const hook: CommitHook = async (tx, units) => {
        const visible = await tx.selectFrom('organisations').select('id').where('id', 'in', ids).execute();
        runs.push({ units: units.length, marks: units.map((u) => marks.get(u) ?? '?').filter((m) => m !== '?'), orgsVisible: visible.length });
      };
      const results = await Promise.allSettled(
        ids.map((id, i) =>
          t.db.write(async (tx) => {
            await insertLater(tx, 'organisations', org(id));
            const stage = stageOf(tx);
            if (stage) marks.set(stage, `unit ${i}`);
            assert.equal(beforeCommit(tx, 'test-hook', hook), true);
            if (i === 3) throw new Error('unit 3 fails');
          }),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
      );
      // The first run of the batch stopped at the failing unit, before the flush; the second (a savepoint a unit) ran the hook once.
      assert.equal(runs.length, 1);
      const last = runs[runs.length - 1]!;
      // The committed run saw the four good units' rows (staged rows are written before the hook)
      // and was given exactly those four units.
      assert.deepEqual(last.marks.sort(), ['unit 0', 'unit 1', 'unit 2', 'unit 4']);
      assert.equal(last.orgsVisible, 4);
      const rows = await t.db.read.selectFrom('organisations').select('id').where('id', 'in', ids).execute();
      assert.equal(rows.length, 4);
    });

    it('does nothing outside a batch and says so: the caller owns that transaction', async () => {
      await t.db.writer.transaction().execute(async (tx) => {
        assert.equal(afterCommit(tx, () => assert.fail('not called outside a batch')), false);
        assert.equal(
          beforeCommit(tx, 'x', async () => assert.fail('not called outside a batch')),
          false,
        );
      });
    });
  });
}
