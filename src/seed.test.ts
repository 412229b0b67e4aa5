import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { testConfig } from './config.ts';
import { createPlatform } from './platform/context.ts';
import { testDialects, whileMigrating } from './platform/db/testing.ts';
import { DEMO } from './platform/seed/demo-alliance.ts';
import type { ModuleSeed } from './platform/seed/module-seed.ts';
import { organisationExists } from './platform/seed/store.ts';
import { TestClock } from './platform/time/clock.ts';
import { runSeed, ScaleSeedUnavailable, seedAtScale, seedDemoAlliance } from './seed.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, o: (l: string) => out.push(l), e: (l: string) => err.push(l) };
}

describe('mutual seed', () => {
  it('refuses the demo in production with a clear message, before touching the database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mutual-seed-'));
    try {
      const file = path.join(dir, 'never.db');
      const c = capture();
      const code = await runSeed(testConfig({ env: 'production', database: { kind: 'sqlite', file } }), new TestClock(), { demo: true }, c.o, c.e);
      assert.equal(code, 1);
      assert.match(c.err.join('\n'), /will not create the demo alliance when NODE_ENV=production/);
      assert.equal(fs.existsSync(file), false);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('asks what to seed when given neither --demo nor --scale, and refuses a scale that is not a whole number', async () => {
    const c = capture();
    assert.equal(await runSeed(testConfig(), new TestClock(), {}, c.o, c.e), 1);
    assert.match(c.err[0]!, /--demo .* or --scale <n>/);
    assert.equal(await runSeed(testConfig(), new TestClock(), { scale: Number('lots') }, c.o, c.e), 1);
    assert.match(c.err[1]!, /whole number/);
  });

  it('says seeding at scale is not available when no module provides it', async (t) => {
    const fresh = await testDialects()[0]!.fresh({ migrate: false });
    t.after(() => fresh.close());
    const platform = createPlatform(testConfig(), fresh.db, new TestClock());
    await assert.rejects(seedAtScale(platform, 10, () => {}, []), ScaleSeedUnavailable);
  });
});

for (const dialect of testDialects()) {
  describe(`mutual seed --demo (${dialect.name})`, { skip: dialect.skip }, () => {
    it('migrates, creates the alliance, prints the sign-ins; a second run is refused because the database holds data', async (t) => {
      const fresh = await dialect.fresh({ migrate: false });
      t.after(() => fresh.close());
      const config = testConfig({ database: fresh.target });
      const first = capture();
      // runSeed migrates: hold the lock that keeps other test files' schema drops out meanwhile.
      assert.equal(await whileMigrating(fresh.target, () => runSeed(config, new TestClock(), { demo: true }, first.o, first.e)), 0, first.err.join('\n'));
      const printed = first.out.join('\n');
      for (const email of Object.values(DEMO.emails)) assert.ok(printed.includes(email), email);
      assert.match(printed, /mutual-demo-2026/);
      assert.match(printed, /authenticator app at first sign-in/);
      assert.equal(await organisationExists(fresh.db.read, DEMO.orgs.trust), true);

      const second = capture();
      assert.equal(await whileMigrating(fresh.target, () => runSeed(config, new TestClock(), { demo: true }, second.o, second.e)), 1);
      assert.match(second.err.join('\n'), /already holds organisations, teams or users/);
    });
  });
}

describe('seedDemoAlliance', () => {
  it('runs each module’s demo seed after the platform’s, in order, handing it the demo ids', async (t) => {
    const fresh = await testDialects()[0]!.fresh();
    t.after(() => fresh.close());
    const platform = createPlatform(testConfig(), fresh.db, new TestClock());
    const calls: string[] = [];
    const seeds: ModuleSeed[] = [
      {
        name: 'first',
        async seedDemo(p, demo) {
          // The alliance exists by now, so a module can hang its data on the demo teams.
          assert.equal(await organisationExists(p.db.read, demo.orgs.trust), true);
          calls.push(`first:${demo.teams.frontDoor}`);
          return '3 things';
        },
      },
      { name: 'scale-only', seedScale: async () => 'nothing for the demo' },
      { name: 'second', seedDemo: async () => void calls.push('second') },
    ];
    const c = capture();
    const signIns = await seedDemoAlliance(platform, c.o, seeds);
    assert.ok(signIns.length >= 8);
    assert.deepEqual(calls, [`first:${DEMO.teams.frontDoor}`, 'second']);
    assert.ok(c.out.includes('Seeded the first demo: 3 things.'));
  });
});
