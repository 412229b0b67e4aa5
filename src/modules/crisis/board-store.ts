// Rows of the crisis board and the duty rota. No access rules here: board.ts works out which teams an
// actor sees and calls these with them.
//
// The board reads a page of 50 of possibly thousands of open episodes, so every query here is served
// by an index (migrations 1502 and 1540): the counts and the page of those still waiting come from
// `crisis_episodes_waiting_idx` (team, status, responded_at, target_at, id), never a sort of the team.
import type { ExpressionBuilder, Kysely } from 'kysely';
import { newId } from '../../platform/db/ids.ts';
import type { CrisisDutyTable, DB } from '../../platform/db/tables.ts';

type EpisodeScope = ExpressionBuilder<DB & { e: DB['crisis_episodes'] }, 'e'>;

/** Which open episodes a board shows: those of its teams, and those of other teams its user responds to. */
export interface BoardScope {
  teamIds: readonly string[];
  /** Open episodes of other teams the user is a responder on (few; see `respondingEpisodeIds`). */
  responding: readonly string[];
}

function visible(scope: BoardScope) {
  const { teamIds, responding } = scope;
  return (w: EpisodeScope) =>
    teamIds.length && responding.length
      ? w.or([w('e.team_id', 'in', teamIds), w('e.id', 'in', responding)])
      : teamIds.length
        ? w('e.team_id', 'in', teamIds)
        : w('e.id', 'in', responding.length ? responding : ['']);
}

/**
 * Open episodes of teams other than these that the user is an active responder on. Read first, so the
 * teams' own are then read straight from their index (an OR with a subquery would sort the whole
 * team's episodes).
 */
export async function respondingEpisodeIds(db: Kysely<DB>, userId: string, exceptTeamIds: readonly string[]): Promise<string[]> {
  let query = db
    .selectFrom('crisis_episode_responders as r')
    .innerJoin('crisis_episodes as e', 'e.id', 'r.episode_id')
    .select('e.id')
    .where('r.user_id', '=', userId)
    .where('r.removed_at', 'is', null)
    .where('e.status', '=', 'open');
  if (exceptTeamIds.length) query = query.where('e.team_id', 'not in', exceptTeamIds);
  return (await query.execute()).map((r) => r.id);
}

/**
 * The board's counts over every open episode in scope: all, still waiting for a response, and waiting
 * past their target. Three counts of ranges of `crisis_episodes_waiting_idx` (team, status,
 * responded_at, target_at), read from the index alone: all open ones, those already answered (few:
 * answered episodes are soon closed) and those overdue. Waiting is the open less the answered, so no
 * column of the 10,000 entries is looked at, only counted (a sum of CASE over every entry took
 * twice as long on SQLite).
 */
export async function boardCounts(db: Kysely<DB>, scope: BoardScope, nowIso: string): Promise<{ open: number; waiting: number; overdue: number }> {
  const counted = await boardCountsQuery(db, scope, nowIso).executeTakeFirstOrThrow();
  const open = Number(counted.open ?? 0);
  return { open, waiting: open - Number(counted.answered ?? 0), overdue: Number(counted.overdue ?? 0) };
}

/** The query `boardCounts` runs (the tests check its plan). */
export function boardCountsQuery(db: Kysely<DB>, scope: BoardScope, nowIso: string) {
  const openInScope = (eb: ExpressionBuilder<DB, never>) => eb.selectFrom('crisis_episodes as e').where('e.status', '=', 'open').where(visible(scope));
  return db.selectNoFrom((eb) => [
    openInScope(eb)
      .select((c) => c.fn.countAll<number>().as('n'))
      .as('open'),
    openInScope(eb)
      .where('e.responded_at', 'is not', null)
      .select((c) => c.fn.countAll<number>().as('n'))
      .as('answered'),
    openInScope(eb)
      .where('e.responded_at', 'is', null)
      .where('e.target_at', '<=', nowIso)
      .select((c) => c.fn.countAll<number>().as('n'))
      .as('overdue'),
  ]);
}

/**
 * The earliest response target still to come among the open episodes in scope not yet answered: the
 * moment the board's overdue count next changes by itself (board.ts keeps a board no longer than that).
 */
export async function nextTargetAfter(db: Kysely<DB>, scope: BoardScope, nowIso: string): Promise<string | null> {
  const row = await db
    .selectFrom('crisis_episodes as e')
    .select('e.target_at')
    .where('e.status', '=', 'open')
    .where('e.responded_at', 'is', null)
    .where(visible(scope))
    .where('e.target_at', '>', nowIso)
    .orderBy('e.target_at')
    .limit(1)
    .executeTakeFirst();
  return row?.target_at ?? null;
}

const BOARD_COLUMNS = ['e.id', 'e.reference', 'e.priority', 'e.target_at', 'e.first_contact_at', 'e.responded_at', 'e.status', 'e.source', 'e.person_id', 'e.postcode_district', 'e.next_action', 'e.team_id'] as const;

/** Open episodes in scope still waiting for a response, the nearest target first (read from the index as far as the page reaches). */
export async function waitingEpisodesPage(db: Kysely<DB>, scope: BoardScope, limit: number, offset: number) {
  return waitingEpisodesQuery(db, scope, limit, offset).execute();
}

