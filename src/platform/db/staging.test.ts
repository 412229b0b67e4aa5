import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordAudit, verifyAuditChain } from '../access/audit.ts';
import { newId } from './ids.ts';
import { insertLater, Stage, tableOrder } from './staging.ts';
import { type TestDatabase, testDialects } from './testing.ts';

function stageOf(...tables: string[]): Stage {
  const s = new Stage();
  for (const table of tables) s.rows.push({ table: table as never, row: {} });
  return s;
}

describe('the order staged tables are written in', () => {
  it('keeps every unit’s own order, parents before children, even when a later unit names the child first', () => {
    // Unit 1 only adds a timeline entry; unit 2 adds a request and then its timeline entry.
    assert.deepEqual(tableOrder([stageOf('request_events'), stageOf('requests', 'request_events', 'timers')]), ['requests', 'request_events', 'timers']);
  });

  it('gives up ordering (and writes unit by unit) when two units disagree', () => {
    assert.equal(tableOrder([stageOf('a', 'b'), stageOf('b', 'a')]), null);
  });
});

for (const dialect of testDialects()) {
  describe(`staged rows in batches (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.fresh();
    });
    after(async () => {
      await t?.close();
    });

    const organisation = (id: string, name: string) => ({ id, name, kind: 'voluntary' }) as never;
    const names = async (ids: string[]) =>
      (await t.db.read.selectFrom('organisations').select(['id', 'name']).where('id', 'in', ids).orderBy('name').execute()).map((r) => r.name);

    it('writes what many concurrent units staged, in one commit, with their audit events chained in unit order', async () => {
      const before = t.db.stats.commits;
      const ids = Array.from({ length: 40 }, () => newId());
      await Promise.all(
        ids.map((id, i) =>
          t.db.write(async (tx) => {
            await insertLater(tx, 'organisations', organisation(id, `Staged ${String(i).padStart(2, '0')}`));
            await recordAudit(tx, { at: new Date(), actorUserId: null, actorRole: null, action: 'test.staged', entityType: 'organisation', entityId: id, outcome: 'success' });
          }),
        ),
      );
      assert.equal((await names(ids)).length, 40);
      assert.ok(t.db.stats.commits - before < 40, 'the units shared commits');
      const events = await t.db.read.selectFrom('audit_events').select(['seq', 'entity_id']).where('action', '=', 'test.staged').orderBy('seq').execute();
      assert.deepEqual(
        events.map((e) => e.entity_id),
        ids,
        'events are chained in the order the units ran',
      );
      assert.deepEqual(await verifyAuditChain(t.db.read), { ok: true, count: (await t.db.read.selectFrom('audit_events').select(['seq']).execute()).length });
    });

    it('drops what a failing unit staged and keeps the rest of its batch', async () => {
      const good = newId();
      const bad = newId();
      const results = await Promise.allSettled([
        t.db.write((tx) => insertLater(tx, 'organisations', organisation(good, 'Kept staged'))),
        t.db.write(async (tx) => {
          await insertLater(tx, 'organisations', organisation(bad, 'Never written'));
          await recordAudit(tx, { at: new Date(), actorUserId: null, actorRole: null, action: 'test.dropped', entityType: 'organisation', entityId: bad, outcome: 'success' });
          throw new Error('fails after staging');
        }),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected'],
      );
      assert.deepEqual(await names([good, bad]), ['Kept staged']);
      assert.equal((await t.db.read.selectFrom('audit_events').select(['seq']).where('action', '=', 'test.dropped').execute()).length, 0);
    });

    it('when a staged row clashes at the flush, runs the units again one by one so only the one at fault fails', async () => {
      const first = newId();
      const clash = newId();
      const other = newId();
      const results = await Promise.allSettled([
        t.db.write((tx) => insertLater(tx, 'organisations', organisation(first, 'First with this id'))),
        // The same primary key as the first: the batch's multi-row insert fails as a whole.
        t.db.write(async (tx) => {
          await recordAudit(tx, { at: new Date(), actorUserId: null, actorRole: null, action: 'test.clash', entityType: 'organisation', entityId: first, outcome: 'success' });
          await insertLater(tx, 'organisations', organisation(first, 'Second with this id'));
        }),
        t.db.write(async (tx) => {
          await insertLater(tx, 'organisations', organisation(other, 'Unrelated'));
          return clash;
        }),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'rejected', 'fulfilled'],
      );
      assert.deepEqual(await names([first, other]), ['First with this id', 'Unrelated']);
      assert.equal((await t.db.read.selectFrom('audit_events').select(['seq']).where('action', '=', 'test.clash').execute()).length, 0);
      assert.equal((await verifyAuditChain(t.db.read)).ok, true);
    });

    it('inserts at once outside a batch (a transaction of its own)', async () => {
      const id = newId();
      await t.db.writer.transaction().execute(async (tx) => {
        await insertLater(tx, 'organisations', organisation(id, 'Immediate'));
        const seen = await tx.selectFrom('organisations').select(['id']).where('id', '=', id).execute();
        assert.equal(seen.length, 1, 'visible at once in its own transaction');
      });
    });
  });
}
