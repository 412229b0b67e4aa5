// Crisis measures for insights (issue 6, item 6), for team leads (their crisis teams) and commissioners
// (the whole alliance). Aggregated only: counts, shares and medians, never a person, a reference or a
// name. For commissioners, counts of 1 to 4 show as "fewer than 5" and shares over fewer than 5 are
// withheld (NHS England's small-number rule for published statistics), since they are outside direct care.
//
// - Response against target, by priority: of the episodes whose first contact fell in the period, how
//   many had a response recorded, how many by their target, and the median time from first contact to
//   response; how many still wait.
// - Outcomes: of the episodes closed in the period, each outcome, and the share resolved without an
//   admission (neither admitted informally nor detained).
// - Places used: admissions to places (crisis house, sanctuary, café, respite, home treatment) in the
//   period, by kind; and how many of them came from a crisis episode.
// - Follow-up within 72 hours: of the follow-ups due in the period (and already due), the share done by
//   their due time, against the national ambition of 80%.
// - "Did you get the right response?": asked after closure; how many answered, and yes / partly / no.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor, GRANTS } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { CrisisOutcome, CrisisPriority, DB } from '../../platform/db/tables.ts';
import { NotFoundError } from '../../platform/http/problems.ts';
import { formatDuration } from '../../platform/views/format.ts';
import { crisisTeamsAmong } from './episode-store.ts';
import { ADMITTED, OUTCOME_TEXT, OUTCOMES } from './episodes.ts';
import { episodeOutcomesClosedIn, episodesFirstContactIn, feedbackAnswersAskedIn, followUpsDueIn, placeAdmissionsIn } from './measures-store.ts';
import { paths } from './paths.ts';
import { PRIORITIES, PRIORITY_TEXT } from './targets.ts';

export const MEASURES_READ = 'crisis:measures:read';
/** The NHS Long Term Plan's ambition for follow-up within 72 hours of discharge. */
export const FOLLOW_UP_AMBITION = 0.8;
export const PERIODS = { '28d': 28, '90d': 90, '365d': 365 } as const;
export type Period = keyof typeof PERIODS;
const PERIOD_TEXT: Record<Period, string> = { '28d': 'the last 28 days', '90d': 'the last 3 months', '365d': 'the last 12 months' };
const PLACE_KINDS = ['crisis-house', 'sanctuary', 'crisis-cafe', 'respite', 'home-treatment'] as const;
const PLACE_KIND_TEXT: Record<(typeof PLACE_KINDS)[number], string> = {
  'crisis-house': 'Crisis house',
  sanctuary: 'Sanctuary',
  'crisis-cafe': 'Crisis café',
  respite: 'Respite',
  'home-treatment': 'Home treatment',
};

export interface MeasuresQuery {
  from: Date;
  to: Date;
  /** The crisis teams counted; null for the whole alliance. */
  teamIds: readonly string[] | null;
}

