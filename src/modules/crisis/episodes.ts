// Crisis episodes (issue 6, item 1): opened from a front door decision, a crisis-line call (the person
// may still be unnamed), a walk-in at a sanctuary, a police or A&E referral, or a discharge. Each has
// a priority in the MHSDS codes and a response target counted from first contact (targets.ts), with a
// warning at 75% of the time and an escalation to the team's leads at the target (durable timers).
// Responders are assigned; every step goes into the episode's action log; a person can be linked
// later; an outcome is required to close, and closing with a named person makes the follow-up within
// 72 hours (follow-up.ts) and asks them afterwards whether they got the right response.
//
// Who may see an episode: a member of its team holding the permission, or a responder assigned to it
// (a sanctuary worker, say). Anyone else gets "not found", whether it exists or not.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { toOutcode, isValid as validPostcode } from 'postcode';
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor, authorize, GRANTS } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { newId, parseJson } from '../../platform/db/ids.ts';
import type { CrisisOutcome, CrisisPriority, DB } from '../../platform/db/tables.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { scheduleTimer } from '../../platform/jobs/timers.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { formatDateTime, formatDuration, formatTime } from '../../platform/views/format.ts';
import { accessTo, findOrCreatePerson, type NewPerson, personSummary } from '../people/index.ts';
import {
  activeResponders,
  addAction,
  addResponder,
  crisisTeams,
  crisisTeamsAmong,
  type EpisodeRow,
  episodeActions,
  episodeById,
  insertEpisode,
  isActiveResponder,
  newEpisodeReference,
  removeResponder,
  teamById,
  teamLeadEmails,
  teamResponders,
  updateEpisode,
} from './episode-store.ts';
import { onDutyAt } from './board-store.ts';
import { feedbackByTokenHash, insertFeedbackRequest, saveFeedbackAnswer } from './feedback-store.ts';
import { scheduleFollowUp } from './follow-up.ts';
import { followUpOfSource } from './follow-up-store.ts';
import { paths } from './paths.ts';
import { type SafetyPlanSummary, safetyPlanFor } from './safety-plan.ts';
import { PRIORITY_TEXT, targetAt, targetMinutes, warningAt } from './targets.ts';

export type { EpisodeRow };
export type EpisodeSource = EpisodeRow['source'];

export const SOURCES: readonly EpisodeSource[] = ['phone', 'walk-in', 'police', 'a-and-e', 'discharge', 'front-door'];
export const SOURCE_TEXT: Record<EpisodeSource, string> = {
  'front-door': 'Front door decision',
  phone: 'Crisis line call',
  'walk-in': 'Walk-in at a sanctuary',
  police: 'Police referral',
  'a-and-e': 'A&E referral',
  discharge: 'Discharge',
};

export const OUTCOMES: readonly CrisisOutcome[] = ['resolved-at-home', 'home-treatment', 'crisis-house', 'sanctuary', 'a-and-e', 'admitted-informally', 'detained', 'other'];
export const OUTCOME_TEXT: Record<CrisisOutcome, string> = {
  'resolved-at-home': 'Resolved at home',
  'home-treatment': 'Home treatment',
  'crisis-house': 'Crisis house',
  sanctuary: 'Sanctuary',
  'a-and-e': 'A&E',
  'admitted-informally': 'Admitted informally',
  detained: 'Detained under the Mental Health Act',
  other: 'Other',
};
/** Outcomes that end in a hospital bed: the follow-up is due on discharge from the admission, not on closing. */
export const ADMITTED: readonly CrisisOutcome[] = ['admitted-informally', 'detained'];

export const WARNING_TIMER = 'crisis:episode-warning';
export const BREACH_TIMER = 'crisis:episode-breach';
/** After the target, the escalation is repeated while nobody responds (hazard H14). */
export const STILL_WAITING_TIMER = 'crisis:episode-still-waiting';
/** Minutes between repeated escalations after the target, by priority. */
export const STILL_WAITING_EVERY_MINUTES: Readonly<Record<CrisisPriority, number>> = { emergency: 15, 'very-urgent': 30, urgent: 60, routine: 240 };
/** Repeated escalations at most: eight after an emergency's target is two hours of reminders; the board keeps it red after. */
export const STILL_WAITING_REPEATS = 8;
export const FEEDBACK_DAYS = 30;

export const READ = 'crisis:board:read';
export const ACT = 'crisis:act';

type UserActor = Extract<Actor, { kind: 'user' }>;

