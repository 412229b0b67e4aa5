// The crisis board (issue 6, item 2): every open episode of the actor's crisis teams (and those they
// respond to), ordered by time left to the response target, with the priority, the time left in words
// and in colour, the responders, the area (the postcode district only: no names, so the board can be
// on a wall) and the next action; the follow-ups due; who is on duty tonight.
//
// `boardRows(platform, actor)` is the one query the page, its partial `views/board/_rows.njk` and the
// live updates use. Without JavaScript the page is refreshed by its "Refresh" link, or, when the user
// asks for it, every minute (`?refresh=60`): an automatic refresh the user has not asked for would fail
// WCAG 2.2.1 (timing adjustable) and axe's meta-refresh rule, so it is never the default.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import { type Actor, can, GRANTS } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { CrisisDutyTable, CrisisPriority, DB } from '../../platform/db/tables.ts';
import { InputError, NotFoundError } from '../../platform/http/problems.ts';
import { formatDuration, formatTime } from '../../platform/views/format.ts';
import { peoplePaths } from '../people/index.ts';
import { boardLive } from './board-events.ts';
import { activeShiftById, answeredEpisodesPage, boardCounts, boardResponderNames, dutyShiftsBetween, dutyShiftsFrom, insertShift, markShiftRemoved, nextTargetAfter, respondingEpisodeIds, waitingEpisodesPage } from './board-store.ts';
import { crisisTeamsAmong, publishBoardChange } from './episode-store.ts';
import { type DischargedFrom, followUpsDue } from './follow-up.ts';
import { paths } from './paths.ts';
import { PRIORITY_TEXT } from './targets.ts';

export const READ = 'crisis:board:read';
export const DUTY_MANAGE = 'crisis:duty:manage';
/** The board shows shifts on now or starting within this many hours ("tonight"). */
export const DUTY_WINDOW_HOURS = 12;
/** The only automatic refresh the page offers, on request: once a minute. */
export const REFRESH_SECONDS = 60;

export const PRIORITY_TAG: Record<CrisisPriority, string> = { emergency: 'red', 'very-urgent': 'orange', urgent: 'yellow', routine: 'blue' };

export const DUTY_ROLES: readonly CrisisDutyTable['duty_role'][] = ['duty-senior', 'responder', 'call-handler', 'doctor', 'peer-worker'];
export const DUTY_ROLE_TEXT: Record<CrisisDutyTable['duty_role'], string> = {
  'duty-senior': 'Duty senior',
  responder: 'Responder',
  'call-handler': 'Call handler',
  doctor: 'Doctor',
  'peer-worker': 'Peer support worker',
};

export const FROM_TEXT: Record<DischargedFrom, string> = { admission: 'Inpatient admission', 'crisis-house': 'Crisis house', episode: 'Crisis episode', sanctuary: 'Sanctuary' };

/**
 * "HH:mm" in London of an ISO instant, remembered by the minute: the board shows 50 times a render
 * and formatting one through the time zone database costs more than reading the page's rows, while
 * the answer depends only on the minute (London's offset is whole hours). At most a day of minutes is kept.
 */
const clockTimes = new Map<string, string>();
export function boardTime(iso: string): string {
  const minute = new Date(iso).toISOString().slice(0, 16);
  let text = clockTimes.get(minute);
  if (text === undefined) {
    if (clockTimes.size >= 1440) clockTimes.clear();
    text = formatTime(`${minute}:00.000Z`);
    clockTimes.set(minute, text);
  }
  return text;
}

export interface TimeLeft {
  text: string;
  /** The nhsuk tag colour: a second signal beside the words, never the only one (WCAG 1.4.1). */
  tag: 'red' | 'orange' | 'green' | 'grey';
  overdue: boolean;
  /** Milliseconds to the target (negative when passed); null once responded. */
  ms: number | null;
}

/** Time left to the response target, in words and colour: red when passed, orange in the last quarter. */
export function timeLeft(e: { target_at: string; first_contact_at: string; responded_at: string | null; status: string }, now: Date): TimeLeft {
  const target = new Date(e.target_at).getTime();
  if (e.status === 'closed') return { text: 'Closed', tag: 'grey', overdue: false, ms: null };
  if (e.responded_at) {
    const late = new Date(e.responded_at).getTime() > target;
    return { text: `Responded at ${boardTime(e.responded_at)}${late ? ', after the target' : ''}`, tag: 'grey', overdue: false, ms: null };
  }
  const left = target - now.getTime();
  if (left <= 0) return { text: `Overdue by ${formatDuration(-left)}`, tag: 'red', overdue: true, ms: left };
  const whole = target - new Date(e.first_contact_at).getTime();
  return { text: `${formatDuration(left)} left`, tag: left <= whole * 0.25 ? 'orange' : 'green', overdue: false, ms: left };
}

