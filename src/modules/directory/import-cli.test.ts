import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { type TestDatabase, testDialects } from '../../platform/db/testing.ts';
import { TestClock } from '../../platform/time/clock.ts';
import { type Output, runOrukImport, runPostcodeImport } from './import-cli.ts';
import { orukServiceJson } from './oruk-factories.ts';
import { orukDataDir, REPO_ROOT } from './oruk-validation.ts';
import { findPostcode, loadServiceRecord } from './store.ts';

const run = promisify(execFile);
const EXAMPLES = path.join(orukDataDir(), 'examples');

function capture(): Output & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (line) => lines.push(line), progress: null };
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-import-'));
}

for (const dialect of testDialects()) {
  describe(`the import report (${dialect.name})`, { skip: dialect.skip }, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.fresh();
    });
    after(async () => t?.close());

    it('prints counts, each failed record with the pointer of its field, and exits 1 when a record failed', async () => {
      const good = orukServiceJson({ name: 'Counted' });
      const bad: Record<string, unknown> = { ...orukServiceJson({ name: 'Not counted' }), minimum_age: 'eighteen' };
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'services.json'), JSON.stringify([good, bad]));
      const output = capture();
      const code = await runOrukImport(t.db, new TestClock(), dir, output);
      assert.equal(code, 1);
      const text = output.lines.join('\n');
      assert.match(text, /^ {2}read {7}2$/m);
      assert.match(text, /^ {2}imported {3}1 \(1 new, 0 updated\)$/m);
      assert.match(text, /^ {2}failed {5}1$/m);
      assert.ok(text.includes(`service ${String(bad.id)} in services.json#/1`), text);
      assert.match(text, /^ {4}\/minimum_age {2}must be number$/m);
      assert.equal((await loadServiceRecord(t.db.read, String(good.id)))?.name, 'Counted');
    });

    it('exits 0 and reports everything unchanged when a clean feed is imported again', async () => {
      assert.equal(await runOrukImport(t.db, new TestClock(), EXAMPLES, capture()), 0);
      const again = capture();
      assert.equal(await runOrukImport(t.db, new TestClock(), EXAMPLES, again), 0);
      assert.match(again.lines.join('\n'), /^ {2}unchanged {2}4$/m);
    });

    it('prints a postcode summary with the reasons rows were skipped', async () => {
      const file = path.join(tempDir(), 'onspd.csv');
      fs.writeFileSync(file, 'pcds,doterm,lat,long\nSE1 7PB,,51.503,-0.1134\nSE1 9ZZ,202001,51.5,-0.1\nSE1 8ZZ,,99.999999,0.000000\n');
      const output = capture();
      assert.equal(await runPostcodeImport(t.db, file, output), 0);
      assert.match(output.lines.join('\n'), /imported {3}1\n {2}skipped {4}2 \(terminated 1, no coordinates 1, not a postcode 0\)/);
      assert.ok(await findPostcode(t.db.read, 'SE1 7PB'));
    });
  });
}

describe('mutual import, run as a command', () => {
  it('imports the ORUK examples and postcodes into the configured database, quietly when not on a terminal', async () => {
    const dir = tempDir();
    const env = { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: `sqlite:${path.join(dir, 'cli.db')}` };
    const main = path.join(REPO_ROOT, 'src', 'main.ts');
    const tsx = path.join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const first = await run(process.execPath, [tsx, main, 'import', 'oruk', EXAMPLES], { env, cwd: REPO_ROOT });
    assert.match(first.stdout, /imported {3}4 \(4 new, 0 updated\)/);
    assert.equal(first.stderr, '', 'no progress bar when stderr is not a terminal');

    const csv = path.join(dir, 'codepoint.csv');
    fs.writeFileSync(csv, '"SW1A1AA",10,529090,179645,"E92000001","E19000003","E18000007","","E09000033","E05013806"\n');
    const postcodes = await run(process.execPath, [tsx, main, 'import', 'postcodes', csv], { env, cwd: REPO_ROOT });
    assert.match(postcodes.stdout, /OS Code-Point Open/);
    assert.match(postcodes.stdout, /imported {3}1/);
  });
});