export interface OpenEpisodeInput {
  source: EpisodeSource;
  sourceDetail?: string | null;
  requestId?: string | null;
  personId?: string | null;
  callerDescription?: string | null;
  callbackPhone?: string | null;
  priority: CrisisPriority;
  summary: string;
  /** The crisis team; when omitted, the first crisis team by name (those of the referring team's organisation first). */
  teamId?: string | null;
  /** With no team given: prefer crisis teams of this team's organisation (the front door's, say). */
  referringTeamId?: string | null;
  /** A full postcode or an outward code; only the outward code (the district) is kept. */
  postcode?: string | null;
  /** When the person first reached services about this crisis; default now. */
  firstContactAt?: Date | null;
  nextAction?: string | null;
  responderIds?: readonly string[];
  /** Who opened it; null when the system did. */
  openedBy: string | null;
  openedByRole?: string | null;
  address?: string | null;
}

/** The district (outward code) of a full postcode or of an outward code; null when it is neither. */
export function postcodeDistrict(text: string | null | undefined): string | null {
  if (!text) return null;
  const s = text.trim().toUpperCase().replace(/\s+/g, ' ');
  if (!s) return null;
  if (validPostcode(s)) return toOutcode(s);
  return /^[A-Z]{1,2}[0-9][A-Z0-9]?$/.test(s) ? s : null;
}

/**
 * Opens an episode in the caller's unit of work (the front door's decision, a discharge elsewhere):
 * the row, its target and timers, its responders, the first entry of its action log, and the audit
 * event when a person is named. Returns its id, reference and target.
 */
export async function openEpisodeIn(platform: Platform, tx: Kysely<DB>, input: OpenEpisodeInput): Promise<{ id: string; reference: string; targetAt: Date; teamId: string }> {
  const now = platform.clock.now();
  let teamId = input.teamId ?? null;
  if (!teamId) {
    const referring = input.referringTeamId ? await teamById(tx, input.referringTeamId) : undefined;
    const teams = await crisisTeams(tx, referring?.organisation_id);
    teamId = teams[0]?.id ?? null;
    if (!teamId) throw new InputError([{ field: 'team', message: 'No crisis team is set up to take this episode. Ask an administrator to add one.' }]);
  } else {
    const team = await teamById(tx, teamId);
    if (team?.kind !== 'crisis') throw new InputError([{ field: 'team', message: 'Choose a crisis team' }]);
  }
  const firstContact = input.firstContactAt && input.firstContactAt.getTime() <= now.getTime() ? input.firstContactAt : now;
  const minutes = (await targetMinutes(tx))[input.priority];
  const target = targetAt(firstContact, minutes);
  let district = postcodeDistrict(input.postcode);
  if (!district && input.personId) district = postcodeDistrict((await personSummary(tx, input.personId))?.postcode);
  const id = newId();
  // A reference clash (one in billions) fails the unique index and the whole unit reruns with a new one.
  const reference = newEpisodeReference();
  await insertEpisode(
    tx,
    {
      id,
      reference,
      person_id: input.personId ?? null,
      caller_description: input.callerDescription ?? null,
      callback_phone: input.callbackPhone ?? null,
      source: input.source,
      source_detail: input.sourceDetail ?? null,
      request_id: input.requestId ?? null,
      priority: input.priority,
      summary: input.summary,
      first_contact_at: firstContact.toISOString(),
      opened_at: now.toISOString(),
      opened_by: input.openedBy,
      target_at: target.toISOString(),
      warned_at: null,
      escalated_at: null,
      responded_at: null,
      responded_by: null,
      team_id: teamId,
      postcode_district: district,
      next_action: input.nextAction ?? null,
      status: 'open',
      outcome: null,
      outcome_note: null,
      closed_at: null,
      closed_by: null,
    },
    now,
  );
  await addAction(tx, { id, team_id: teamId }, now, input.openedBy, 'opened', input.summary, { source: input.source, priority: input.priority, targetAt: target.toISOString() });
  for (const userId of new Set(input.responderIds ?? [])) {
    await addResponder(tx, id, userId, input.openedBy, now);
    await addAction(tx, { id, team_id: teamId }, now, input.openedBy, 'responder-added', null, { userId });
  }
  await scheduleTargetTimers(tx, id, firstContact, target);
  if (input.personId) {
    await recordAudit(tx, {
      at: now,
      actorUserId: input.openedBy,
      actorRole: input.openedByRole ?? (input.openedBy ? null : 'system'),
      actorTeamId: teamId,
      action: 'crisis.episode.open',
      entityType: 'crisis-episode',
      entityId: id,
      personId: input.personId,
      purpose: 'direct care',
      outcome: 'success',
      address: input.address ?? null,
    });
  }
  return { id, reference, targetAt: target, teamId };
}

