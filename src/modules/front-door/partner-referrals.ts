// The partner's side of a referral (issue 4, item 8: "a referral record the partner will act on"):
// the loop a front door referral closes. When the hub refers someone to a partner's service, the
// practitioners and team leads of the team the service names for its referrals (hazard H10), or of the
// organisation that runs it when it names none, see it in "Referrals to your services", open it (the person's details and contact preferences, why they were referred, by whom),
// and answer: accept, decline with a reason, and later complete. Every answer is on the request's
// timeline and the person's record, and is audited.
//
// - Accepted: the partner has taken the person on, so the request closes with that outcome (nobody
//   is left between two teams: the partner is involved with the person while the referral runs), and
//   the person is told who will be in touch.
// - Declined: the person must not be left with nothing (hazard H9). The request goes back to the hub's
//   queue for a new decision (reopened if the hub had closed it), and the referring practitioner and
//   the hub's leads are told, by reference only.
// - Unanswered: a referral still waiting after RESPONSE_WORKING_DAYS working days is put in front of
//   the hub (an event on the request, the referrer and the hub's leads emailed), once, by a durable timer.
import { recordAudit } from '../../platform/access/audit.ts';
import { accountsWithRole } from '../../platform/auth/store.ts';
import { type Actor, GRANTS } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { cancelTimers, scheduleTimer } from '../../platform/jobs/timers.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { endOfNextWorkingDay, OFFICE_HOURS } from '../../platform/time/calendar.ts';
import { formatDateTime } from '../../platform/views/format.ts';
import { referralAnswerer, servicesRunBy } from '../directory/index.ts';
import { personSummary } from '../people/index.ts';
import { paths } from './paths.ts';
import {
  addEvent,
  moveReferral,
  type ReferralStatus,
  referralCountsToServices,
  referralsToServices,
  referralWithRequest,
  requestById,
  teamLeadEmails,
  updateRequest,
  userEmail,
} from './store.ts';

export const RECEIVE = 'front-door:referral:receive';
/** A referral not answered by the end of this many working days after it was sent is put in front of the hub. */
export const RESPONSE_WORKING_DAYS = 5;
export const UNANSWERED_TIMER = 'front-door:referral-unanswered';
export const INBOX_SHOWN = 200;

export const DECLINE_REASONS = [
  { value: 'not-eligible', text: 'Not eligible for this service' },
  { value: 'no-capacity', text: 'No capacity at the moment' },
  { value: 'needs-more', text: 'Needs more support than this service offers' },
  { value: 'person-declined', text: 'The person did not want this service' },
  { value: 'could-not-reach', text: 'We could not reach the person' },
  { value: 'other', text: 'Another reason' },
] as const;
export type DeclineReason = (typeof DECLINE_REASONS)[number]['value'];

export const INBOX_VIEWS = {
  new: { statuses: ['sent'], order: 'oldest', title: 'New' },
  accepted: { statuses: ['accepted'], order: 'newest', title: 'Accepted' },
  closed: { statuses: ['declined', 'completed', 'withdrawn'], order: 'newest', title: 'Closed' },
} as const satisfies Record<string, { statuses: readonly ReferralStatus[]; order: 'oldest' | 'newest'; title: string }>;
export type InboxView = keyof typeof INBOX_VIEWS;

export const REFERRAL_STATUS_WORDS: Record<ReferralStatus, string> = {
  sent: 'Waiting for an answer',
  accepted: 'Accepted',
  declined: 'Declined',
  completed: 'Completed',
  withdrawn: 'Withdrawn',
};

export type Response = { action: 'accept'; note?: string | null } | { action: 'decline'; reasonKind: DeclineReason; reason?: string | null } | { action: 'complete'; note: string };

type UserActor = Extract<Actor, { kind: 'user' }>;

/** The alliance organisations (and teams) whose services' referrals the actor answers; 404 for anyone who answers none. */
function receivingOrganisations(actor: Actor): { user: UserActor; organisationIds: string[]; teamIds: string[] } {
  if (actor.kind !== 'user') throw new NotFoundError();
  const memberships = actor.memberships.filter((m) => GRANTS[m.role]?.includes(RECEIVE));
  const organisationIds = [...new Set(memberships.map((m) => m.organisationId))];
  if (organisationIds.length === 0) throw new NotFoundError();
  return { user: actor, organisationIds, teamIds: memberships.flatMap((m) => (m.teamId ? [m.teamId] : [])) };
}