export interface Measures {
  /** `due`: responded, or their target passed without a response: the denominator of the share within target. */
  response: { priority: CrisisPriority; opened: number; responded: number; withinTarget: number; due: number; waiting: number; medianMinutes: number | null }[];
  outcomes: { outcome: CrisisOutcome; count: number }[];
  closed: number;
  resolvedWithoutAdmission: number;
  places: { kind: (typeof PLACE_KINDS)[number]; admissions: number }[];
  placesFromEpisodes: number;
  followUps: { due: number; doneInTime: number; doneLate: number; notDone: number; notYetDue: number };
  feedback: { asked: number; answered: number; yes: number; partly: number; no: number };
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The measures of a period, from the rows, counted in one pass each. */
export async function crisisMeasures(db: Kysely<DB>, q: MeasuresQuery, now: Date): Promise<Measures> {
  const from = q.from.toISOString();
  const to = q.to.toISOString();
  const teams = q.teamIds;
  if (teams && teams.length === 0) return emptyMeasures();

  const episodes = await episodesFirstContactIn(db, from, to, teams);
  const response = PRIORITIES.map((priority) => {
    const of = episodes.filter((e) => e.priority === priority);
    const responded = of.filter((e) => e.responded_at);
    return {
      priority,
      opened: of.length,
      responded: responded.length,
      withinTarget: responded.filter((e) => e.responded_at! <= e.target_at).length,
      due: responded.length + of.filter((e) => !e.responded_at && e.target_at <= now.toISOString()).length,
      waiting: of.filter((e) => !e.responded_at && e.status === 'open').length,
      medianMinutes: median(responded.map((e) => (new Date(e.responded_at!).getTime() - new Date(e.first_contact_at).getTime()) / 60_000)),
    };
  });

  const closedRows = await episodeOutcomesClosedIn(db, from, to, teams);
  const outcomes = OUTCOMES.map((outcome) => ({ outcome, count: closedRows.filter((r) => r.outcome === outcome).length }));
  const resolvedWithoutAdmission = closedRows.filter((r) => r.outcome && !ADMITTED.includes(r.outcome)).length;

  const admissions = await placeAdmissionsIn(db, from, to, teams);
  const places = PLACE_KINDS.map((kind) => ({ kind, admissions: admissions.filter((a) => a.kind === kind).length }));

  const followUpRows = await followUpsDueIn(db, from, to, teams);
  const nowIso = now.toISOString();
  const due = followUpRows.filter((f) => f.due_at <= nowIso || (f.status === 'done' && f.finished_at));
  const doneInTime = due.filter((f) => f.status === 'done' && f.finished_at && f.finished_at <= f.due_at).length;
  const doneLate = due.filter((f) => f.status === 'done' && f.finished_at && f.finished_at > f.due_at).length;

  const feedbackRows = await feedbackAnswersAskedIn(db, from, to, teams);

  return {
    response,
    outcomes,
    closed: closedRows.length,
    resolvedWithoutAdmission,
    places,
    placesFromEpisodes: admissions.filter((a) => a.episode_id).length,
    followUps: { due: due.length, doneInTime, doneLate, notDone: due.length - doneInTime - doneLate, notYetDue: followUpRows.length - due.length },
    feedback: {
      asked: feedbackRows.length,
      answered: feedbackRows.filter((f) => f.answer).length,
      yes: feedbackRows.filter((f) => f.answer === 'yes').length,
      partly: feedbackRows.filter((f) => f.answer === 'partly').length,
      no: feedbackRows.filter((f) => f.answer === 'no').length,
    },
  };
}

function emptyMeasures(): Measures {
  return {
    response: PRIORITIES.map((priority) => ({ priority, opened: 0, responded: 0, withinTarget: 0, due: 0, waiting: 0, medianMinutes: null })),
    outcomes: OUTCOMES.map((outcome) => ({ outcome, count: 0 })),
    closed: 0,
    resolvedWithoutAdmission: 0,
    places: PLACE_KINDS.map((kind) => ({ kind, admissions: 0 })),
    placesFromEpisodes: 0,
    followUps: { due: 0, doneInTime: 0, doneLate: 0, notDone: 0, notYetDue: 0 },
    feedback: { asked: 0, answered: 0, yes: 0, partly: 0, no: 0 },
  };
}

// ---- showing them ----

const number = new Intl.NumberFormat('en-GB');

/** A count as shown: exact for team leads; "fewer than 5" for 1 to 4 when small numbers are suppressed. */
export function countText(n: number, suppress: boolean): string {
  return suppress && n > 0 && n < 5 ? 'fewer than 5' : number.format(n);
}

/** A share as shown ("83%"); "not enough to show" when the denominator is under 5 and small numbers are suppressed; "none yet" over nothing. */
export function shareText(part: number, whole: number, suppress: boolean): string {
  if (whole === 0) return 'none yet';
  if (suppress && whole < 5) return 'not enough to show';
  return `${Math.round((part / whole) * 100)}%`;
}

/** Who sees which teams' measures: team leads their crisis teams; commissioners (no team) the alliance, with small numbers suppressed. */
export async function measuresScope(db: Kysely<DB>, actor: Actor): Promise<{ teamIds: string[] | null; suppress: boolean; teamNames: string[] }> {
  if (actor.kind !== 'user') throw new NotFoundError();
  const granting = actor.memberships.filter((m) => GRANTS[m.role]?.includes(MEASURES_READ));
  if (granting.length === 0) throw new NotFoundError();
  if (granting.some((m) => m.role === 'commissioner')) return { teamIds: null, suppress: true, teamNames: [] };
  const mine = new Set(granting.map((m) => m.teamId));
  const teams = await crisisTeamsAmong(db, [...mine].filter((id): id is string => id !== null));
  return { teamIds: teams.map((t) => t.id), suppress: false, teamNames: teams.map((t) => t.name) };
}

export default async function measuresRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  app.get<{ Querystring: { period?: string } }>(paths.measures, { config: { permission: MEASURES_READ } }, async (request, reply) => {
    const period: Period = request.query.period && request.query.period in PERIODS ? (request.query.period as Period) : '90d';
    const scope = await measuresScope(platform.db.read, request.actor);
    const now = platform.clock.now();
    const from = new Date(now.getTime() - PERIODS[period] * 86_400_000);
    const m = await crisisMeasures(platform.db.read, { from, to: now, teamIds: scope.teamIds }, now);
    const s = scope.suppress;
    const actor = request.actor;
    if (actor.kind === 'user') {
      await platform.db.write((tx) =>
        recordAudit(tx, { at: now, actorUserId: actor.userId, actorRole: s ? 'commissioner' : 'team-lead', action: 'crisis.measures.view', entityType: 'crisis-measures', entityId: null, purpose: 'service improvement', outcome: 'success', address: request.ip }),
      );
    }
    const f = m.followUps;
    return reply.view('crisis/views/board/measures.njk', {
      title: 'Crisis measures',
      hideCrisisPanel: true,
      period,
      periodText: PERIOD_TEXT[period],
      periods: (Object.keys(PERIODS) as Period[]).map((p) => ({ value: p, text: PERIOD_TEXT[p], current: p === period, href: `${paths.measures}?period=${p}` })),
      scopeText: scope.teamIds === null ? 'the whole alliance' : scope.teamNames.length ? scope.teamNames.join(', ') : 'no crisis team of yours',
      suppress: s,
      response: m.response.map((r) => ({
        priority: PRIORITY_TEXT[r.priority],
        opened: countText(r.opened, s),
        responded: countText(r.responded, s),
        withinTarget: countText(r.withinTarget, s),
        share: shareText(r.withinTarget, r.due, s),
        waiting: countText(r.waiting, s),
        median: r.medianMinutes === null || (s && r.responded < 5) ? 'not enough to show' : formatDuration(r.medianMinutes * 60_000),
      })),
      closed: countText(m.closed, s),
      resolvedShare: shareText(m.resolvedWithoutAdmission, m.closed, s),
      outcomes: m.outcomes.map((o) => ({ text: OUTCOME_TEXT[o.outcome], count: countText(o.count, s) })),
      places: m.places.map((p) => ({ text: PLACE_KIND_TEXT[p.kind], count: countText(p.admissions, s) })),
      placesFromEpisodes: countText(m.placesFromEpisodes, s),
      followUps: {
        due: countText(f.due, s),
        doneInTime: countText(f.doneInTime, s),
        doneLate: countText(f.doneLate, s),
        notDone: countText(f.notDone, s),
        notYetDue: countText(f.notYetDue, s),
        rate: shareText(f.doneInTime, f.due, s),
        meetsAmbition: f.due > 0 && !(s && f.due < 5) ? f.doneInTime / f.due >= FOLLOW_UP_AMBITION : null,
      },
      feedback: {
        asked: countText(m.feedback.asked, s),
        answered: countText(m.feedback.answered, s),
        yes: countText(m.feedback.yes, s),
        partly: countText(m.feedback.partly, s),
        no: countText(m.feedback.no, s),
        yesShare: shareText(m.feedback.yes, m.feedback.answered, s),
      },
    });
  });
}