/** The warning and the escalation of a target; keyed by the target, so a changed target has its own and the old ones find nothing to do. */
async function scheduleTargetTimers(tx: Kysely<DB>, episodeId: string, firstContact: Date, target: Date): Promise<void> {
  const payload = { episodeId, targetAt: target.toISOString() };
  await scheduleTimer(tx, { kind: WARNING_TIMER, dueAt: warningAt(firstContact, target), payload, dedupeKey: `${WARNING_TIMER}:${episodeId}:${target.toISOString()}` });
  await scheduleTimer(tx, { kind: BREACH_TIMER, dueAt: target, payload, dedupeKey: `${BREACH_TIMER}:${episodeId}:${target.toISOString()}` });
}

// ---- access ----

function grantingMemberships(actor: UserActor, permission: string) {
  return actor.memberships.filter((m) => GRANTS[m.role]?.includes(permission));
}

export interface EpisodeAccess {
  e: EpisodeRow;
  user: UserActor;
  role: string;
  teamId: string | null;
  /** Through a membership of the episode's team, or as an assigned responder of another team. */
  via: 'team' | 'responder';
}

/** The episode, if the actor may use it with this permission; NotFoundError otherwise (not allowed and not there look the same). */
export async function episodeFor(db: Kysely<DB>, actor: Actor, episodeId: string, permission: string = READ): Promise<EpisodeAccess> {
  if (actor.kind !== 'user' || !authorize(actor, permission)) throw new NotFoundError();
  const e = await episodeById(db, episodeId);
  if (!e) throw new NotFoundError();
  const granting = grantingMemberships(actor, permission);
  const inTeam = granting.find((m) => m.teamId === e.team_id);
  if (inTeam) return { e, user: actor, role: inTeam.role, teamId: inTeam.teamId, via: 'team' };
  if (await isActiveResponder(db, e.id, actor.userId)) {
    const m = granting.find((g) => g.teamId !== null) ?? granting[0]!;
    return { e, user: actor, role: m.role, teamId: m.teamId, via: 'responder' };
  }
  throw new NotFoundError();
}

/** The crisis teams the actor works in with this permission (the board's and the forms' teams). */
export async function actorCrisisTeams(db: Kysely<DB>, actor: Actor, permission: string = ACT) {
  if (actor.kind !== 'user') return [];
  const ids = new Set(grantingMemberships(actor, permission).flatMap((m) => (m.teamId ? [m.teamId] : [])));
  return crisisTeamsAmong(db, [...ids]);
}

async function audit(tx: Kysely<DB>, now: Date, a: Pick<EpisodeAccess, 'user' | 'role' | 'teamId'>, action: string, e: Pick<EpisodeRow, 'id' | 'person_id'>, address?: string | null) {
  await recordAudit(tx, {
    at: now,
    actorUserId: a.user.userId,
    actorRole: a.role,
    actorTeamId: a.teamId,
    action,
    entityType: 'crisis-episode',
    entityId: e.id,
    personId: e.person_id,
    purpose: 'direct care',
    outcome: 'success',
    address: address ?? null,
  });
}

function assertOpen(e: EpisodeRow): void {
  if (e.status !== 'open') throw new ConflictError('This episode is closed.');
}

// ---- opening from a form ----

export interface OpenFormInput {
  source: Exclude<EpisodeSource, 'front-door'>;
  sourceDetail?: string | null;
  priority: CrisisPriority;
  summary: string;
  callerDescription?: string | null;
  callbackPhone?: string | null;
  postcode?: string | null;
  teamId?: string | null;
  nextAction?: string | null;
  /** Put the person opening it down as the first responder. */
  respondMyself?: boolean;
}

/** Opens an episode from the crisis-line form (or a walk-in, police, A&E or discharge). */
export async function openEpisode(platform: Platform, actor: Actor, input: OpenFormInput, address?: string | null): Promise<{ id: string; reference: string }> {
  if (actor.kind !== 'user' || !authorize(actor, ACT)) throw new NotFoundError();
  return platform.db.write(async (tx) => {
    // A crisis team's member opens it for their team; anyone else holding `crisis:act` (a sanctuary
    // worker with a walk-in, a community practitioner) opens it for a crisis team and is made one of
    // its responders, so they see what happens to the person they brought.
    const own = await actorCrisisTeams(tx, actor, ACT);
    const teams = own.length ? own : await crisisTeams(tx);
    const team = input.teamId ? teams.find((t) => t.id === input.teamId) : teams[0];
    if (!team) throw new InputError([{ field: 'teamId', message: teams.length ? 'Choose a crisis team from the list' : 'No crisis team is set up to take this episode' }]);
    const member = own.some((t) => t.id === team.id);
    const role = actor.memberships.find((m) => m.teamId === team.id)?.role ?? actor.memberships.find((m) => GRANTS[m.role]?.includes(ACT))?.role ?? null;
    const opened = await openEpisodeIn(platform, tx, {
      ...input,
      teamId: team.id,
      personId: null,
      openedBy: actor.userId,
      openedByRole: role,
      responderIds: input.respondMyself || !member ? [actor.userId] : [],
      address,
    });
    return { id: opened.id, reference: opened.reference };
  });
}