/**
 * The services whose referrals the actor answers: those of their organisations that name no team, and
 * those that name one of the actor's teams (hazard H10: a trust's referral reaches its one team).
 */
async function servicesAnsweredBy(platform: Platform, actor: Actor) {
  const { user, organisationIds, teamIds } = receivingOrganisations(actor);
  const services = (await servicesRunBy(platform, organisationIds)).filter((s) => s.referralTeamId === null || teamIds.includes(s.referralTeamId));
  return { user, organisationIds, services };
}

function roleIn(user: UserActor, organisationId: string | null): string | null {
  return user.memberships.find((m) => m.organisationId === organisationId && GRANTS[m.role]?.includes(RECEIVE))?.role ?? user.memberships[0]?.role ?? null;
}

/** When an unanswered referral is put in front of the hub: the end (17:00 London) of the 5th working day after it was sent. */
export function answerDueBy(sentAt: Date): Date {
  let at = sentAt;
  for (let i = 0; i < RESPONSE_WORKING_DAYS; i++) at = endOfNextWorkingDay(OFFICE_HOURS, at);
  return at;
}

const timerKey = (referralId: string) => `${UNANSWERED_TIMER}:${referralId}`;

/**
 * Called in the unit of work that makes a referral (the hub's decision): the partner is told one is
 * waiting (its team leads, or its practitioners when it has no lead; no personal data: the service and
 * where to answer), and the timer that notices no answer is set.
 */
export async function awaitAnswer(platform: Platform, tx: Tx, referralId: string, service: { id: string; name: string }, sentAt: Date): Promise<void> {
  const dueBy = answerDueBy(sentAt);
  await scheduleTimer(tx, { kind: UNANSWERED_TIMER, dueAt: dueBy, payload: { referralId }, dedupeKey: timerKey(referralId) });
  const answerer = await referralAnswerer(platform, service.id);
  if (!answerer?.organisationId) return;
  const where = answerer.teamId ? { teamId: answerer.teamId } : { organisationId: answerer.organisationId };
  const leads = await accountsWithRole(tx, where, ['team-lead']);
  const to = leads.length ? leads : await accountsWithRole(tx, where, ['practitioner']);
  for (const account of to.slice(0, MAX_TOLD)) {
    await enqueueMessage(tx, platform.clock, {
      channel: 'email',
      to: account.email,
      kind: 'front-door.referral-waiting',
      personalisation: {
        subject: `A referral to ${service.name} is waiting for your answer`,
        body: `The front door has referred someone to ${service.name}. Open "Referrals to your services" in ${platform.config.serviceName} (${platform.config.publicUrl}${paths.receivedReferrals}) and accept or decline it by ${formatDateTime(dueBy.toISOString())}.`,
      },
    });
  }
}

/** At most this many people of a partner are emailed about one referral. */
const MAX_TOLD = 20;

/** The referral no longer waits for an answer (withdrawn by the hub): its timer goes. */
export async function stopAwaitingAnswer(tx: Tx, referralId: string): Promise<void> {
  await cancelTimers(tx, { dedupeKey: timerKey(referralId) });
}

/** "Referrals to your services": one view (new, accepted, closed) of the referrals to the services the actor answers for. */
export async function receivedReferrals(platform: Platform, actor: Actor, view: InboxView, address?: string | null) {
  const { user, organisationIds, services } = await servicesAnsweredBy(platform, actor);
  const serviceIds = services.map((s) => s.id);
  const { statuses, order } = INBOX_VIEWS[view];
  const [rows, counts] = await Promise.all([referralsToServices(platform.db.read, serviceIds, statuses, order, INBOX_SHOWN), referralCountsToServices(platform.db.read, serviceIds)]);
  // The list shows people's names: a read of person data, audited once per view (as the queue is).
  await platform.db.write((tx) =>
    recordAudit(tx, {
      at: platform.clock.now(),
      actorUserId: user.userId,
      actorRole: roleIn(user, organisationIds[0] ?? null),
      action: 'front-door.referral.received.list',
      entityType: 'referral',
      entityId: null,
      purpose: 'direct care',
      outcome: 'success',
      address: address ?? null,
    }),
  );
  const names = new Map(services.map((s) => [s.id, s.name]));
  return {
    services,
    counts,
    rows: rows.map((r) => ({ ...r, serviceName: names.get(r.service_id) ?? 'A service', statusText: REFERRAL_STATUS_WORDS[r.status] })),
  };
}

