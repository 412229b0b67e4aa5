// The demo's care coordination: after `mutual seed --demo`, Jordan Reid has an open coordination with
// the community team, Aisha Rahman as key worker, and a shared plan in three versions with actions as
// tasks, which Jordan sees in their portal.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testDialects } from '../../platform/db/testing.ts';
import { DEMO } from '../../platform/seed/demo-alliance.ts';
import { seedDemoAlliance } from '../../seed.ts';
import { Browser, buildTestApp } from '../../testing/app.ts';
import { signInPerson } from '../../testing/auth.ts';
import { seed as peopleSeed } from '../people/index.ts';
import { paths } from './paths.ts';
import { seedPlansDemo } from './plan-seed.ts';

for (const dialect of testDialects()) {
  describe(`the care coordination demo (${dialect.name})`, { skip: dialect.skip }, () => {
    it('gives Jordan an open coordination with the community team and a shared plan in three versions, which Jordan sees', async (t) => {
      const app = await buildTestApp(dialect);
      t.after(() => app.close());
      await seedDemoAlliance(app.platform, () => {}, [peopleSeed, { name: 'care-plans', seedDemo: async (p, demo) => (await seedPlansDemo(p, demo)) ?? '' }]);
      const jordan = (await app.db.read.selectFrom('users').select('person_id').where('id', '=', DEMO.users.person).executeTakeFirstOrThrow()).person_id!;
      const c = await app.db.read.selectFrom('care_coordinations').selectAll().where('person_id', '=', jordan).executeTakeFirstOrThrow();
      assert.deepEqual([c.status, c.team_id, c.key_worker_id], ['open', DEMO.teams.communityNorth, DEMO.users.careCoordinator]);
      const versions = await app.db.read.selectFrom('care_plan_versions').select(['version', 'saved_at']).where('person_id', '=', jordan).orderBy('version').execute();
      assert.deepEqual(versions.map((v) => v.version), [1, 2, 3]);
      assert.ok(versions.every((v, i) => i === 0 || v.saved_at > versions[i - 1]!.saved_at), 'each saved at its own time');
      const tasks = await app.db.read.selectFrom('tasks').select(['status', 'source_kind']).where('person_id', '=', jordan).where('source_kind', '=', 'plan-action').orderBy('status').execute();
      assert.deepEqual(tasks.map((x) => x.status).sort(), ['done', 'open', 'open']);
      const b = new Browser(app.app);
      await signInPerson(b, app.db, DEMO.emails.person);
      const page = await b.get(paths.myPlan);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Talk to work about a phased return/);
      assert.match(page.body, /Version 3/);
    });
  });
}