// ---- the episode page ----

export interface EpisodeView {
  e: EpisodeRow;
  via: 'team' | 'responder';
  teamName: string;
  person: Awaited<ReturnType<typeof personSummary>> | null;
  responders: Awaited<ReturnType<typeof activeResponders>>;
  colleagues: { id: string; display_name: string }[];
  actions: (Omit<Awaited<ReturnType<typeof episodeActions>>[number], 'detail'> & { detail: Record<string, unknown> | null })[];
  followUp: { id: string; dueAt: string; taskStatus: string; escalatedAt: string | null } | null;
  /** The person's current safety plan, for every responder who opens the episode (issue 6, item 4). */
  safetyPlan: SafetyPlanSummary | null;
}

/** Everything the episode page shows; the view is audited with the person's id when a person is named. */
export async function viewEpisode(platform: Platform, actor: Actor, episodeId: string, address?: string | null): Promise<EpisodeView> {
  const db = platform.db.read;
  const a = await episodeFor(db, actor, episodeId, READ);
  const { e } = a;
  const [team, person, responders, colleagues, actions, followUp] = await Promise.all([
    teamById(db, e.team_id),
    e.person_id ? personSummary(db, e.person_id) : null,
    activeResponders(db, [e.id]),
    teamResponders(db, e.team_id),
    episodeActions(db, e.id),
    followUpOfSource(db, e.id),
  ]);
  // The plan may be on any of the person's records (the one linked, the one it was merged into, those merged into that).
  const personIds = e.person_id ? ((await accessTo(platform, db, actor, e.person_id))?.recordIds ?? [e.person_id]) : [];
  const safetyPlan = personIds.length ? await safetyPlanFor(platform, db, personIds) : null;
  // One audit event for the view of the episode, the person's details and their safety plan (an
  // unnamed caller's episode too: what they said and their number are someone's data).
  await platform.db.write((tx) => audit(tx, platform.clock.now(), a, 'crisis.episode.view', e, address));
  return {
    e,
    via: a.via,
    teamName: team?.name ?? '',
    person: person ?? null,
    responders,
    colleagues,
    actions: actions.map((x) => ({ ...x, detail: parseJson<Record<string, unknown>>(x.detail) })),
    followUp: followUp ? { id: followUp.id, dueAt: followUp.due_at, taskStatus: followUp.status, escalatedAt: followUp.escalated_at } : null,
    safetyPlan,
  };
}

// ---- work on an episode ----

/** Runs a change to an open episode the actor may act on, audited and logged in one unit of work. */
async function change<T>(platform: Platform, actor: Actor, episodeId: string, run: (tx: Tx, a: EpisodeAccess, now: Date) => Promise<T>): Promise<T> {
  return platform.db.write(async (tx) => {
    const a = await episodeFor(tx, actor, episodeId, ACT);
    assertOpen(a.e);
    return run(tx, a, platform.clock.now());
  });
}

export async function addNote(platform: Platform, actor: Actor, episodeId: string, input: { kind: 'note' | 'contact'; text: string }, address?: string | null): Promise<void> {
  await change(platform, actor, episodeId, async (tx, a, now) => {
    await addAction(tx, a.e, now, a.user.userId, input.kind, input.text);
    await updateEpisode(tx, a.e, now, {});
    await audit(tx, now, a, `crisis.episode.${input.kind}`, a.e, address);
  });
}

/** The first response: someone with the person (by phone counts for a call that needs only that). Meets or misses the target. */
export async function markResponded(platform: Platform, actor: Actor, episodeId: string, input: { how: string }, address?: string | null): Promise<void> {
  await change(platform, actor, episodeId, async (tx, a, now) => {
    if (a.e.responded_at) throw new ConflictError(`A response was already recorded at ${formatDateTime(a.e.responded_at)}.`);
    await updateEpisode(tx, a.e, now, { responded_at: now.toISOString(), responded_by: a.user.userId });
    const withinTarget = now.getTime() <= new Date(a.e.target_at).getTime();
    await addAction(tx, a.e, now, a.user.userId, 'responded', input.how, { withinTarget });
    if (!(await isActiveResponder(tx, a.e.id, a.user.userId))) await addResponder(tx, a.e.id, a.user.userId, a.user.userId, now);
    await audit(tx, now, a, 'crisis.episode.respond', a.e, address);
  });
}

