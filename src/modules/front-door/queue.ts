// The hub team's work on a request (issue 4, item 8): claim or assign, record contact attempts, write
// triage notes, set the need group, and decide. Every action is checked against the actor's team,
// written with its timeline event and audit event in one unit, and a request cannot close without an
// outcome. After three failed contact attempts the person is sent a message (or a letter is flagged)
// and the referrer is told: never a silent closure.
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor as AccessActor, authorize } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { parseJson, toJson } from '../../platform/db/ids.ts';
import type { Tx } from '../../platform/db/database.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { openCoordinationFromDecision } from '../care/index.ts';
import { openCrisisEpisode } from '../crisis/index.ts';
import { personSummary } from '../people/index.ts';
import { awaitAnswer, stopAwaitingAnswer } from './partner-referrals.ts';
import {
  addEvent,
  breachById,
  breachesForReview,
  hasQueueFilters,
  insertAttempt,
  insertReferral,
  moveReferral,
  openRequestsPage,
  type QueueFilters,
  queueCounts,
  referralOfRequest,
  type RequestRow,
  requestAttempts,
  requestById,
  requestEvents,
  reviewBreach,
  teamMembers,
  updateRequest,
  userEmail,
} from './store.ts';

export type { QueueFilters, Tx };

export const NEED_GROUPS = ['getting-advice', 'getting-help', 'getting-more-help', 'getting-risk-support'] as const;
export type NeedGroup = (typeof NEED_GROUPS)[number];

export const FAILED_ATTEMPTS_BEFORE_LETTER = 3;

type UserActor = Extract<AccessActor, { kind: 'user' }>;

function roleIn(actor: UserActor, teamId: string | null): string {
  return actor.memberships.find((m) => m.teamId === teamId)?.role ?? actor.memberships[0]?.role ?? 'unknown';
}

/** Loads a request the actor may act on: their team's request, or any when no team runs the door. */
async function loadForActor(tx: Tx, actor: AccessActor, requestId: string, permission: string): Promise<{ r: RequestRow; user: UserActor }> {
  if (actor.kind !== 'user') throw new NotFoundError();
  const r = await requestById(tx, requestId);
  if (!r) throw new NotFoundError();
  const allowed = r.team_id ? actor.memberships.some((m) => m.teamId === r.team_id) && authorize(actor, permission) : authorize(actor, permission);
  if (!allowed) throw new NotFoundError();
  return { r, user: actor };
}

async function audit(tx: Tx, now: Date, user: UserActor, r: RequestRow, action: string, address?: string | null) {
  await recordAudit(tx, {
    at: now,
    actorUserId: user.userId,
    actorRole: roleIn(user, r.team_id),
    action,
    entityType: 'request',
    entityId: r.id,
    personId: r.person_id,
    purpose: 'direct care',
    outcome: 'success',
    address: address ?? null,
  });
}

function assertOpen(r: RequestRow): void {
  if (r.status === 'closed') throw new ConflictError('This request is closed.');
}

export async function claim(platform: Platform, actor: AccessActor, requestId: string, address?: string): Promise<void> {
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const { r, user } = await loadForActor(tx, actor, requestId, 'front-door:queue:act');
    assertOpen(r);
    await updateRequest(tx, r.id, now, { owner_user_id: user.userId });
    await addEvent(tx, r.id, now, user.userId, 'claimed');
    await audit(tx, now, user, r, 'front-door.request.claim', address);
  });
}

export async function assign(platform: Platform, actor: AccessActor, requestId: string, ownerUserId: string, address?: string): Promise<void> {
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const { r, user } = await loadForActor(tx, actor, requestId, 'front-door:queue:act');
    assertOpen(r);
    const colleagues = await teamMembers(tx, r.team_id);
    if (!colleagues.some((c) => c.id === ownerUserId)) {
      throw new InputError([{ field: 'owner', message: 'Choose someone in the team to assign this request to' }]);
    }
    await updateRequest(tx, r.id, now, { owner_user_id: ownerUserId });
    await addEvent(tx, r.id, now, user.userId, 'assigned', { ownerUserId });
    await audit(tx, now, user, r, 'front-door.request.assign', address);
  });
}

export interface AttemptInput {
  method: 'phone' | 'sms' | 'email' | 'letter' | 'in-person';
  result: 'reached' | 'no-answer' | 'message-left' | 'wrong-number';
  note?: string | null;
}

