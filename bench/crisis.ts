// The crisis board at scale (issue 6): one crisis team with a signed-in practitioner and as many open
// episodes as a scenario asks for, opened through the crisis module's own function
// (`openCrisisEpisode`, as the front door's crisis decision opens them), in units of work of the
// bench's own connection to the app's database. Idempotent: a second call tops up to the number.
import { randomBytes } from 'node:crypto';
import { createOrganisation, createTeam, createUser } from '../src/platform/auth/accounts.ts';
import { startSession } from '../src/platform/auth/sessions.ts';
import { createPlatform } from '../src/platform/context.ts';
import { vacuumAnalyze } from '../src/platform/db/dialect/statistics.ts';
import { cookieName } from '../src/platform/http/security.ts';
import { openCrisisEpisode } from '../src/modules/crisis/index.ts';
import type { BenchContext } from './scenario.ts';

const TEAM = 'Bench crisis team';
const PRIORITIES = ['very-urgent', 'urgent', 'urgent', 'routine'] as const;
const DISTRICTS = ['SE11', 'SW9', 'SE5', 'SE15', 'SW2', 'SE27', 'SW16', 'SE1'];

export interface CrisisBench {
  teamId: string;
  userId: string;
  /** The practitioner's session cookie (`name=value`). */
  cookie: string;
  /** An open episode to change. */
  episodeId: string;
}

/** The bench team, its practitioner and a session; at least `openEpisodes` open episodes in the team. */
export async function ensureCrisisBoard(ctx: BenchContext, openEpisodes: number): Promise<CrisisBench> {
  const { db, clock } = ctx;
  const platform = createPlatform(ctx.config, db, clock);
  let team = await db.read.selectFrom('teams').select(['id', 'organisation_id']).where('name', '=', TEAM).executeTakeFirst();
  if (!team) {
    const now = clock.now();
    team = await db.write(async (tx) => {
      const organisationId = await createOrganisation(tx, now, { name: 'Bench NHS trust', kind: 'nhs' });
      return { id: await createTeam(tx, now, { organisationId, name: TEAM, kind: 'crisis', openingHours: null }), organisation_id: organisationId };
    });
  }
  const teamId = team.id;
  const organisationId = team.organisation_id;
  let user = await db.read
    .selectFrom('memberships')
    .select('user_id')
    .where('team_id', '=', teamId)
    .where('role', '=', 'practitioner')
    .executeTakeFirst();
  if (!user) {
    const now = clock.now();
    const userId = await db.write((tx) =>
      createUser(tx, now, {
        email: `bench.crisis.${randomBytes(4).toString('hex')}@example.org`,
        displayName: 'Bench crisis practitioner',
        // Signed in by a session made here, never by password.
        passwordHash: 'not-a-password-hash',
        memberships: [{ organisationId, teamId, role: 'practitioner' }],
      }),
    );
    user = { user_id: userId };
  }
  const userId = user.user_id;

  const open = async () =>
    Number(
      (
        await db.read
          .selectFrom('crisis_episodes')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('team_id', '=', teamId)
          .where('status', '=', 'open')
          .executeTakeFirstOrThrow()
      ).n,
    );
  const have = await open();
  if (have < openEpisodes) {
    const started = Date.now();
    let made = have;
    while (made < openEpisodes) {
      const round = Math.min(250, openEpisodes - made);
      await Promise.all(
        Array.from({ length: round }, (_, i) => {
          const n = made + i;
          return db.write((tx) =>
            openCrisisEpisode(platform, tx, {
              source: n % 5 === 0 ? 'walk-in' : 'phone',
              priority: PRIORITIES[n % PRIORITIES.length]!,
              summary: `Bench episode ${n}: synthetic caller asking for help tonight`,
              teamId,
              postcode: DISTRICTS[n % DISTRICTS.length]!,
              // Spread over the last hour, so times left differ but no target timer falls due while measuring.
              firstContactAt: new Date(clock.now().getTime() - (n % 3600) * 1000),
              nextAction: n % 3 === 0 ? 'Call back within the hour' : null,
              openedBy: userId,
              openedByRole: 'practitioner',
            }),
          );
        }),
      );
      made += round;
    }
    // After the bulk load, as autovacuum would have done to a table filled over weeks: statistics, and
    // the rows marked visible to all, so the board's counts read the open-episodes index alone
    // (index-only scans; migration 2026-11-29T1540). Nothing on SQLite.
    await vacuumAnalyze(db.writer, ['crisis_episodes', 'crisis_episode_responders', 'crisis_episode_actions', 'live_events', 'timers']);
    process.stdout.write(`(opened ${(made - have).toLocaleString('en-GB')} episodes in ${Math.round((Date.now() - started) / 1000)} s) `);
  }
  const episode = await db.read.selectFrom('crisis_episodes').select('id').where('team_id', '=', teamId).where('status', '=', 'open').orderBy('opened_at').limit(1).executeTakeFirstOrThrow();
  const sessionId = await db.write((tx) => startSession(tx, ctx.config, clock.now(), { userId, stage: 'full' }));
  return { teamId, userId, cookie: `${cookieName(ctx.config, 'session')}=${sessionId}`, episodeId: episode.id };
}