export async function setNextAction(platform: Platform, actor: Actor, episodeId: string, nextAction: string, address?: string | null): Promise<void> {
  await change(platform, actor, episodeId, async (tx, a, now) => {
    await updateEpisode(tx, a.e, now, { next_action: nextAction || null });
    await addAction(tx, a.e, now, a.user.userId, 'next-action', nextAction || null);
    await audit(tx, now, a, 'crisis.episode.next-action', a.e, address);
  });
}

/** Re-triage: a new priority sets a new target from first contact, with its own timers. */
export async function changePriority(platform: Platform, actor: Actor, episodeId: string, input: { priority: CrisisPriority; reason: string }, address?: string | null): Promise<void> {
  await change(platform, actor, episodeId, async (tx, a, now) => {
    if (input.priority === a.e.priority) throw new InputError([{ field: 'priority', message: `The priority is already ${PRIORITY_TEXT[input.priority].toLowerCase()}` }]);
    const firstContact = new Date(a.e.first_contact_at);
    const target = targetAt(firstContact, (await targetMinutes(tx))[input.priority]);
    await updateEpisode(tx, a.e, now, { priority: input.priority, target_at: target.toISOString(), warned_at: null, escalated_at: a.e.escalated_at });
    await addAction(tx, a.e, now, a.user.userId, 'priority-changed', input.reason, { from: a.e.priority, to: input.priority, targetAt: target.toISOString() });
    if (!a.e.responded_at) await scheduleTargetTimers(tx, a.e.id, firstContact, target);
    await audit(tx, now, a, 'crisis.episode.priority', a.e, address);
  });
}

export async function assignResponder(platform: Platform, actor: Actor, episodeId: string, userId: string, address?: string | null): Promise<void> {
  await change(platform, actor, episodeId, async (tx, a, now) => {
    const colleagues = await teamResponders(tx, a.e.team_id);
    if (!colleagues.some((c) => c.id === userId)) throw new InputError([{ field: 'responder', message: 'Choose someone in the crisis team' }]);
    if (await isActiveResponder(tx, a.e.id, userId)) throw new InputError([{ field: 'responder', message: 'They are already responding to this episode' }]);
    await addResponder(tx, a.e.id, userId, a.user.userId, now);
    await addAction(tx, a.e, now, a.user.userId, 'responder-added', null, { userId });
    await updateEpisode(tx, a.e, now, {});
    await audit(tx, now, a, 'crisis.episode.responder-add', a.e, address);
  });
}

export async function unassignResponder(platform: Platform, actor: Actor, episodeId: string, userId: string, address?: string | null): Promise<void> {
  await change(platform, actor, episodeId, async (tx, a, now) => {
    if (!(await removeResponder(tx, a.e.id, userId, a.user.userId, now))) throw new NotFoundError();
    await addAction(tx, a.e, now, a.user.userId, 'responder-removed', null, { userId });
    await updateEpisode(tx, a.e, now, {});
    await audit(tx, now, a, 'crisis.episode.responder-remove', a.e, address);
  });
}

/**
 * Names the person of an episode opened unnamed: found by NHS number, or a new record (marked as a
 * possible duplicate of any with the same name, date of birth and postcode; never merged silently).
 */
export async function linkPerson(platform: Platform, actor: Actor, episodeId: string, person: NewPerson, address?: string | null): Promise<string> {
  return change(platform, actor, episodeId, async (tx, a, now) => {
    if (a.e.person_id) throw new ConflictError('A person is already linked to this episode.');
    const matched = await findOrCreatePerson(tx, now, person);
    const district = a.e.postcode_district ?? postcodeDistrict(person.postcode);
    await updateEpisode(tx, a.e, now, { person_id: matched.personId, postcode_district: district });
    await addAction(tx, a.e, now, a.user.userId, 'person-linked', null, { match: matched.match, possibleDuplicates: matched.possibleDuplicates.length });
    await audit(tx, now, a, 'crisis.episode.link-person', { id: a.e.id, person_id: matched.personId }, address);
    return matched.personId;
  });
}

