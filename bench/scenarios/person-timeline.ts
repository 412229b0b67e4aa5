// A person record page whose timeline has 500 entries (issue 5: p95 under 50 ms): the practitioner's
// team coordinates the person's care (so it may see them), and 499 notes about them and the
// coordination's opening are on the timeline; the view is audited. Compared with one indexed read.
import { coordinatedPerson, ensureTeam, notesAbout, refreshCareStatistics, sessionCookie } from '../care.ts';
import { scenario } from '../scenario.ts';

const ENTRIES = 500;
const MARK = 'Bench timeline person';

export default scenario<{ cookie: string; personId: string }>({
  name: 'GET /people/:id (timeline of 500 entries)',
  connections: 10,
  durationSeconds: 5,
  baseline: 'read',
  expectStatus: 200,
  async setup(ctx) {
    const team = await ensureTeam(ctx);
    const now = ctx.clock.now();
    // The person is found again by the first note's text (the setup is idempotent).
    const found = await ctx.db.read.selectFrom('care_notes').select(['person_id']).where('team_id', '=', team.teamId).where('body', '=', MARK).executeTakeFirst();
    let personId = found?.person_id;
    if (!personId) {
      const p = await coordinatedPerson(ctx.db, team, team.practitionerId, now);
      // 499 notes and the coordination's opening: 500 entries.
      await notesAbout(ctx.db, team, p, ENTRIES - 1, now, MARK);
      personId = p.personId;
      await refreshCareStatistics(ctx);
    }
    const cookie = await sessionCookie(ctx, team.practitionerId);
    // What is measured: the page as the practitioner gets it, with its timeline's entries counted.
    const page = await fetch(`${ctx.origin}/people/${personId}`, { headers: { cookie, accept: 'text/html' } });
    const html = await page.text();
    const shown = (html.slice(html.indexOf('<h2>Timeline</h2>')).match(/<li>/g) ?? []).length;
    process.stdout.write(`(status ${page.status}, ${shown} timeline entries) `);
    return { cookie, personId };
  },
  requests: (_ctx, state) => [{ method: 'GET', path: `/people/${state.personId}`, headers: { accept: 'text/html', cookie: state.cookie } }],
});
