// Caseloads (issue 5, item 8). "My people": the people a practitioner is key worker for or in the
// care team of (open coordinations of their teams), and the people with open tasks assigned to them;
// for each, the latest contact (a note of contact or a held network meeting), the next review (the
// shared plan's review date), open tasks and risk flags. A team lead sees the whole team's caseload.
// Every person shown is audited (one event each, in one unit of work).
//
// Risk flags come from other modules through `registerRiskFlagSource` (exported from index.ts), so
// care depends on no module that depends on it: the crisis module can register open crisis episodes,
// the front door its risk flags. Until they do, the column says "None recorded" truthfully of what
// care itself knows.
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor, teamsWhere } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { DB } from '../../platform/db/tables.ts';
import { NotFoundError } from '../../platform/http/problems.ts';
import { LONDON } from '../../platform/time/calendar.ts';
import { formatDate } from '../../platform/views/format.ts';
import { involvement } from '../people/index.ts';
import { type CaseloadCoordination, coordinationsHeldBy, coordinationsOfTeams, lastMeetings, peopleNamed, reviewDates } from './caseload-store.ts';
import { lastNoteContacts } from './note-store.ts';
import { CARE_READ, CARE_TEAM_READ } from './notes.ts';
import { openTaskCounts, peopleWithTasksFor, peopleWithTasksOfTeams } from './tasks.ts';

/** The purpose of a caseload view in the audit trail, as the record's (people/access.ts). */
const PURPOSE_CARE = 'direct care';

// ---- risk flags from other modules ----

export interface RiskFlagSource {
  /** The module's name; one source a module (registering again replaces it). */
  name: string;
  /** Flags in words ("Open crisis episode", "High risk at the front door") for each of these people that has any. */
  flagsOf(db: Kysely<DB>, personIds: readonly string[]): Promise<Map<string, string[]>>;
}

const riskSources = new WeakMap<Platform, RiskFlagSource[]>();

/** Lets a module show its risk flags on caseloads (call when the module is registered). */
export function registerRiskFlagSource(platform: Platform, source: RiskFlagSource): void {
  const list = (riskSources.get(platform) ?? []).filter((s) => s.name !== source.name);
  list.push(source);
  riskSources.set(platform, list);
}

async function riskFlags(platform: Platform, db: Kysely<DB>, personIds: readonly string[]): Promise<Map<string, string[]>> {
  const all = new Map<string, string[]>();
  if (personIds.length === 0) return all;
  for (const found of await Promise.all((riskSources.get(platform) ?? []).map((s) => s.flagsOf(db, personIds)))) {
    for (const [id, flags] of found) all.set(id, [...(all.get(id) ?? []), ...flags]);
  }
  return all;
}

// ---- time in words ----

const days = (n: number) => `${n} ${n === 1 ? 'day' : 'days'}`;

// A caseload page turns a few hundred instants into London days and dates: luxon's zone arithmetic
// costs a quarter of a millisecond a call, so days come from one reused Intl formatter and the
// (few, repeated) dates shown are remembered.
const LONDON_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: LONDON, year: 'numeric', month: '2-digit', day: '2-digit' });
/** YYYY-MM-DD in London. */
const londonDay = (at: Date) => LONDON_DAY.format(at);
const shown = new Map<string, string>();
function dateText(isoOrDay: string): string {
  let text = shown.get(isoOrDay);
  if (text === undefined) {
    text = formatDate(isoOrDay.length === 10 ? `${isoOrDay}T12:00:00Z` : isoOrDay);
    if (shown.size >= 4096) shown.clear();
    shown.set(isoOrDay, text);
  }
  return text;
}