export async function recordAttempt(platform: Platform, actor: AccessActor, requestId: string, input: AttemptInput, address?: string): Promise<{ failedAttempts: number; followUpSent: boolean }> {
  return platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const { r, user } = await loadForActor(tx, actor, requestId, 'front-door:queue:act');
    assertOpen(r);
    await insertAttempt(tx, { requestId: r.id, at: now, byUserId: user.userId, ...input });
    let failed = r.failed_attempts;
    let followUpSent = false;
    if (input.result === 'reached') {
      await updateRequest(tx, r.id, now, {
        first_contact_at: r.first_contact_at ?? now.toISOString(),
        status: r.status === 'received' ? 'contacted' : r.status,
        owner_user_id: r.owner_user_id ?? user.userId,
      });
    } else {
      failed += 1;
      await updateRequest(tx, r.id, now, { failed_attempts: failed });
      if (failed === FAILED_ATTEMPTS_BEFORE_LETTER && !r.first_contact_at) {
        followUpSent = await followUpAfterFailedAttempts(platform, tx, r);
      }
    }
    await addEvent(tx, r.id, now, user.userId, 'contact-attempt', { method: input.method, result: input.result });
    await audit(tx, now, user, r, 'front-door.request.contact-attempt', address);
    return { failedAttempts: failed, followUpSent };
  });
}

/** Three failed attempts: write to the person and tell whoever referred them. The request stays open. */
async function followUpAfterFailedAttempts(platform: Platform, tx: Tx, r: RequestRow): Promise<boolean> {
  const { config, clock } = platform;
  const now = clock.now();
  const person = await personSummary(tx, r.person_id);
  const toPerson =
    `${config.serviceName}: we have tried to contact you about your request ${r.reference} and could not reach you. ` +
    `Please call us, or reply, when it is safe to talk. If you need help now, call ${config.crisis.emergency} if life is at risk, or NHS ${config.crisis.nhs111} and choose the mental health option.`;
  let channel: 'sms' | 'email' | 'letter' = 'letter';
  if (person?.phone) {
    await enqueueMessage(tx, clock, { channel: 'sms', to: person.phone, kind: 'front-door.could-not-reach', personalisation: { body: toPerson }, personId: r.person_id });
    channel = 'sms';
  } else if (person?.email) {
    await enqueueMessage(tx, clock, { channel: 'email', to: person.email, kind: 'front-door.could-not-reach', personalisation: { subject: `We could not reach you: ${r.reference}`, body: toPerson }, personId: r.person_id });
    channel = 'email';
  }
  const referrer = parseJson<{ name?: string; phone?: string; email?: string }>(r.referrer);
  const toReferrer = `${config.serviceName}: we have tried three times to contact the person you referred (reference ${r.reference}) and could not reach them. The request stays open; please help us reach them if you can.`;
  if (referrer?.email) {
    await enqueueMessage(tx, clock, { channel: 'email', to: referrer.email, kind: 'front-door.referrer-could-not-reach', personalisation: { subject: `We could not reach the person you referred: ${r.reference}`, body: toReferrer } });
  } else if (referrer?.phone) {
    await enqueueMessage(tx, clock, { channel: 'sms', to: referrer.phone, kind: 'front-door.referrer-could-not-reach', personalisation: { body: toReferrer } });
  } else if (r.referrer_user_id) {
    const u = await userEmail(tx, r.referrer_user_id);
    if (u && !u.disabled_at) await enqueueMessage(tx, clock, { channel: 'email', to: u.email, kind: 'front-door.referrer-could-not-reach', personalisation: { subject: `We could not reach the person you referred: ${r.reference}`, body: toReferrer } });
  }
  // With no phone or email, the queue shows that a letter must be sent (the outbox has no post).
  await addEvent(tx, r.id, now, null, channel === 'letter' ? 'letter-needed' : 'could-not-reach-sent', { channel });
  return true;
}

export async function addNote(platform: Platform, actor: AccessActor, requestId: string, text: string, address?: string): Promise<void> {
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const { r, user } = await loadForActor(tx, actor, requestId, 'front-door:queue:act');
    await addEvent(tx, r.id, now, user.userId, 'note', { text });
    await audit(tx, now, user, r, 'front-door.request.note', address);
  });
}