export interface CloseInput {
  outcome?: CrisisOutcome | null;
  note?: string | null;
  expectedVersion?: number;
}

/**
 * Closes an episode with its outcome; refused without one. With a named person it makes the follow-up
 * within 72 hours (unless they were admitted: then it is made on discharge from the admission) and
 * asks them, by the way they prefer, whether they got the right response.
 */
export async function closeEpisode(platform: Platform, actor: Actor, episodeId: string, input: CloseInput, address?: string | null): Promise<{ followUpTaskId: string | null }> {
  return change(platform, actor, episodeId, async (tx, a, now) => {
    if (!input.outcome) throw new InputError([{ field: 'outcome', message: 'Choose the outcome before closing the episode' }]);
    if (input.outcome === 'other' && !input.note?.trim()) throw new InputError([{ field: 'note', message: 'Say what the outcome was' }]);
    await updateEpisode(tx, a.e, now, { status: 'closed', outcome: input.outcome, outcome_note: input.note?.trim() || null, closed_at: now.toISOString(), closed_by: a.user.userId }, input.expectedVersion);
    await addAction(tx, a.e, now, a.user.userId, 'closed', input.note?.trim() || null, { outcome: input.outcome });
    await audit(tx, now, a, 'crisis.episode.close', a.e, address);
    let followUpTaskId: string | null = null;
    if (a.e.person_id && !ADMITTED.includes(input.outcome)) {
      const f = await scheduleFollowUp(platform, tx, { personId: a.e.person_id, teamId: a.e.team_id, dischargedAt: now, from: 'episode', sourceId: a.e.id, by: a.user.userId, byRole: a.role });
      followUpTaskId = f.taskId;
      await addAction(tx, a.e, now, null, 'follow-up-created', null, { dueAt: f.dueAt.toISOString() });
    } else if (!a.e.person_id) {
      await addAction(tx, a.e, now, null, 'follow-up-not-possible', 'No person is linked, so no follow-up could be made.');
    } else {
      await addAction(tx, a.e, now, null, 'follow-up-on-discharge', 'Admitted: record the discharge from hospital on this page to make the follow-up within 72 hours.');
    }
    if (a.e.person_id) await askForFeedback(platform, tx, a.e.id, a.e.person_id, now);
    return { followUpTaskId };
  });
}

/** After an admission: the discharge from hospital makes the follow-up within 72 hours of it. */
export async function recordHospitalDischarge(platform: Platform, actor: Actor, episodeId: string, dischargedAt: Date, address?: string | null): Promise<void> {
  await platform.db.write(async (tx) => {
    const a = await episodeFor(tx, actor, episodeId, ACT);
    const now = platform.clock.now();
    if (a.e.status !== 'closed' || !a.e.outcome || !ADMITTED.includes(a.e.outcome) || !a.e.person_id) throw new ConflictError('Only an episode closed with an admission has a discharge from hospital.');
    if (dischargedAt.getTime() > now.getTime()) throw new InputError([{ field: 'dischargedAt', message: 'The discharge must be now or in the past' }]);
    if (dischargedAt.getTime() < new Date(a.e.closed_at!).getTime()) throw new InputError([{ field: 'dischargedAt', message: 'The discharge must be after the admission' }]);
    const f = await scheduleFollowUp(platform, tx, { personId: a.e.person_id, teamId: a.e.team_id, dischargedAt, from: 'admission', sourceId: a.e.id, by: a.user.userId, byRole: a.role });
    await addAction(tx, a.e, now, a.user.userId, 'hospital-discharge', null, { dischargedAt: dischargedAt.toISOString(), dueAt: f.dueAt.toISOString() });
    await audit(tx, now, a, 'crisis.episode.hospital-discharge', a.e, address);
  });
}

// ---- "Did you get the right response?" ----

export function feedbackTokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Sends the person a link to the one-question form, by text or email; nothing when they have neither. */
async function askForFeedback(platform: Platform, tx: Kysely<DB>, episodeId: string, personId: string, now: Date): Promise<void> {
  const person = await personSummary(tx, personId);
  if (!person?.phone && !person?.email) return;
  const token = crypto.randomBytes(24).toString('base64url');
  await insertFeedbackRequest(tx, {
      id: newId(),
      episode_id: episodeId,
      person_id: personId,
      token_hash: feedbackTokenHash(token),
      asked_at: now.toISOString(),
      expires_at: new Date(now.getTime() + FEEDBACK_DAYS * 86_400_000).toISOString(),
      answer: null,
      comment: null,
      answered_at: null,
  });
  const link = `${platform.config.publicUrl}${paths.feedback(token)}`;
  const body = `${platform.config.serviceName}: thank you for letting us help. Did you get the right response? One question, at ${link} . If you need help now, call ${platform.config.crisis.nhs111} and choose the mental health option, or ${platform.config.crisis.emergency} if life is at risk.`;
  if (person.phone) {
    await enqueueMessage(tx, platform.clock, { channel: 'sms', to: person.phone, kind: 'crisis.feedback-request', personalisation: { body }, personId });
  } else if (person.email) {
    await enqueueMessage(tx, platform.clock, { channel: 'email', to: person.email, kind: 'crisis.feedback-request', personalisation: { subject: 'Did you get the right response?', body }, personId });
  }
}

