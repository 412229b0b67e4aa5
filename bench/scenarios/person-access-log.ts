// The person's "who has looked at my record" with 10,000 events about them (issue 5: under 1 s):
// the person, signed in, asks for their access log (newest first, a page at a time, read straight
// from the audit trail). The events are appended through the audit chain, as real looks would be.
// Compared with one indexed read.
import { ensureTeam, sessionCookie } from '../care.ts';
import { findOrCreatePerson } from '../../src/modules/people/index.ts';
import { appendAuditEvents, type AuditInput } from '../../src/platform/access/audit.ts';
import { createUser } from '../../src/platform/auth/accounts.ts';
import { newId } from '../../src/platform/db/ids.ts';
import { scenario } from '../scenario.ts';

const EVENTS = 10_000;
const FAMILY_NAME = 'Accesslog';

export default scenario<{ cookie: string }>({
  name: 'GET /my-record/access-log (10,000 events about the person)',
  connections: 10,
  durationSeconds: 5,
  baseline: 'read',
  expectStatus: 200,
  async setup(ctx) {
    const team = await ensureTeam(ctx);
    const now = ctx.clock.now();
    // The person is found again by name (the setup is idempotent).
    const found = await ctx.db.read.selectFrom('people').select(['id']).where('family_name', '=', FAMILY_NAME).executeTakeFirst();
    let personId = found?.id;
    if (!personId) {
      personId = await ctx.db.write(async (tx) => {
        const { personId: id } = await findOrCreatePerson(tx, now, {
          givenName: 'Bench',
          familyName: FAMILY_NAME,
          dateOfBirth: '1979-11-20',
          postcode: 'SE5 8AF',
          contactPreferences: { methods: [], safeTimes: null, mayLeaveMessage: null },
        });
        return id;
      });
      const organisationId = (await ctx.db.read.selectFrom('teams').select(['organisation_id']).where('id', '=', team.teamId).executeTakeFirstOrThrow()).organisation_id;
      await ctx.db.write((tx) =>
        createUser(tx, now, { email: `bench-person-${newId()}@example.test`, displayName: 'Bench Accesslog', passwordHash: null, personId, memberships: [{ organisationId, role: 'person' }] }),
      );
      // 10,000 looks at the record by the team's practitioner over the past year, chained 1,000 at a time.
      for (let done = 0; done < EVENTS; done += 1_000) {
        const batch: AuditInput[] = Array.from({ length: 1_000 }, (_, i) => ({
          at: new Date(now.getTime() - (EVENTS - done - i) * 3_000_000),
          actorUserId: team.practitionerId,
          actorRole: 'practitioner',
          actorTeamId: team.teamId,
          action: 'people.record.view',
          entityType: 'person',
          entityId: personId!,
          personId: personId!,
          purpose: 'direct care',
          outcome: 'success',
        }));
        await ctx.db.write((tx) => appendAuditEvents(tx, batch));
      }
    }
    const account = await ctx.db.read.selectFrom('users').select(['id']).where('person_id', '=', personId).executeTakeFirstOrThrow();
    const cookie = await sessionCookie(ctx, account.id);
    // What is measured: the first page of the log, as the person gets it.
    const page = await fetch(`${ctx.origin}/my-record/access-log`, { headers: { cookie, accept: 'text/html' } });
    const html = await page.text();
    if (page.status !== 200 || !html.includes('Bench practitioner')) throw new Error(`person-access-log: the access log answered ${page.status} without the practitioner's looks.`);
    const total = await ctx.db.read.selectFrom('audit_events').select((eb) => eb.fn.countAll<number>().as('n')).where('person_id', '=', personId).executeTakeFirstOrThrow();
    process.stdout.write(`(${Number(total.n).toLocaleString('en-GB')} events about the person) `);
    return { cookie };
  },
  requests: (_ctx, state) => [{ method: 'GET', path: '/my-record/access-log', headers: { accept: 'text/html', cookie: state.cookie } }],
});