export async function setNeedGroup(platform: Platform, actor: AccessActor, requestId: string, needGroup: NeedGroup, address?: string): Promise<void> {
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const { r, user } = await loadForActor(tx, actor, requestId, 'front-door:queue:act');
    assertOpen(r);
    await updateRequest(tx, r.id, now, { need_group: needGroup });
    await addEvent(tx, r.id, now, user.userId, 'need-group', { needGroup });
    await audit(tx, now, user, r, 'front-door.request.triage', address);
  });
}

export type Decision =
  | { kind: 'signpost'; serviceIds: string[]; services: { name: string; phone?: string | null; url?: string | null }[]; message?: string | null }
  | { kind: 'refer'; serviceId: string; serviceName: string; reason: string; /** Needed when the request said no to sharing within the alliance: they agreed to this referral since. */ personAgreed?: boolean }
  | { kind: 'care-coordination'; teamId: string; reason: string }
  | { kind: 'crisis'; reason: string; /** The crisis episode's priority (MHSDS); when not given, emergency for a request flagged high risk, else very urgent. */ priority?: 'emergency' | 'very-urgent' | 'urgent' | 'routine' }
  | { kind: 'close'; reason: string };

/**
 * Decides what happens next. Signposting and closing close the request with that outcome. Referral,
 * care coordination and crisis hand the person to someone else: the request stays open ("support
 * being arranged") until a practitioner closes it once the receiving team has taken the person on,
 * so nobody falls between two teams.
 */
export async function decide(platform: Platform, actor: AccessActor, requestId: string, decision: Decision, address?: string): Promise<void> {
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const { r, user } = await loadForActor(tx, actor, requestId, 'front-door:queue:act');
    assertOpen(r);
    const at = now.toISOString();
    if (decision.kind === 'signpost') {
      if (decision.serviceIds.length === 0) throw new InputError([{ field: 'serviceIds', message: 'Choose at least one service to signpost to' }]);
      await sendSignpostSummary(platform, tx, r, decision);
      await updateRequest(tx, r.id, now, { decision: 'signpost', decision_detail: toJson({ serviceIds: decision.serviceIds }), status: 'closed', outcome: 'signposted', closed_at: at, owner_user_id: r.owner_user_id ?? user.userId });
    } else if (decision.kind === 'refer') {
      // A referral shares who they are and how to reach them with the partner: not against their word.
      if (!r.consent_to_share && !decision.personAgreed) {
        throw new InputError([{ field: 'personAgreed', message: 'They did not agree to share their request within the alliance: ask them, and confirm they agreed to this referral' }]);
      }
      const referralId = await insertReferral(tx, { requestId: r.id, personId: r.person_id, serviceId: decision.serviceId, referredBy: user.userId, reason: decision.reason, at: now });
      // The partner answers in "Referrals to your services" (partner-referrals.ts); no answer in 5 working days is put to the hub.
      await awaitAnswer(platform, tx, referralId, { id: decision.serviceId, name: decision.serviceName }, now);
      await updateRequest(tx, r.id, now, { decision: 'refer', decision_detail: toJson({ serviceId: decision.serviceId, serviceName: decision.serviceName }), status: 'arranging' });
    } else if (decision.kind === 'care-coordination') {
      // The named team's coordination opens in the same unit of work (care module), with a task for the team to name a key worker.
      const { coordinationId } = await openCoordinationFromDecision(tx, { personId: r.person_id, teamId: decision.teamId, requestId: r.id, reason: decision.reason, by: { userId: user.userId, role: roleIn(user, r.team_id), teamId: r.team_id }, at: now });
      await updateRequest(tx, r.id, now, { decision: 'care-coordination', decision_detail: toJson({ teamId: decision.teamId, reason: decision.reason, coordinationId }), status: 'arranging' });
    } else if (decision.kind === 'crisis') {
      // The crisis team takes the person on in the same unit of work: an episode on its board, timed from the request's receipt.
      // The decision form has no team field: a crisis team that cannot be chosen is an error of the decision.
      const episode = await openCrisisEpisode(platform, tx, {
        source: 'front-door',
        requestId: r.id,
        personId: r.person_id,
        // Unless the practitioner chose one: emergency when the words flagged a high risk, very urgent otherwise.
        priority: decision.priority ?? (r.risk_level === 'high' ? 'emergency' : 'very-urgent'),
        summary: decision.reason.trim() || `Front door request ${r.reference}: decided crisis`,
        firstContactAt: new Date(r.created_at),
        referringTeamId: r.team_id,
        openedBy: user.userId,
        openedByRole: roleIn(user, r.team_id),
        address,
      }).catch((error: unknown) => {
        if (error instanceof InputError) throw new InputError(error.errors.map((e) => (e.field === 'team' ? { ...e, field: 'decision' } : e)));
        throw error;
      });
      await updateRequest(tx, r.id, now, {
        decision: 'crisis',
        decision_detail: toJson({ reason: decision.reason, episodeId: episode.id, episodeReference: episode.reference }),
        status: 'arranging',
        urgency: 'crisis',
      });
    } else {
      await updateRequest(tx, r.id, now, { decision: 'close', decision_detail: toJson({ reason: decision.reason }), status: 'closed', outcome: `closed: ${decision.reason}`, closed_at: at });
    }
    await addEvent(tx, r.id, now, user.userId, 'decision', decision.kind === 'refer' && !r.consent_to_share ? { kind: decision.kind, personAgreed: true } : { kind: decision.kind });
    await audit(tx, now, user, r, `front-door.request.decide.${decision.kind}`, address);
  });
}

