import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openDatabase } from '../db/database.ts';
import { newId } from '../db/ids.ts';
import { testDialects, testPostgresUrl } from '../db/testing.ts';

const run = promisify(execFile);
const backup = (databaseUrl: string, file: string) =>
  run(process.execPath, ['--import', 'tsx', 'src/main.ts', 'backup', file], { env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl } });
const failure = (error: unknown) => error as { code: number; stdout: string; stderr: string };

describe('mutual backup', () => {
  it('copies a SQLite database to a new file that opens with the same rows, and prints its size', async () => {
    const t = await testDialects()[0]!.fresh();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-backup-'));
    try {
      assert.ok(t.target.kind === 'sqlite');
      const id = newId();
      await t.db.write((tx) => tx.insertInto('organisations').values({ id, name: 'Backed up', kind: 'voluntary' } as never).execute());
      const file = path.join(dir, 'copy.db');
      const { stdout } = await backup(`sqlite:${t.target.file}`, file);
      assert.match(stdout, /Backed up to .*copy\.db \(\d+(\.\d)? (KB|MB|bytes)\)/);
      const copy = openDatabase({ kind: 'sqlite', file });
      try {
        const row = await copy.read.selectFrom('organisations').select(['name']).where('id', '=', id).executeTakeFirst();
        assert.deepEqual(row, { name: 'Backed up' });
      } finally {
        await copy.close();
      }
      const again = await backup(`sqlite:${t.target.file}`, file).then(() => assert.fail('must not overwrite'), failure);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /exists already/);
    } finally {
      await t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains pg_dump on PostgreSQL, naming the variable and not its value, and exits 1', async () => {
    const url = testPostgresUrl();
    const result = await backup(url, path.join(os.tmpdir(), `never-${newId()}.db`)).then(() => assert.fail('must exit 1'), failure);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /pg_dump --format=custom .*"\$DATABASE_URL"/);
    assert.ok(!result.stderr.includes(url));
  });
});
