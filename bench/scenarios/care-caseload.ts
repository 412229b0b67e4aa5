// A practitioner's caseload page with 40 people (issue 5: p95 under 30 ms): "my people" with the last
// contact, the next review, open tasks and risk flags of each, in a team that holds 200 more people
// for colleagues; every person shown is audited (40 audit events a request, in one unit of work).
// Compared with one indexed read.
import { createUser } from '../../src/platform/auth/accounts.ts';
import { newId } from '../../src/platform/db/ids.ts';
import { coordinatedPerson, ensureTeam, notesAbout, refreshCareStatistics, sessionCookie, tasksAbout } from '../care.ts';
import { scenario } from '../scenario.ts';

const MINE = 40;
const COLLEAGUES = 200;

export default scenario<{ cookie: string }>({
  name: 'GET /care/caseload (40 people)',
  connections: 10,
  durationSeconds: 5,
  baseline: 'read',
  expectStatus: 200,
  async setup(ctx) {
    const team = await ensureTeam(ctx);
    const now = ctx.clock.now();
    const held = await ctx.db.read.selectFrom('care_coordinations').select(['id']).where('key_worker_id', '=', team.practitionerId).where('status', '=', 'open').execute();
    if (held.length < MINE) {
      for (let i = held.length; i < MINE; i++) {
        const p = await coordinatedPerson(ctx.db, team, team.practitionerId, now);
        await notesAbout(ctx.db, team, p, 6, now);
        await tasksAbout(ctx.db, team, p.personId, 2, now);
      }
      // Colleagues' people in the same team: the caseload query must pick the practitioner's out.
      const membership = await ctx.db.read.selectFrom('memberships').select(['organisation_id']).where('team_id', '=', team.teamId).executeTakeFirstOrThrow();
      const colleague = await ctx.db.write((tx) =>
        createUser(tx, now, { email: `bench-care-colleague-${newId()}@example.test`, displayName: 'Bench colleague', passwordHash: null, memberships: [{ organisationId: membership.organisation_id, teamId: team.teamId, role: 'practitioner' }] }),
      );
      for (let i = 0; i < COLLEAGUES; i++) {
        const p = await coordinatedPerson(ctx.db, team, colleague, now);
        await notesAbout(ctx.db, team, p, 3, now);
      }
      await refreshCareStatistics(ctx);
    }
    return { cookie: await sessionCookie(ctx, team.practitionerId) };
  },
  requests: (_ctx, state) => [{ method: 'GET', path: '/care/caseload', headers: { accept: 'text/html', cookie: state.cookie } }],
});