/**
 * The hub takes back a referral the partner has not answered (the person found help elsewhere, or no
 * longer wants it): the referral is withdrawn with the reason, and the request is back in the queue for
 * a new decision. The partner sees it under "Closed" and can no longer answer it.
 */
export async function withdrawReferral(platform: Platform, actor: AccessActor, requestId: string, reason: string, address?: string): Promise<void> {
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const { r, user } = await loadForActor(tx, actor, requestId, 'front-door:queue:act');
    assertOpen(r);
    const referral = await referralOfRequest(tx, r.id);
    if (r.status !== 'arranging' || r.decision !== 'refer' || referral?.status !== 'sent') throw new ConflictError('There is no referral waiting for an answer on this request.');
    const moved = await moveReferral(tx, referral.id, ['sent'], { status: 'withdrawn', status_note: reason.trim(), updated_at: now.toISOString() });
    if (!moved) throw new ConflictError('The partner has just answered this referral: nothing was withdrawn.');
    await stopAwaitingAnswer(tx, referral.id);
    const serviceName = parseJson<{ serviceName?: string }>(r.decision_detail)?.serviceName ?? 'the partner service';
    await updateRequest(tx, r.id, now, { status: r.first_contact_at ? 'contacted' : 'received', decision: null, decision_detail: null });
    await addEvent(tx, r.id, now, user.userId, 'referral-withdrawn', { serviceName, note: reason.trim() });
    await audit(tx, now, user, r, 'front-door.request.withdraw-referral', address);
  });
}

/** Closes a request whose support has been arranged, with the outcome. */
export async function closeArranged(platform: Platform, actor: AccessActor, requestId: string, outcome: string, address?: string): Promise<void> {
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const { r, user } = await loadForActor(tx, actor, requestId, 'front-door:queue:act');
    assertOpen(r);
    if (!outcome.trim()) throw new InputError([{ field: 'outcome', message: 'Enter the outcome before closing the request' }]);
    await updateRequest(tx, r.id, now, { status: 'closed', outcome: outcome.trim(), closed_at: now.toISOString() });
    await addEvent(tx, r.id, now, user.userId, 'closed', { outcome: outcome.trim() });
    await audit(tx, now, user, r, 'front-door.request.close', address);
  });
}

async function sendSignpostSummary(platform: Platform, tx: Tx, r: RequestRow, d: Extract<Decision, { kind: 'signpost' }>): Promise<void> {
  const person = await personSummary(tx, r.person_id);
  const lines = d.services.map((s) => `- ${s.name}${s.phone ? `, ${s.phone}` : ''}${s.url ? `, ${s.url}` : ''}`).join('\n');
  const body = `${platform.config.serviceName}: about your request ${r.reference}, here is support that may help:\n${lines}${d.message ? `\n\n${d.message}` : ''}`;
  if (person?.email) {
    await enqueueMessage(tx, platform.clock, { channel: 'email', to: person.email, kind: 'front-door.signpost', personalisation: { subject: `Support that may help: ${r.reference}`, body }, personId: r.person_id });
  } else if (person?.phone) {
    await enqueueMessage(tx, platform.clock, { channel: 'sms', to: person.phone, kind: 'front-door.signpost', personalisation: { body }, personId: r.person_id });
  }
}