export interface BoardRow {
  id: string;
  reference: string;
  href: string;
  priority: CrisisPriority;
  priorityText: string;
  priorityTag: string;
  timeLeft: TimeLeft;
  targetTime: string;
  source: string;
  named: boolean;
  responders: string[];
  area: string | null;
  nextAction: string | null;
  teamId: string;
}

export interface Board {
  now: Date;
  teams: { id: string; name: string }[];
  /** This page of the open episodes, in board order. */
  rows: BoardRow[];
  /** Every open episode on the board, not only this page's: all, waiting for a response, and overdue. */
  counts: { open: number; waiting: number; overdue: number };
  page: number;
  pages: number;
  pageSize: number;
  followUps: { id: string; from: string; dueAt: string; dueText: string; overdue: boolean; escalated: boolean; personHref: string | null; teamId: string }[];
  duty: { id: string; name: string; role: string; starts: string; ends: string; onNow: boolean; phone: string | null; teamId: string }[];
  /** The board's teams with nobody on their duty rota at this moment: escalations then reach their leads only (H14). */
  nobodyOnDuty: { id: string; name: string }[];
}

/** Rows a page: the most urgent fit on the first; a team with thousands open pages through the rest (the counts above cover them all). */
export const BOARD_PAGE_SIZE = 50;

function boardTeamIds(actor: Extract<Actor, { kind: 'user' }>): string[] {
  return [...new Set(actor.memberships.filter((m) => m.teamId && GRANTS[m.role]?.includes(READ)).map((m) => m.teamId as string))];
}

/** What a board reads from the database: everything it shows that does not depend on the clock. */
interface BoardRead {
  counts: { open: number; waiting: number; overdue: number };
  /** When the overdue count next changes by itself (the next target to pass), or null. */
  nextTarget: string | null;
  page: number;
  pages: number;
  episodes: Awaited<ReturnType<typeof waitingEpisodesPage>>;
  responders: Awaited<ReturnType<typeof boardResponderNames>>;
  followUps: Awaited<ReturnType<typeof followUpsDue>>;
  /** Shifts not ended and starting within DUTY_WINDOW_HOURS of when it was read. */
  shifts: Awaited<ReturnType<typeof dutyShiftsBetween>>;
}

/**
 * How long a board read is used at most (hazard H13). Within it, a board is read again as soon as
 * anything on it changes (every change publishes a live event, and the read is kept only for the
 * newest event's id it was read at), and when its overdue count changes by itself (the next target
 * passes). What it shows of the clock (time left, due in, on duty now) is worked out at each render.
 * This bounds what changes with no event: a shift coming within the next 12 hours, a name changed.
 */
export const BOARD_READ_KEPT_MS = 30_000;

interface KeptRead {
  version: number;
  until: number;
  read: BoardRead;
}

/** Board reads by database, keyed by the scope (teams, episodes responded to) and page. */
const keptReads = new WeakMap<object, LRUCache<string, KeptRead>>();

function keptReadsOf(db: object): LRUCache<string, KeptRead> {
  let kept = keptReads.get(db);
  if (!kept) {
    kept = new LRUCache<string, KeptRead>({ max: 500 });
    keptReads.set(db, kept);
  }
  return kept;
}

async function readBoard(db: Kysely<DB>, scope: { teamIds: string[]; responding: string[] }, asked: number, now: Date): Promise<BoardRead> {
  const nowIso = now.toISOString();
  // Waiting ones (by target, from the index), then answered ones (the most urgent first, by target),
  // each read only as far as this page reaches. The page asked for is read beside the counts, and
  // read again only when it was past the last page.
  const [counts, nextTarget, waitingAsked, followUps, shifts] = await Promise.all([
    boardCounts(db, scope, nowIso),
    nextTargetAfter(db, scope, nowIso),
    waitingEpisodesPage(db, scope, BOARD_PAGE_SIZE, (asked - 1) * BOARD_PAGE_SIZE),
    followUpsDue(db, scope.teamIds),
    dutyShiftsBetween(db, scope.teamIds, nowIso, new Date(now.getTime() + DUTY_WINDOW_HOURS * 3_600_000).toISOString()),
  ]);
  const pages = Math.max(1, Math.ceil(counts.open / BOARD_PAGE_SIZE));
  const page = Math.min(asked, pages);
  const offset = (page - 1) * BOARD_PAGE_SIZE;
  const waiting = page === asked ? waitingAsked : offset < counts.waiting ? await waitingEpisodesPage(db, scope, BOARD_PAGE_SIZE, offset) : [];
  const answeredWanted = BOARD_PAGE_SIZE - waiting.length;
  const answered = answeredWanted > 0 && counts.open > counts.waiting ? await answeredEpisodesPage(db, scope, answeredWanted, Math.max(0, offset - counts.waiting)) : [];
  const episodes = [...waiting, ...answered];
  // The responders of this page's episodes.
  const responders = await boardResponderNames(
    db,
    episodes.map((e) => e.id),
  );
  return { counts, nextTarget, page, pages, episodes, responders, followUps, shifts };
}