/** The query `waitingEpisodesPage` runs (the tests check its plan). */
export function waitingEpisodesQuery(db: Kysely<DB>, scope: BoardScope, limit: number, offset: number) {
  return db
    .selectFrom('crisis_episodes as e')
    .select(BOARD_COLUMNS)
    .where('e.status', '=', 'open')
    .where('e.responded_at', 'is', null)
    .where(visible(scope))
    .orderBy('e.target_at')
    .orderBy('e.id')
    .limit(limit)
    .offset(offset);
}

/** Open episodes in scope already responded to: the most urgent priority first, then by target. */
export async function answeredEpisodesPage(db: Kysely<DB>, scope: BoardScope, limit: number, offset: number) {
  return db
    .selectFrom('crisis_episodes as e')
    .select(BOARD_COLUMNS)
    .where('e.status', '=', 'open')
    .where('e.responded_at', 'is not', null)
    .where(visible(scope))
    .orderBy((eb) =>
      eb
        .case()
        .when('e.priority', '=', 'emergency')
        .then(eb.lit(0))
        .when('e.priority', '=', 'very-urgent')
        .then(eb.lit(1))
        .when('e.priority', '=', 'urgent')
        .then(eb.lit(2))
        .else(eb.lit(3))
        .end(),
    )
    .orderBy('e.target_at')
    .orderBy('e.id')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** The active responders' names of these episodes, in the order they were assigned. */
export async function boardResponderNames(db: Kysely<DB>, episodeIds: readonly string[]) {
  if (episodeIds.length === 0) return [];
  return db
    .selectFrom('crisis_episode_responders as r')
    .innerJoin('users', 'users.id', 'r.user_id')
    .select(['r.episode_id', 'users.display_name'])
    .where('r.removed_at', 'is', null)
    .where('r.episode_id', 'in', episodeIds)
    .orderBy('r.assigned_at')
    .execute();
}

// ---- the duty rota ----

/** Shifts of these teams not yet ended and starting before `untilIso`, the earliest first. */
export async function dutyShiftsBetween(db: Kysely<DB>, teamIds: readonly string[], nowIso: string, untilIso: string) {
  if (teamIds.length === 0) return [];
  return db
    .selectFrom('crisis_duty')
    .innerJoin('users', 'users.id', 'crisis_duty.user_id')
    .select(['crisis_duty.id', 'crisis_duty.team_id', 'crisis_duty.duty_role', 'crisis_duty.starts_at', 'crisis_duty.ends_at', 'crisis_duty.phone', 'users.display_name'])
    .where('crisis_duty.team_id', 'in', teamIds)
    .where('crisis_duty.removed_at', 'is', null)
    .where('crisis_duty.ends_at', '>', nowIso)
    .where('crisis_duty.starts_at', '<', untilIso)
    .orderBy('crisis_duty.starts_at')
    .orderBy('users.display_name')
    .execute();
}

/**
 * Who is on a shift of this team at this instant (started, not ended, not removed), for warnings and
 * escalations: their email, and the duty mobile of the shift when one was given. Accounts that are
 * disabled are left out.
 */
export async function onDutyAt(db: Kysely<DB>, teamId: string, atIso: string): Promise<{ email: string; phone: string | null }[]> {
  return db
    .selectFrom('crisis_duty')
    .innerJoin('users', 'users.id', 'crisis_duty.user_id')
    .select(['users.email', 'crisis_duty.phone'])
    .where('crisis_duty.team_id', '=', teamId)
    .where('crisis_duty.removed_at', 'is', null)
    .where('crisis_duty.starts_at', '<=', atIso)
    .where('crisis_duty.ends_at', '>', atIso)
    .where('users.disabled_at', 'is', null)
    .orderBy('crisis_duty.starts_at')
    .execute();
}

/** Shifts of a team ending after `fromIso` (at most 500), for the rota page. */
export async function dutyShiftsFrom(db: Kysely<DB>, teamId: string, fromIso: string) {
  return db
    .selectFrom('crisis_duty')
    .innerJoin('users', 'users.id', 'crisis_duty.user_id')
    .select(['crisis_duty.id', 'crisis_duty.duty_role', 'crisis_duty.starts_at', 'crisis_duty.ends_at', 'crisis_duty.phone', 'users.display_name'])
    .where('crisis_duty.team_id', '=', teamId)
    .where('crisis_duty.removed_at', 'is', null)
    .where('crisis_duty.ends_at', '>', fromIso)
    .orderBy('crisis_duty.starts_at')
    .limit(500)
    .execute();
}

export async function insertShift(tx: Kysely<DB>, row: { teamId: string; userId: string; role: CrisisDutyTable['duty_role']; startsAt: Date; endsAt: Date; phone: string | null; by: string; at: Date }): Promise<string> {
  const id = newId();
  await tx
    .insertInto('crisis_duty')
    .values({ id, team_id: row.teamId, user_id: row.userId, duty_role: row.role, starts_at: row.startsAt.toISOString(), ends_at: row.endsAt.toISOString(), phone: row.phone, created_by: row.by, created_at: row.at.toISOString(), removed_by: null, removed_at: null })
    .execute();
  return id;
}

/** A shift not removed, or undefined. */
export async function activeShiftById(db: Kysely<DB>, id: string) {
  return db.selectFrom('crisis_duty').select(['id', 'team_id']).where('id', '=', id).where('removed_at', 'is', null).executeTakeFirst();
}

export async function markShiftRemoved(tx: Kysely<DB>, id: string, by: string, at: Date): Promise<void> {
  await tx.updateTable('crisis_duty').set({ removed_by: by, removed_at: at.toISOString() }).where('id', '=', id).execute();
}
