// Runs every *.test.ts under src/ and test/ with Node's test runner (through tsx), and fails
// when a file ran no test: on Node 20, `node --test` with no file arguments finds no .ts files,
// prints "# tests 0" and exits 0 (TOOLCHAIN.md). Files are passed explicitly; the totals are checked.
//
//   npm test                          all tests
//   npm run test:only -- src/modules/directory    only the files under a path
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function findTests(dir: string, out: string[] = []): string[] {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') findTests(full, out);
    else if (entry.isFile() && entry.name.endsWith('.test.ts')) out.push(full);
  }
  return out;
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const all = [...findTests('src'), ...findTests('test')].sort();
const files = filters.length ? all.filter((f) => filters.some((p) => f.startsWith(path.normalize(p)))) : all;
if (files.length === 0) {
  console.error('run-tests: no test files found.');
  process.exit(1);
}

const concurrency = process.env.TEST_CONCURRENCY ?? '2';
// The TAP totals go to a file of this run's own, so two runs at once (a developer's and an editor's) cannot read each other's.
const tapFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-tests-')), 'results.tap');
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...files],
  { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'test' } },
);

child.on('exit', (code, signal) => {
  const tap = fs.existsSync(tapFile) ? fs.readFileSync(tapFile, 'utf8') : '';
  fs.rmSync(path.dirname(tapFile), { recursive: true, force: true });
  const total = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(tap)?.[1] ?? 'NaN');
  const tests = total('tests');
  const pass = total('pass');
  const fail = total('fail');
  const skipped = total('skipped');
  const cancelled = total('cancelled');
  console.log(`\n${pass} passed, ${fail + cancelled} failed, ${skipped} skipped`);
  if (!Number.isFinite(tests) || tests < files.length) {
    console.error(`run-tests: ${tests} tests from ${files.length} files; every file must run at least one test.`);
    process.exit(1);
  }
  if (process.env.CI === 'true' && skipped > 0) {
    console.error(`run-tests: ${skipped} tests skipped; in CI nothing may skip.`);
    process.exit(1);
  }
  process.exit(signal ? 1 : (code ?? 1));
});
