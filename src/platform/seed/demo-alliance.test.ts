import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testConfig } from '../../config.ts';
import { ROLES, STAFF_ROLES } from '../access/policy.ts';
import { verifyAuditChain } from '../access/audit.ts';
import { findUserByEmail, membershipsOf } from '../auth/accounts.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { createPlatform } from '../context.ts';
import { testDialects } from '../db/testing.ts';
import { openingHoursFromJson } from '../time/calendar.ts';
import { TestClock } from '../time/clock.ts';
import { DEMO, DEMO_PASSWORD, DemoSeedRefused, demoId, formatDemoSignIns, holdsDemoAlliance, seedDemo } from './demo-alliance.ts';

describe('demo ids', () => {
  it('are fixed UUIDs, the same in every run, and distinct', () => {
    assert.equal(demoId('org:trust'), DEMO.orgs.trust);
    const all = [...Object.values(DEMO.orgs), ...Object.values(DEMO.teams), ...Object.values(DEMO.users)];
    for (const id of all) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(new Set(all).size, all.length);
  });
});

describe('formatDemoSignIns', () => {
  it('prints each email with the password and role, and says staff set up an authenticator app', () => {
    const lines = formatDemoSignIns([{ role: 'practitioner', email: 'practitioner@demo.example.org', password: DEMO_PASSWORD, note: 'Front door' }]).join('\n');
    assert.match(lines, /practitioner\s+practitioner@demo\.example\.org\s+mutual-demo-2026/);
    assert.match(lines, /authenticator app at first sign-in/);
  });
});

for (const dialect of testDialects()) {
  describe(`seedDemo (${dialect.name})`, { skip: dialect.skip }, () => {
    it('creates the alliance: a user for every role who can sign in with the demo password, and the teams with their hours', async (t) => {
      const fresh = await dialect.fresh();
      t.after(() => fresh.close());
      const platform = createPlatform(testConfig(), fresh.db, new TestClock('2026-12-01T10:00:00Z'));

      const signIns = await seedDemo(platform);

      assert.deepEqual([...new Set(signIns.map((s) => s.role))], [...ROLES], 'every role, in the order of ROLES');
      for (const signIn of signIns) {
        const user = await findUserByEmail(fresh.db.read, signIn.email);
        assert.ok(user, signIn.email);
        assert.equal(signIn.password, DEMO_PASSWORD);
        assert.ok(await verifyPassword(user.password_hash!, DEMO_PASSWORD), `${signIn.email} signs in with the demo password`);
        assert.equal(user.totp_secret, null, 'staff enrol an authenticator app at first sign-in');
        const memberships = await membershipsOf(fresh.db.read, user.id);
        assert.deepEqual(
          memberships.map((m) => m.role),
          [signIn.role],
        );
      }
      assert.ok(signIns.some((s) => STAFF_ROLES.includes(s.role)));

      const lead = await findUserByEmail(fresh.db.read, 'lead@demo.example.org');
      assert.deepEqual(await membershipsOf(fresh.db.read, lead!.id), [{ organisationId: DEMO.orgs.trust, teamId: DEMO.teams.frontDoor, role: 'team-lead' }]);

      const teams = await fresh.db.read.selectFrom('teams').select(['id', 'kind', 'opening_hours', 'organisation_id']).execute();
      const team = (id: string) => teams.find((x) => x.id === id)!;
      assert.equal(teams.length, Object.keys(DEMO.teams).length);
      assert.equal(team(DEMO.teams.frontDoor).kind, 'front-door');
      assert.equal(openingHoursFromJson(team(DEMO.teams.crisis).opening_hours), null, 'crisis and home treatment: 24/7');
      assert.deepEqual(openingHoursFromJson(team(DEMO.teams.frontDoor).opening_hours)?.bankHolidays, [{ opens: '10:00', closes: '16:00' }]);
      for (const key of ['communityNorth', 'communitySouth'] as const) {
        assert.equal(team(DEMO.teams[key]).kind, 'community');
        assert.deepEqual(openingHoursFromJson(team(DEMO.teams[key]).opening_hours)?.weekly.mon, [{ opens: '09:00', closes: '17:00' }]);
      }
      assert.equal(team(DEMO.teams.peerSupport).organisation_id, DEMO.orgs.peerSupport);
      for (const t of teams) if (t.opening_hours !== null) assert.doesNotThrow(() => openingHoursFromJson(t.opening_hours), 'every team’s hours are valid');

      const orgs = await fresh.db.read.selectFrom('organisations').select(['id', 'kind']).execute();
      assert.ok(orgs.filter((o) => o.kind === 'voluntary' || o.kind === 'community' || o.kind === 'university').length >= 6, 'at least six voluntary organisations');
      assert.ok(orgs.some((o) => o.id === DEMO.orgs.trust && o.kind === 'nhs'));
      assert.ok(orgs.some((o) => o.id === DEMO.orgs.council && o.kind === 'council'));

      assert.equal(await holdsDemoAlliance(platform), true);
      const audit = await fresh.db.read.selectFrom('audit_events').select(['action']).execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['demo.seeded'],
      );
      assert.deepEqual(await verifyAuditChain(fresh.db.read), { ok: true, count: 1 });
    });

    it('refuses to seed a second time, and changes nothing', async (t) => {
      const fresh = await dialect.fresh();
      t.after(() => fresh.close());
      const platform = createPlatform(testConfig(), fresh.db, new TestClock());
      await seedDemo(platform);
      const before = await fresh.db.read.selectFrom('users').select(['id']).execute();
      await assert.rejects(seedDemo(platform), (error: unknown) => error instanceof DemoSeedRefused && error.reason === 'not-empty' && /already holds/.test(error.message));
      assert.equal((await fresh.db.read.selectFrom('users').select(['id']).execute()).length, before.length);
    });

    it('refuses in production and writes nothing', async (t) => {
      const fresh = await dialect.fresh();
      t.after(() => fresh.close());
      const platform = createPlatform(testConfig({ env: 'production' }), fresh.db, new TestClock());
      await assert.rejects(seedDemo(platform), (error: unknown) => error instanceof DemoSeedRefused && error.reason === 'production' && /NODE_ENV=production/.test(error.message));
      assert.equal(await holdsDemoAlliance(platform), false);
      assert.equal((await fresh.db.read.selectFrom('users').select(['id']).execute()).length, 0);
    });
  });
}