/** The board as shown at `now`, from what was read (now or a moment ago). */
function present(read: BoardRead, teams: { id: string; name: string }[], now: Date): Board {
  const byEpisode = new Map<string, string[]>();
  for (const r of read.responders) byEpisode.set(r.episode_id, [...(byEpisode.get(r.episode_id) ?? []), r.display_name]);
  const rows = read.episodes.map(
    (e): BoardRow => ({
      id: e.id,
      reference: e.reference,
      href: paths.episode(e.id),
      priority: e.priority,
      priorityText: PRIORITY_TEXT[e.priority],
      priorityTag: PRIORITY_TAG[e.priority],
      timeLeft: timeLeft(e, now),
      targetTime: boardTime(e.target_at),
      source: e.source,
      named: e.person_id !== null,
      responders: byEpisode.get(e.id) ?? [],
      area: e.postcode_district,
      nextAction: e.next_action,
      teamId: e.team_id,
    }),
  );
  const followUps = read.followUps.map((f) => {
    const left = new Date(f.dueAt).getTime() - now.getTime();
    return {
      id: f.id,
      from: FROM_TEXT[f.dischargedFrom],
      dueAt: f.dueAt,
      dueText: left <= 0 ? `Overdue by ${formatDuration(-left)}` : `Due in ${formatDuration(left)}`,
      overdue: left <= 0,
      escalated: f.escalatedAt !== null,
      personHref: peoplePaths.person(f.personId),
      teamId: f.teamId,
    };
  });
  const duty = dutyAt(read.shifts, now);
  const nobodyOnDuty = teams.filter((t) => !duty.some((d) => d.teamId === t.id && d.onNow));
  return { now, teams, rows, counts: read.counts, page: read.page, pages: read.pages, pageSize: BOARD_PAGE_SIZE, followUps, duty, nobodyOnDuty };
}

/**
 * The board for this actor: the open episodes of their crisis teams and those they respond to,
 * unanswered ones first by time left, then answered ones by priority and target, a page at a time
 * (counted in the database, so a board of 10,000 reads 50). Nothing about a person but the postcode
 * district, so viewing the board reads no one's record.
 *
 * `version`, when given, is the newest live event's id, read just before (the page's `boardLive`):
 * boards of the same scope and page then share one read until anything on them changes (H13), so a
 * change that sends every open board to fetch the page again costs one read, not one a board.
 */
export async function boardRows(platform: Platform, actor: Actor, db: Kysely<DB> = platform.db.read, page = 1, version?: number): Promise<Board> {
  if (actor.kind !== 'user') throw new NotFoundError();
  const now = platform.clock.now();
  const mine = boardTeamIds(actor);
  // Queries that do not need each other's answers go together: on PostgreSQL each is a round trip,
  // and a board read one after another spent more time waiting than working.
  // Open episodes of other teams the actor responds to: few, read first (board-store.ts). Every
  // episode belongs to a crisis team, so "not one of mine" is "not one of my crisis teams".
  const [mineCrisis, responding] = await Promise.all([crisisTeamsAmong(db, mine), respondingEpisodeIds(db, actor.userId, mine)]);
  const teams = mineCrisis.map((t) => ({ id: t.id, name: t.name }));
  const scope = { teamIds: teams.map((t) => t.id), responding };
  const asked = Math.max(1, Math.floor(page) || 1);
  if (version === undefined) return present(await readBoard(db, scope, asked, now), teams, now);
  const kept = keptReadsOf(db);
  const key = `${[...scope.teamIds].sort().join(',')}|${[...responding].sort().join(',')}|${asked}`;
  const found = kept.get(key);
  if (found && found.version === version && now.getTime() < found.until) return present(found.read, teams, now);
  const read = await readBoard(db, scope, asked, now);
  const until = Math.min(now.getTime() + BOARD_READ_KEPT_MS, read.nextTarget ? new Date(read.nextTarget).getTime() : Number.POSITIVE_INFINITY);
  kept.set(key, { version, until, read });
  return present(read, teams, now);
}

// ---- the duty rota ----

