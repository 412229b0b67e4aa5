// The demo person: after `mutual seed --demo`, Jordan Reid signs in with a code and sees their record.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO } from '../../platform/seed/demo-alliance.ts';
import { testDialects } from '../../platform/db/testing.ts';
import { seedDemoAlliance } from '../../seed.ts';
import { Browser, buildTestApp } from '../../testing/app.ts';
import { signInPerson } from '../../testing/auth.ts';
import { seed } from './index.ts';
import { DEMO_PERSON_MOBILE } from './seed.ts';

for (const dialect of testDialects()) {
  describe(`the people demo (${dialect.name})`, { skip: dialect.skip }, () => {
    it('links the demo person account to a record with a request, and they can sign in with a code by email or text', async (t) => {
      const app = await buildTestApp(dialect);
      t.after(() => app.close());
      await seedDemoAlliance(app.platform, () => {}, [seed]);
      for (const contact of [DEMO.emails.person, DEMO_PERSON_MOBILE]) {
        const b = new Browser(app.app);
        await signInPerson(b, app.db, contact);
        const home = await b.get('/my-record');
        assert.equal(home.statusCode, 200);
        assert.match(home.body, /Jordan Reid/);
        assert.match(home.body, /Request [A-Z0-9-]+/);
        assert.match(home.body, /We have your request/);
        app.clock.advance(60_000);
      }
    });
  });
}