export async function feedbackByToken(db: Kysely<DB>, token: string, now: Date) {
  const row = await feedbackByTokenHash(db, feedbackTokenHash(token));
  if (!row || new Date(row.expires_at).getTime() < now.getTime()) return null;
  return row;
}

export async function answerFeedback(platform: Platform, token: string, input: { answer: 'yes' | 'partly' | 'no'; comment?: string | null }): Promise<void> {
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const row = await feedbackByToken(tx, token, now);
    if (!row) throw new NotFoundError();
    if (row.answered_at) throw new ConflictError('You have already answered. Thank you.');
    await saveFeedbackAnswer(tx, row.id, { answer: input.answer, comment: input.comment?.trim() || null }, now);
    await recordAudit(tx, {
      at: now,
      actorUserId: null,
      actorRole: 'person',
      action: 'crisis.feedback.answer',
      entityType: 'crisis-feedback',
      entityId: row.id,
      personId: row.person_id,
      purpose: 'service feedback',
      outcome: 'success',
    });
  });
}

// ---- target timers ----

function stillWaiting(e: EpisodeRow | undefined, targetAtIso: string | undefined): e is EpisodeRow {
  return !!e && e.status === 'open' && !e.responded_at && e.target_at === targetAtIso;
}

/**
 * Who hears of an episode nobody is answering: the team's leads and whoever is on the team's duty rota
 * at this moment, by email, and the duty mobile of each shift on now, by text. At night the leads may
 * be off and asleep; the duty senior on shift can act now, and carries the phone.
 */
async function leadsAndOnDuty(tx: Tx, teamId: string, now: Date): Promise<{ emails: string[]; phones: string[] }> {
  const leads = await teamLeadEmails(tx, teamId);
  const onDuty = await onDutyAt(tx, teamId, now.toISOString());
  return {
    emails: [...new Set([...leads, ...onDuty.map((d) => d.email)])],
    phones: [...new Set(onDuty.flatMap((d) => (d.phone ? [d.phone] : [])))],
  };
}

/**
 * Tells staff of an episode: an email to each address and a text to each duty mobile, with the
 * episode's reference, priority and target and what to do, nothing about the person.
 */
async function tellStaff(platform: Platform, tx: Tx, to: { emails: readonly string[]; phones: readonly string[] }, kind: string, email: { subject: string; body: string }, text: string): Promise<void> {
  for (const address of new Set(to.emails)) await enqueueMessage(tx, platform.clock, { channel: 'email', to: address, kind, personalisation: email });
  for (const phone of new Set(to.phones)) await enqueueMessage(tx, platform.clock, { channel: 'sms', to: phone, kind, personalisation: { body: text } });
}

/** 75% of the time to target gone, no response: the responders are told (or, when none is assigned, the team's leads and whoever is on duty now). */
export async function onWarning(platform: Platform, tx: Tx, payload: unknown): Promise<void> {
  const p = payload as { episodeId?: string; targetAt?: string } | null;
  const e = p?.episodeId ? await episodeById(tx, p.episodeId) : undefined;
  if (!stillWaiting(e, p?.targetAt) || e.warned_at) return;
  const now = platform.clock.now();
  await updateEpisode(tx, e, now, { warned_at: now.toISOString() });
  await addAction(tx, e, now, null, 'target-warning', null, { targetAt: e.target_at });
  const responders = (await activeResponders(tx, [e.id])).filter((r) => !r.disabled_at).map((r) => r.email);
  const team = responders.length ? { emails: responders, phones: [] } : await leadsAndOnDuty(tx, e.team_id, now);
  await tellStaff(
    platform,
    tx,
    team,
    'crisis.target-warning',
    {
      subject: `Crisis episode ${e.reference}: response due by ${formatTime(e.target_at)}`,
      body: `Crisis episode ${e.reference} (${PRIORITY_TEXT[e.priority].toLowerCase()}) has no response recorded yet. Its response target is ${formatDateTime(e.target_at)}. Open the crisis board to act on it.`,
    },
    `Mutual crisis board: episode ${e.reference} (${PRIORITY_TEXT[e.priority].toLowerCase()}) has no responder and no response yet. Target ${formatTime(e.target_at)}. Open the board to act on it.`,
  );
}