/** The shifts not yet ended at `now`, as the board lists them, each saying whether it is on now. */
function dutyAt(shifts: Awaited<ReturnType<typeof dutyShiftsBetween>>, now: Date) {
  const nowIso = now.toISOString();
  return shifts
    .filter((r) => r.ends_at > nowIso)
    .map((r) => ({
      id: r.id,
      name: r.display_name,
      role: DUTY_ROLE_TEXT[r.duty_role],
      starts: r.starts_at,
      ends: r.ends_at,
      onNow: r.starts_at <= nowIso,
      phone: r.phone,
      teamId: r.team_id,
    }));
}

/** Shifts of a team from the start of today on, for the rota page. */
export async function dutyRota(db: Kysely<DB>, teamId: string, from: Date) {
  return dutyShiftsFrom(db, teamId, from.toISOString());
}

export async function addShift(tx: Kysely<DB>, input: { teamId: string; userId: string; role: CrisisDutyTable['duty_role']; startsAt: Date; endsAt: Date; phone?: string | null; by: string; at: Date }): Promise<string> {
  if (input.endsAt.getTime() <= input.startsAt.getTime()) throw new InputError([{ field: 'ends', message: 'The shift must end after it starts' }]);
  if (input.endsAt.getTime() - input.startsAt.getTime() > 24 * 3_600_000) throw new InputError([{ field: 'ends', message: 'A shift must be 24 hours or shorter' }]);
  const id = await insertShift(tx, { ...input, phone: input.phone ?? null });
  await publishBoardChange(tx, { teamId: input.teamId, change: 'duty' }, input.at);
  return id;
}

export async function removeShift(tx: Kysely<DB>, input: { id: string; teamIds: readonly string[]; by: string; at: Date }): Promise<void> {
  const row = await activeShiftById(tx, input.id);
  if (!row || !input.teamIds.includes(row.team_id)) throw new NotFoundError();
  await markShiftRemoved(tx, row.id, input.by, input.at);
  await publishBoardChange(tx, { teamId: row.team_id, change: 'duty' }, input.at);
}

// ---- the page ----

/** Counts with thousands separators ("10,000"); made once, as making a number format costs more than using it. */
const number = new Intl.NumberFormat('en-GB');

export default async function boardRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  app.get<{ Querystring: { refresh?: string; page?: string } }>(paths.board, { config: { permission: READ } }, async (request, reply) => {
    // The newest live event before the rows: the page's live updates resume after it (board-events.ts).
    const live = await boardLive(app);
    const asked = Number.parseInt(request.query.page ?? '1', 10);
    const board = await boardRows(platform, request.actor, platform.db.read, Number.isFinite(asked) ? Math.min(asked, 100_000) : 1, live.lastId);
    const refreshing = request.query.refresh === String(REFRESH_SECONDS);
    const canManageDuty = can(request.actor, DUTY_MANAGE);
    /** The board's address with this page and the refresh choice. */
    const href = (page: number, refresh: boolean) => {
      const q = new URLSearchParams();
      if (refresh) q.set('refresh', String(REFRESH_SECONDS));
      if (page > 1) q.set('page', String(page));
      const query = q.toString();
      return query ? `${paths.board}?${query}` : paths.board;
    };
    return reply.view('crisis/views/board/index.njk', {
      title: board.pages > 1 ? `Crisis board (page ${board.page} of ${board.pages})` : 'Crisis board',
      hideCrisisPanel: true,
      ...board,
      countsText: { open: number.format(board.counts.open), waiting: number.format(board.counts.waiting), overdue: number.format(board.counts.overdue) },
      from: number.format((board.page - 1) * board.pageSize + 1),
      to: number.format((board.page - 1) * board.pageSize + board.rows.length),
      pagination:
        board.pages > 1
          ? { previous: board.page > 1 ? { href: href(board.page - 1, refreshing) } : undefined, next: board.page < board.pages ? { href: href(board.page + 1, refreshing) } : undefined }
          : null,
      now: board.now.toISOString(),
      refreshSeconds: refreshing ? REFRESH_SECONDS : null,
      canManageDuty,
      refreshHref: href(board.page, refreshing),
      autoRefreshHref: href(board.page, true),
      live,
      stopRefreshHref: href(board.page, false),
      // Links to the pages this user may open (the pages check again).
      links: [
        canManageDuty ? { href: paths.duty, text: 'Duty rota' } : null,
        can(request.actor, 'crisis:targets:manage') ? { href: paths.targets, text: 'Response targets' } : null,
        can(request.actor, 'crisis:measures:read') ? { href: paths.measures, text: 'Crisis measures' } : null,
        { href: paths.places, text: 'Places: alternatives to admission' },
      ].filter((l) => l !== null),
      paths,
    });
  });
}
