// PostgreSQL keeps the statements a connection repeats prepared (connect.ts, prepareRepeatedStatements).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Kysely, sql } from 'kysely';
import type { DB } from '../tables.ts';
import { type TestDatabase, testDialects } from '../testing.ts';
import { preparable } from './connect.ts';

describe('which statements are prepared', () => {
  it('takes plain short statements and leaves searches, star columns and other commands unnamed', () => {
    assert.equal(preparable('select "id" from "people" where "id" = $1'), true);
    assert.equal(preparable('update "crisis_places" set "held" = "held" + $1 where "id" = $2 returning "id"'), true);
    assert.equal(preparable('select "id" from "directory_services" where "search_vector" @@ plainto_tsquery($1)'), false);
    assert.equal(preparable('select * from "tasks" where "id" = $1'), false);
    assert.equal(preparable('select "t".* from "tasks" as "t"'), false);
    assert.equal(preparable('update "tasks" set "done" = $1 returning *'), false);
    assert.equal(preparable('begin'), false);
    assert.equal(preparable('select "c"."relname" from "pg_catalog"."pg_class" as "c" where "c"."relkind" = $1'), false);
    assert.equal(preparable(`select "id" from "people" where "id" in (${Array.from({ length: 500 }, (_, i) => `$${i + 1}`).join(', ')})`), false);
  });
});

for (const dialect of testDialects().filter((d) => d.name === 'postgres')) {
  describe(`prepared statements (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.fresh();
    });
    after(async () => {
      await t?.close();
    });

    const prepared = async (conn: Kysely<DB>) =>
      (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(conn)).rows.map((r) => r.statement);

    it('prepares a statement the second time a connection runs it, and answers the same from its plan', async () => {
      await t.db.writer.connection().execute(async (conn) => {
        const byName = (name: string) => conn.selectFrom('organisations').select(['id', 'name']).where('name', '=', name).execute();
        await conn.insertInto('organisations').values({ id: '01900000-0000-7000-8000-00000000a001', name: 'Prepared Org', kind: 'nhs' } as never).execute();
        const first = await byName('Prepared Org');
        assert.equal((await prepared(conn)).filter((s) => s.includes('"organisations"') && s.startsWith('select')).length, 0, 'not after the first run');
        const second = await byName('Prepared Org');
        const third = await byName('Prepared Org');
        assert.equal((await prepared(conn)).filter((s) => s.includes('"organisations"') && s.startsWith('select')).length, 1, 'one prepared statement after the second run');
        assert.deepEqual(second, first);
        assert.deepEqual(third, first);
        // Another value through the same plan gives its own answer.
        assert.deepEqual(await byName('No such organisation'), []);
      });
    });

    it('keeps answering after a migration adds a column to a table a prepared statement reads', async () => {
      await t.db.writer.connection().execute(async (conn) => {
        const read = () => conn.selectFrom('organisations').select(['id']).where('kind', '=', 'nhs').execute();
        await read();
        await read();
        await sql`alter table organisations add column prepared_test_extra text`.execute(conn);
        assert.equal((await read()).length, 1);
        await sql`alter table organisations drop column prepared_test_extra`.execute(conn);
        assert.equal((await read()).length, 1);
      });
    });

    it('never prepares a full-text search, however often it runs', async () => {
      await t.db.writer.connection().execute(async (conn) => {
        for (let i = 0; i < 3; i++) await sql`select ${'a'}::text where to_tsvector('simple', 'crisis cafe') @@ plainto_tsquery('simple', ${'cafe'})`.execute(conn);
        assert.equal((await prepared(conn)).filter((s) => s.includes('@@')).length, 0);
      });
    });
  });
}