/** London calendar days from `now`'s day to `date`'s (YYYY-MM-DD): negative in the past. */
function daysUntil(date: string, now: Date): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${londonDay(now)}T00:00:00Z`)) / 86_400_000);
}

/** A due time in words, never colour alone: "Overdue by 2 days", "Due today", "Due tomorrow", "Due in 5 days", "No due date". */
export function dueText(dueAt: string | null, now: Date): { text: string; overdue: boolean } {
  if (!dueAt) return { text: 'No due date', overdue: false };
  const d = daysUntil(londonDay(new Date(dueAt)), now);
  if (new Date(dueAt) < now) return { text: d < 0 ? `Overdue by ${days(-d)}` : 'Overdue (was due earlier today)', overdue: true };
  if (d === 0) return { text: 'Due today', overdue: false };
  if (d === 1) return { text: 'Due tomorrow', overdue: false };
  return { text: `Due in ${days(d)}`, overdue: false };
}

/** A review date (YYYY-MM-DD) in words. */
function reviewText(date: string | undefined, now: Date): { date: string | null; text: string; overdue: boolean } {
  if (!date) return { date: null, text: 'No review date set', overdue: false };
  const d = daysUntil(date, now);
  const on = dateText(date);
  if (d < 0) return { date, text: `${on}: overdue by ${days(-d)}`, overdue: true };
  if (d === 0) return { date, text: `${on}: today`, overdue: false };
  return { date, text: `${on}: in ${days(d)}`, overdue: false };
}

/** How long ago the latest contact was, in words. */
function contactText(at: string | undefined, now: Date): string {
  if (!at) return 'No contact recorded';
  const d = -daysUntil(londonDay(new Date(at)), now);
  return `${dateText(londonDay(new Date(at)))} (${d <= 0 ? 'today' : d === 1 ? 'yesterday' : `${days(d)} ago`})`;
}

// ---- caseloads ----

export interface CaseloadRow {
  personId: string;
  name: string;
  sortName: string;
  dateOfBirth: string;
  dateOfBirthText: string;
  teamId: string;
  /** How the practitioner holds the person: "Key worker", "Care team", "Tasks". */
  holds: string;
  keyWorkerId: string | null;
  keyWorkerName: string | null;
  lastContact: string | null;
  lastContactText: string;
  review: { date: string | null; text: string; overdue: boolean };
  openTasks: number;
  riskFlags: string[];
}

interface Held {
  personId: string;
  teamId: string;
  holds: string;
  coordination: CaseloadCoordination | null;
}

/** The people who hold only through tasks are shown only while a team of the actor is involved with them. */
async function stillInvolved(platform: Platform, actor: Actor, held: Held[]): Promise<Held[]> {
  const checked = await Promise.all(held.map(async (h) => ((await involvement(platform, h.personId, actor)).length > 0 ? h : null)));
  return checked.filter((h): h is Held => h !== null);
}

async function rowsFor(platform: Platform, db: Kysely<DB>, held: Held[], now: Date): Promise<CaseloadRow[]> {
  const personIds = [...new Set(held.map((h) => h.personId))];
  const coordinationIds = held.flatMap((h) => (h.coordination ? [h.coordination.coordination_id] : []));
  const [people, notes, meetings, reviews, tasks, flags] = await Promise.all([
    peopleNamed(db, personIds),
    lastNoteContacts(db, personIds),
    lastMeetings(db, personIds),
    reviewDates(db, coordinationIds),
    openTaskCounts(db, personIds),
    riskFlags(platform, db, personIds),
  ]);
  const byId = new Map(people.map((p) => [p.id, p]));
  return held.flatMap((h) => {
    const p = byId.get(h.personId);
    if (!p) return [];
    const contacts = [notes.get(h.personId), meetings.get(h.personId)].filter((c): c is string => Boolean(c)).sort();
    const last = contacts[contacts.length - 1];
    return [
      {
        personId: h.personId,
        name: `${p.given_name} ${p.family_name}`,
        sortName: `${p.family_name} ${p.given_name}`.toLowerCase(),
        dateOfBirth: p.date_of_birth,
        dateOfBirthText: dateText(p.date_of_birth),
        teamId: h.teamId,
        holds: h.holds,
        keyWorkerId: h.coordination?.key_worker_id ?? null,
        keyWorkerName: h.coordination?.key_worker_name ?? null,
        lastContact: last ?? null,
        lastContactText: contactText(last, now),
        review: reviewText(h.coordination ? reviews.get(h.coordination.coordination_id) : undefined, now),
        openTasks: tasks.get(h.personId) ?? 0,
        riskFlags: flags.get(h.personId) ?? [],
      },
    ];
  });
}

/** One audit event for each person shown, in one unit of work, with the role and team the actor holds them in. */
async function auditShown(platform: Platform, actor: Extract<Actor, { kind: 'user' }>, action: string, rows: CaseloadRow[], address?: string | null) {
  const now = platform.clock.now();
  await platform.db.write(async (tx) => {
    for (const r of rows) {
      const membership = actor.memberships.find((m) => m.teamId === r.teamId);
      await recordAudit(tx, {
        at: now,
        actorUserId: actor.userId,
        actorRole: membership?.role ?? null,
        actorTeamId: r.teamId,
        action,
        entityType: 'person',
        entityId: r.personId,
        personId: r.personId,
        purpose: PURPOSE_CARE,
        outcome: 'success',
        address: address ?? null,
      });
    }
  });
}

/** "My people": a practitioner's caseload, by family name. */
export async function myCaseload(platform: Platform, actor: Actor, address?: string | null): Promise<CaseloadRow[]> {
  if (actor.kind !== 'user') throw new NotFoundError();
  const db = platform.db.read;
  const teams = teamsWhere(actor, CARE_READ);
  const [coordinations, taskPeople] = await Promise.all([coordinationsHeldBy(db, actor.userId, teams), peopleWithTasksFor(db, actor.userId)]);
  const held = new Map<string, Held>();
  for (const c of coordinations) {
    const previous = held.get(c.person_id);
    const keyWorker = c.key_worker_id === actor.userId;
    if (!previous || (keyWorker && previous.holds !== 'Key worker')) held.set(c.person_id, { personId: c.person_id, teamId: c.team_id, holds: keyWorker ? 'Key worker' : 'Care team', coordination: c });
  }
  const taskOnly = taskPeople.filter((t) => teams.includes(t.team_id) && !held.has(t.person_id));
  const unique = [...new Map(taskOnly.map((t) => [t.person_id, { personId: t.person_id, teamId: t.team_id, holds: 'Tasks', coordination: null }])).values()];
  for (const h of await stillInvolved(platform, actor, unique)) held.set(h.personId, h);
  const rows = (await rowsFor(platform, db, [...held.values()], platform.clock.now())).sort((a, b) => a.sortName.localeCompare(b.sortName));
  await auditShown(platform, actor, 'care.caseload.view', rows, address);
  return rows;
}

/** A lead's view of the whole team: every open coordination of their teams, and people with open team tasks, by key worker then name. */
export async function teamCaseload(platform: Platform, actor: Actor, address?: string | null) {
  if (actor.kind !== 'user') throw new NotFoundError();
  const db = platform.db.read;
  const teams = teamsWhere(actor, CARE_TEAM_READ);
  const [coordinations, taskPeople] = await Promise.all([coordinationsOfTeams(db, teams), peopleWithTasksOfTeams(db, teams)]);
  const held = new Map<string, Held>();
  for (const c of coordinations) if (!held.has(c.person_id)) held.set(c.person_id, { personId: c.person_id, teamId: c.team_id, holds: c.key_worker_id ? 'Key worker named' : 'No key worker yet', coordination: c });
  const unique = [...new Map(taskPeople.filter((t) => !held.has(t.person_id)).map((t) => [t.person_id, { personId: t.person_id, teamId: t.team_id, holds: 'Tasks', coordination: null }])).values()];
  for (const h of await stillInvolved(platform, actor, unique)) held.set(h.personId, h);
  const rows = await rowsFor(platform, db, [...held.values()], platform.clock.now());
  await auditShown(platform, actor, 'care.team-caseload.view', rows, address);
  const groups = new Map<string, { keyWorker: string; rows: CaseloadRow[] }>();
  for (const r of rows) {
    const key = r.keyWorkerId ?? '';
    const g = groups.get(key) ?? { keyWorker: r.keyWorkerName ?? 'No key worker named', rows: [] };
    g.rows.push(r);
    groups.set(key, g);
  }
  const list = [...groups.values()].sort((a, b) => (a.keyWorker === 'No key worker named' ? -1 : b.keyWorker === 'No key worker named' ? 1 : a.keyWorker.localeCompare(b.keyWorker)));
  for (const g of list) g.rows.sort((a, b) => a.sortName.localeCompare(b.sortName));
  return { groups: list, total: rows.length };
}
