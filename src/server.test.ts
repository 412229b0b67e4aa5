import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { testConfig } from './config.ts';
import { DEMO } from './platform/seed/demo-alliance.ts';
import { TestClock } from './platform/time/clock.ts';
import { serve } from './server.ts';

/** Runs `fn` with console.log collected (serve prints the address and the demo sign-ins). */
async function printed<T>(fn: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(' '));
  try {
    return { result: await fn(), lines };
  } finally {
    console.log = original;
  }
}

describe('serve (npm start)', () => {
  it('seeds the demo alliance into an empty database, serves the home page and prints the demo sign-ins after the address', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-start-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const config = testConfig({ port: 0, database: { kind: 'sqlite', file: path.join(dir, 'mutual.db') }, demo: true });

    const { result: running, lines } = await printed(() => serve(config, new TestClock(), { seedDemoIfEmpty: true }));
    try {
      const res = await fetch(`${running.address}/`);
      assert.equal(res.status, 200);
      const users = await running.db.read.selectFrom('users').select(['email']).execute();
      assert.equal(users.length, Object.keys(DEMO.users).length);
      const at = lines.findIndex((l) => l.includes('is running at'));
      assert.ok(at >= 0);
      const after = lines.slice(at + 1).join('\n');
      assert.match(after, /admin@demo\.example\.org\s+mutual-demo-2026/);
      assert.match(after, /authenticator app at first sign-in/);
    } finally {
      await running.stop();
    }

    // Started again on the same database: nothing seeded twice, the sign-ins printed again.
    const again = await printed(() => serve(config, new TestClock(), { seedDemoIfEmpty: true }));
    try {
      assert.equal((await again.result.db.read.selectFrom('users').select(['id']).execute()).length, Object.keys(DEMO.users).length);
      assert.ok(again.lines.some((l) => l.includes('lead@demo.example.org')));
      assert.ok(!again.lines.some((l) => l.startsWith('Created the demo alliance')));
    } finally {
      await again.result.stop();
    }
  });

  it('seeds nothing when demo mode is off', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-start-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const config = testConfig({ port: 0, database: { kind: 'sqlite', file: path.join(dir, 'mutual.db') }, demo: false });
    const { result: running, lines } = await printed(() => serve(config, new TestClock(), { seedDemoIfEmpty: true }));
    try {
      assert.equal((await running.db.read.selectFrom('users').select(['id']).execute()).length, 0);
      assert.ok(!lines.some((l) => l.includes('mutual-demo-2026')));
    } finally {
      await running.stop();
    }
  });
});