/** The target passed with no response: the episode is escalated to the team's leads and whoever is on duty now. */
export async function onBreach(platform: Platform, tx: Tx, payload: unknown): Promise<void> {
  const p = payload as { episodeId?: string; targetAt?: string } | null;
  const e = p?.episodeId ? await episodeById(tx, p.episodeId) : undefined;
  if (!stillWaiting(e, p?.targetAt)) return;
  const now = platform.clock.now();
  await updateEpisode(tx, e, now, { escalated_at: now.toISOString() });
  await addAction(tx, e, now, null, 'target-breached', null, { targetAt: e.target_at });
  await tellStaff(
    platform,
    tx,
    await leadsAndOnDuty(tx, e.team_id, now),
    'crisis.target-breach',
    {
      subject: `Crisis episode ${e.reference} passed its response target`,
      body: `Crisis episode ${e.reference} (${PRIORITY_TEXT[e.priority].toLowerCase()}) had no response recorded by its target, ${formatDateTime(e.target_at)}. It is marked overdue on the crisis board. Please make sure someone responds now.`,
    },
    `Mutual crisis board: episode ${e.reference} (${PRIORITY_TEXT[e.priority].toLowerCase()}) passed its response target, ${formatTime(e.target_at)}, with no response. Please make sure someone responds now.`,
  );
  await scheduleStillWaiting(tx, e, now, 1);
  await recordAudit(tx, {
    at: now,
    actorUserId: null,
    actorRole: 'system',
    actorTeamId: e.team_id,
    action: 'crisis.episode.breach',
    entityType: 'crisis-episode',
    entityId: e.id,
    personId: e.person_id,
    purpose: 'direct care',
    outcome: 'success',
  });
}

async function scheduleStillWaiting(tx: Tx, e: EpisodeRow, from: Date, n: number): Promise<void> {
  if (n > STILL_WAITING_REPEATS) return;
  const dueAt = new Date(from.getTime() + STILL_WAITING_EVERY_MINUTES[e.priority] * 60_000);
  await scheduleTimer(tx, { kind: STILL_WAITING_TIMER, dueAt, payload: { episodeId: e.id, targetAt: e.target_at, n }, dedupeKey: `${STILL_WAITING_TIMER}:${e.id}:${e.target_at}:${n}` });
}

/**
 * Still no response after the target: the leads and whoever is on duty are told again, by email and on
 * the duty mobile, every STILL_WAITING_EVERY_MINUTES of the priority, until someone responds, the
 * episode closes or its target changes (a re-triage has timers of its own), STILL_WAITING_REPEATS times
 * at most. One escalation that nobody reads is not enough for an emergency at night.
 */
export async function onStillWaiting(platform: Platform, tx: Tx, payload: unknown): Promise<void> {
  const p = payload as { episodeId?: string; targetAt?: string; n?: number } | null;
  const e = p?.episodeId ? await episodeById(tx, p.episodeId) : undefined;
  if (!stillWaiting(e, p?.targetAt)) return;
  const n = Number(p?.n ?? 1);
  const now = platform.clock.now();
  const late = formatDuration(now.getTime() - new Date(e.target_at).getTime());
  await addAction(tx, e, now, null, 'still-waiting', null, { targetAt: e.target_at, n });
  const what = `Crisis episode ${e.reference} (${PRIORITY_TEXT[e.priority].toLowerCase()}) still has no response, ${late} after its target, ${formatTime(e.target_at)}.`;
  await tellStaff(
    platform,
    tx,
    await leadsAndOnDuty(tx, e.team_id, now),
    'crisis.target-still-waiting',
    { subject: `Still no response: crisis episode ${e.reference}`, body: `${what} Please make sure someone responds now, and record the response on the episode.` },
    `Mutual crisis board: ${what} Please make sure someone responds now.`,
  );
  await scheduleStillWaiting(tx, e, now, n + 1);
}

export function registerEpisodeTimers(platform: Platform): void {
  platform.timers.register(WARNING_TIMER, (tx, payload) => onWarning(platform, tx, payload));
  platform.timers.register(BREACH_TIMER, (tx, payload) => onBreach(platform, tx, payload));
  platform.timers.register(STILL_WAITING_TIMER, (tx, payload) => onStillWaiting(platform, tx, payload));
}
