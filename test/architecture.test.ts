// The rules of the house (ARCHITECTURE.md, CONVENTIONS.md) that a linter cannot state, checked on
// the source itself: raw SQL only in the dialect folder, time only from the clock in modules, the
// platform never importing a module, and modules reaching each other only through index.ts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const files = sourceFiles('src').map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
const code = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

describe('the rules of the house', () => {
  it('keeps raw SQL inside src/platform/db/dialect/', () => {
    const offenders = files
      .filter(({ file }) => !file.startsWith(path.join('src', 'platform', 'db', 'dialect')))
      .filter(({ text }) => /\bsql`|\bsql\.(raw|id|ref|lit|join|val)\(|import \{[^}]*\bsql\b[^}]*\} from 'kysely'/.test(code(text)))
      .map(({ file }) => file);
    assert.deepEqual(offenders, []);
  });

  it('keeps Kysely queries in store files, migrations, seeds and the platform', () => {
    const offenders = files
      .filter(({ file }) => file.startsWith(path.join('src', 'modules')))
      .filter(({ file }) => !/(store|seed)[^/]*\.ts$|\/migrations\//.test(file.split(path.sep).join('/')))
      .filter(({ text }) => /\.(selectFrom|insertInto|updateTable|deleteFrom)\(/.test(code(text)))
      .map(({ file }) => file);
    assert.deepEqual(offenders, []);
  });

  it('never changes or removes a team once made (the crisis board remembers teams for good: crisisTeamsAmong)', () => {
    const offenders = files
      .filter(({ file }) => !file.includes(`${path.sep}migrations${path.sep}`) && !file.endsWith('.test.ts'))
      .filter(({ text }) => /(updateTable|deleteFrom)\(\s*'teams'/.test(code(text)))
      .map(({ file }) => file);
    assert.deepEqual(offenders, []);
  });

  it('takes time from the injected clock in module code', () => {
    const offenders = files
      .filter(({ file }) => file.startsWith(path.join('src', 'modules')) && !file.includes(`${path.sep}migrations${path.sep}`))
      .filter(({ text }) => /Date\.now\(\)|new Date\(\)/.test(code(text)))
      .map(({ file }) => file);
    assert.deepEqual(offenders, []);
  });

  it('never lets the platform import a module', () => {
    const offenders = files
      .filter(({ file }) => file.startsWith(path.join('src', 'platform')))
      .filter(({ text }) => /from '(\.\.\/)+modules\//.test(text))
      .map(({ file }) => file);
    assert.deepEqual(offenders, []);
  });

  it('lets modules reach each other only through their index.ts', () => {
    const offenders: string[] = [];
    for (const { file, text } of files) {
      const parts = file.split(path.sep);
      if (parts[1] !== 'modules') continue;
      const own = parts[2];
      for (const m of text.matchAll(/from '(\.\.\/)+modules\/([^/']+)\/([^']+)'|from '\.\.\/([^./'][^/']*)\/([^']+)'/g)) {
        const other = m[2] ?? m[4];
        const rest = m[3] ?? m[5];
        if (!other || other === own) continue;
        // Test support (a module's testing.ts or *-testing.ts, never loaded by the app) may build on another module's test factories.
        const testSupport = /testing\.ts$/.test(file) && /^testing(\.ts)?$/.test(rest ?? '');
        if (!/^index(\.ts)?$/.test(rest ?? '') && !testSupport) offenders.push(`${file} imports ${other}/${rest}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