/** A look at or an answer to a referral, in the person's audit trail. */
async function auditReferral(tx: Tx, at: Date, user: UserActor, role: string | null, action: string, referral: { id: string; person_id: string }, outcome: 'success' | 'denied', address?: string | null): Promise<void> {
  await recordAudit(tx, { at, actorUserId: user.userId, actorRole: role, action, entityType: 'referral', entityId: referral.id, personId: referral.person_id, purpose: 'direct care', outcome, address: address ?? null });
}

/** A referral the actor's organisation receives, or 404 (a referral to another organisation's service looks the same as none). */
async function referralFor(platform: Platform, actor: Actor, referralId: string, action: string, address?: string | null) {
  const { user, services } = await servicesAnsweredBy(platform, actor);
  const referral = await referralWithRequest(platform.db.read, referralId);
  const service = referral ? services.find((s) => s.id === referral.service_id) : undefined;
  if (!referral || !service) {
    if (referral) await platform.db.write((tx) => auditReferral(tx, platform.clock.now(), user, roleIn(user, null), action, referral, 'denied', address));
    throw new NotFoundError();
  }
  return { user, referral, service };
}

/** One referral for the service that receives it: the person's details and preferences, why and by whom; the view is audited. */
export async function receivedReferral(platform: Platform, actor: Actor, referralId: string, address?: string | null) {
  const { user, referral, service } = await referralFor(platform, actor, referralId, 'front-door.referral.received.view', address);
  const person = await personSummary(platform.db.read, referral.person_id);
  await platform.db.write((tx) => auditReferral(tx, platform.clock.now(), user, roleIn(user, service.organisationId), 'front-door.referral.received.view', referral, 'success', address));

  return { referral: { ...referral, statusText: REFERRAL_STATUS_WORDS[referral.status] }, service, person, answerDueBy: answerDueBy(new Date(referral.created_at)) };
}

const CHANGED = 'This referral has changed since the page was opened: someone may have answered it already. Nothing was saved.';

/** The receiving service answers: accept, decline with a reason, or complete. */
export async function respondToReferral(platform: Platform, actor: Actor, referralId: string, response: Response, address?: string | null): Promise<void> {
  const { user, referral, service } = await referralFor(platform, actor, referralId, `front-door.referral.${response.action}`, address);
  const from: ReferralStatus[] = response.action === 'complete' ? ['accepted'] : ['sent'];
  if (!from.includes(referral.status)) throw new ConflictError(CHANGED);
  let note: string | null;
  if (response.action === 'decline') {
    const reasonText = DECLINE_REASONS.find((r) => r.value === response.reasonKind)?.text;
    if (!reasonText) throw new InputError([{ field: 'reasonKind', message: 'Choose why the referral is declined' }]);
    if (response.reasonKind === 'other' && !response.reason?.trim()) throw new InputError([{ field: 'reason', message: 'Say why the referral is declined' }]);
    note = [reasonText, response.reason?.trim()].filter(Boolean).join(': ');
  } else if (response.action === 'complete') {
    if (!response.note.trim()) throw new InputError([{ field: 'note', message: 'Say how the referral ended, for example: attended 6 sessions, discharged to their GP' }]);
    note = response.note.trim();
  } else {
    note = response.note?.trim() || null;
  }
  const status: ReferralStatus = response.action === 'accept' ? 'accepted' : response.action === 'decline' ? 'declined' : 'completed';

  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const moved = await moveReferral(tx, referral.id, from, { status, status_note: note, updated_at: now.toISOString() });
    if (!moved) throw new ConflictError(CHANGED);
    if (response.action !== 'complete') await cancelTimers(tx, { dedupeKey: timerKey(referral.id) });
    const r = referral.request_id ? await requestById(tx, referral.request_id) : undefined;
    if (r) {
      await addEvent(tx, r.id, now, user.userId, `referral-${status}`, { serviceName: service.name, note });
      if (response.action === 'accept' && r.status === 'arranging') {
        // The partner has taken the person on: the front door's part is done.
        await updateRequest(tx, r.id, now, { status: 'closed', outcome: `Referred to ${service.name}: accepted`, closed_at: now.toISOString() });
        await addEvent(tx, r.id, now, null, 'closed', { outcome: `Referred to ${service.name}: accepted` });
      } else if (response.action === 'decline') {
        // Back to the hub for a new decision: never a referral that ends in nothing.
        await updateRequest(tx, r.id, now, { status: r.first_contact_at ? 'contacted' : 'received', decision: null, decision_detail: null, outcome: null, closed_at: null });
        await tellHub(platform, tx, r, referral.referred_by, {
          kind: 'front-door.referral-declined',
          subject: `Referral declined: request ${r.reference} needs a new decision`,
          body: `${service.name} declined the referral made from request ${r.reference} (${note}). The request is back in the front door queue: decide again what would help, and tell the person.`,
        });
      }
    }
    if (response.action === 'accept') await tellPerson(platform, tx, referral.person_id, service.name, r?.reference ?? null);
    await auditReferral(tx, now, user, roleIn(user, service.organisationId), `front-door.referral.${response.action}`, referral, 'success', address);
  });
}

