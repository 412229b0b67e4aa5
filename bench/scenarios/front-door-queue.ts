// The front door queue with 5,000 open requests (issue 4: p95 under 50 ms): a signed-in practitioner
// of the hub team loads the first page (50 requests), ordered by time left to target, with the counts
// at its top; the view is audited as a read of person data. Compared with one indexed read.
import { startSession } from '../../src/platform/auth/sessions.ts';
import { createPlatform } from '../../src/platform/context.ts';
import { cookieName } from '../../src/platform/http/security.ts';
import { createHub, submit } from '../../src/modules/front-door/testing.ts';
import { refreshPlannerStatistics } from '../../src/platform/db/dialect/statistics.ts';
import { scenario } from '../scenario.ts';

const OPEN_REQUESTS = Number(process.env.BENCH_QUEUE_REQUESTS ?? 5000);

export default scenario<{ cookie: string }>({
  name: 'GET /front-door (5,000 open requests)',
  connections: 10,
  durationSeconds: 5,
  baseline: 'read',
  expectStatus: 200,
  async setup(ctx) {
    const platform = createPlatform(ctx.config, ctx.db, ctx.clock);
    const hub = await createHub(platform);
    for (let done = 0; done < OPEN_REQUESTS; done += 250) {
      await Promise.all(Array.from({ length: Math.min(250, OPEN_REQUESTS - done) }, () => submit(platform)));
    }
    // A bulk load: PostgreSQL's statistics would still say the tables are empty, as they would not
    // in a live queue that grew to 5,000 (autovacuum analyses a table after each 10% of change).
    await refreshPlannerStatistics(ctx.db.writer, ['requests', 'people', 'users']);
    const id = await ctx.db.write((tx) => startSession(tx, ctx.config, ctx.clock.now(), { userId: hub.practitioner.userId, stage: 'full' }));
    return { cookie: `${cookieName(ctx.config, 'session')}=${id}` };
  },
  requests: (_ctx, state) => [{ method: 'GET', path: '/front-door', headers: { accept: 'text/html', cookie: state.cookie } }],
});