/** The teams whose requests the actor works on; null when no team runs the door (then any with the permission). */
export function actorTeamIds(actor: AccessActor): string[] {
  return actor.kind === 'user' ? [...new Set(actor.memberships.map((m) => m.teamId).filter((t): t is string => t !== null))] : [];
}

/** Requests a page of the queue shows. */
export const QUEUE_PAGE_SIZE = 50;

/**
 * A page of the queue (1-based) with the counts at its top. A page past the end comes back with no
 * rows and `pastEnd` set (requests close while someone pages), never as an error.
 */
export async function listQueue(platform: Platform, actor: AccessActor, filters: QueueFilters, page: number, address?: string) {
  if (actor.kind !== 'user' || !authorize(actor, 'front-door:queue:read')) throw new NotFoundError();
  const now = platform.clock.now();
  const scope = { teamIds: actorTeamIds(actor), userId: actor.userId, now };
  const [rows, counts] = await Promise.all([
    openRequestsPage(platform.db.read, scope, filters, { limit: QUEUE_PAGE_SIZE, offset: (page - 1) * QUEUE_PAGE_SIZE }),
    queueCounts(platform.db.read, scope, filters),
  ]);
  // The queue shows people's names: a read of person data, audited once per view (not per row).
  await platform.db.write((tx) =>
    recordAudit(tx, {
      at: now,
      actorUserId: actor.userId,
      actorRole: actor.memberships[0]?.role ?? null,
      action: 'front-door.queue.view',
      entityType: 'queue',
      entityId: null,
      purpose: 'direct care',
      outcome: 'success',
      address: address ?? null,
    }),
  );
  const pages = Math.max(1, Math.ceil(counts.matching / QUEUE_PAGE_SIZE));
  return { rows, counts, now, page, pages, pageSize: QUEUE_PAGE_SIZE, pastEnd: page > pages, filtered: hasQueueFilters(filters) };
}

/** One request with its person, timeline and attempts; the read is audited against the person. */
export async function viewRequest(platform: Platform, actor: AccessActor, requestId: string, address?: string) {
  const loaded = await platform.db.write(async (tx) => {
    const { r, user } = await loadForActor(tx, actor, requestId, 'front-door:queue:read');
    await audit(tx, platform.clock.now(), user, r, 'front-door.request.view', address);
    return r;
  });
  const [person, events, attempts, colleagues, referral] = await Promise.all([
    personSummary(platform.db.read, loaded.person_id),
    requestEvents(platform.db.read, loaded.id),
    requestAttempts(platform.db.read, loaded.id),
    teamMembers(platform.db.read, loaded.team_id),
    loaded.decision === 'refer' ? referralOfRequest(platform.db.read, loaded.id) : undefined,
  ]);
  return { request: loaded, person, events, attempts, colleagues, referral: referral ?? null };
}

export async function listBreaches(platform: Platform, actor: AccessActor) {
  if (actor.kind !== 'user' || !authorize(actor, 'front-door:breaches:read')) throw new NotFoundError();
  return breachesForReview(platform.db.read, actorTeamIds(actor), 200);
}

export async function markBreachReviewed(platform: Platform, actor: AccessActor, breachId: string, note: string): Promise<void> {
  if (actor.kind !== 'user') throw new NotFoundError();
  await platform.db.write(async (tx) => {
    const b = await breachById(tx, breachId);
    if (!b || !authorize(actor, 'front-door:breaches:read', { teamId: b.team_id })) throw new NotFoundError();
    if (!note.trim()) throw new InputError([{ field: 'note', message: 'Enter what was learned from this breach' }]);
    const changed = await reviewBreach(tx, breachId, actor.userId, note.trim(), platform.clock.now());
    if (changed === 0) throw new ConflictError('This breach has already been reviewed.');
    await recordAudit(tx, {
      at: platform.clock.now(),
      actorUserId: actor.userId,
      actorRole: 'team-lead',
      action: 'front-door.breach.review',
      entityType: 'request-breach',
      entityId: breachId,
      purpose: 'service review',
      outcome: 'success',
    });
  });
}