/** The referring practitioner (when their account is in use) and the leads of the hub team: by reference only. */
async function tellHub(platform: Platform, tx: Tx, r: { team_id: string | null }, referredBy: string | null, message: { kind: string; subject: string; body: string }): Promise<void> {
  const emails = new Set<string>();
  if (referredBy) {
    const referrer = await userEmail(tx, referredBy);
    if (referrer && !referrer.disabled_at) emails.add(referrer.email);
  }
  if (r.team_id) for (const lead of await teamLeadEmails(tx, r.team_id)) emails.add(lead.email);
  for (const to of emails) await enqueueMessage(tx, platform.clock, { channel: 'email', to, kind: message.kind, personalisation: { subject: message.subject, body: message.body } });
}

/** The person is told who has taken them on, the way they can be reached (email, else text); no more than that. */
async function tellPerson(platform: Platform, tx: Tx, personId: string, serviceName: string, reference: string | null): Promise<void> {
  const person = await personSummary(tx, personId);
  const body = `${platform.config.serviceName}: ${serviceName} has accepted the referral we made for you${reference ? ` (reference ${reference})` : ''} and will be in touch. If you need help now, call ${platform.config.crisis.nhs111} and choose the mental health option, or ${platform.config.crisis.emergency} if life is at risk.`;
  if (person?.email) {
    await enqueueMessage(tx, platform.clock, { channel: 'email', to: person.email, kind: 'front-door.referral-accepted', personalisation: { subject: `${serviceName} will be in touch`, body }, personId });
  } else if (person?.phone) {
    await enqueueMessage(tx, platform.clock, { channel: 'sms', to: person.phone, kind: 'front-door.referral-accepted', personalisation: { body }, personId });
  }
}

/** The timer: a referral still waiting for an answer is put in front of the hub, once. */
export async function onReferralUnanswered(platform: Platform, tx: Tx, payload: unknown): Promise<void> {
  const referralId = (payload as { referralId?: string } | null)?.referralId;
  if (!referralId) return;
  const referral = await referralWithRequest(tx, referralId);
  if (referral?.status !== 'sent' || !referral.request_id) return;
  const r = await requestById(tx, referral.request_id);
  if (!r) return;
  const now = platform.clock.now();
  await addEvent(tx, r.id, now, null, 'referral-unanswered', { sentAt: referral.created_at });
  await tellHub(platform, tx, r, referral.referred_by, {
    kind: 'front-door.referral-unanswered',
    subject: `No answer to the referral from request ${r.reference}`,
    body: `The referral made from request ${r.reference} on ${formatDateTime(referral.created_at)} has had no answer in ${RESPONSE_WORKING_DAYS} working days. Contact the service, or decide again what would help, so the person is not left waiting.`,
  });
}
