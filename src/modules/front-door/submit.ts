// Submitting a request for help: everything in one unit of work (issue 4, item 2).
// The person is found or created (never merged silently), the story is screened for risk, the
// request gets a reference with a check character, an urgency and a contact target, timers at 75% of
// the target and at the target, an acknowledgement through the outbox, and an audit event.
// Either all of it is committed, or none of it (hazard H1: a request is lost).
import type { Kysely } from 'kysely';
import { formatDateTime } from '../../platform/views/format.ts';
import { recordAudit } from '../../platform/access/audit.ts';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import type { DB, RequestsTable } from '../../platform/db/tables.ts';
import { newId, parseJson, toJson } from '../../platform/db/ids.ts';
import { scheduleNewTimer } from '../../platform/jobs/timers.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import type { OpeningHours } from '../../platform/time/calendar.ts';
import { findOrCreatePerson, type NewPerson } from '../people/index.ts';
import { newReference } from './reference.ts';
import { screenability } from './language-check.ts';
import { detectRisk } from './risk-phrases.ts';
import type { ApiAccepted } from './schemas.ts';
import { addEvent, frontDoorTeam, insertRequest, saveIdempotentResponse, userEmail } from './store.ts';
import { contactTarget, type Urgency, urgencyFor, warningAt } from './targets.ts';

export const TIMER_WARNING = 'front-door:warning';
export const TIMER_BREACH = 'front-door:breach';

export interface Submission {
  source: 'self' | 'family-or-friend' | 'professional' | 'champion';
  channel: 'web' | 'api' | 'referral';
  person: NewPerson;
  story: string;
  whatWouldHelp?: string | null;
  consentToShare: boolean;
  /** Someone asking on the person's behalf (family, a professional, a champion). */
  referrer?: {
    name: string;
    role?: string | null;
    organisation?: string | null;
    phone?: string | null;
    email?: string | null;
    /** A professional's referral without the person's agreement: whether the person knows of it, and if not, why. */
    personKnows?: boolean | null;
    reasonWithoutAgreement?: string | null;
  } | null;
  /** A signed-in professional or champion making the referral. */
  referrerUserId?: string | null;
  /** Champions and professionals record that the person agreed to the referral. */
  personAgreed?: boolean;
  /** The referral form's key (its one-time token and content, hashed): unique among requests, so one form makes one request. */
  formTokenHash?: string | null;
}

export interface Submitted {
  id: string;
  reference: string;
  status: 'received';
  urgency: Urgency;
  riskLevel: 'high' | 'medium' | 'none';
  contactBy: string;
  personId: string;
}

export interface Actor {
  userId: string | null;
  role: string | null;
  address?: string | null;
}

export interface SubmitOptions {
  /** An API Idempotency-Key: the answer is saved with the request, in the same unit of work. */
  idempotency?: { key: string; requestHash: string };
  /** Runs inside the same unit after the request is written; throwing undoes everything (e.g. a draft already submitted). */
  within?: (tx: Tx, submitted: Submitted) => Promise<void>;
}

/** The answer the API gives, and gives again for a repeated Idempotency-Key (its shape is in schemas.ts, and so in the OpenAPI description). */
export function apiAnswer(s: Submitted): ApiAccepted {
  return { reference: s.reference, status: s.status, urgency: s.urgency, contactBy: s.contactBy };
}

/** The team that runs the front door (the first made), and its opening hours, which routine contact targets count in. */
export async function frontDoorTeamAndHours(db: Kysely<DB>) {
  const team = await frontDoorTeam(db);
  return { team, hours: team ? parseJson<OpeningHours>(team.opening_hours) : null };
}

/** What a new request is given; the rest is as every request starts (received, nobody's, not contacted, open). */
export type NewRequest = Pick<
  RequestsTable,
  | 'id'
  | 'reference'
  | 'person_id'
  | 'team_id'
  | 'source'
  | 'channel'
  | 'referrer_user_id'
  | 'referrer'
  | 'person_agreed'
  | 'form_token_hash'
  | 'story'
  | 'what_would_help'
  | 'consent_to_share'
  | 'urgency'
  | 'risk_level'
  | 'risk_flags'
  | 'contact_target_at'
> &
  Partial<Pick<RequestsTable, 'words_unscreened'>>;

/** Writes a new request, received at `at`. */
export async function insertNewRequest(tx: Kysely<DB>, request: NewRequest, at: Date): Promise<void> {
  await insertRequest(tx, {
    ...request,
    words_unscreened: request.words_unscreened ?? 0,
    need_group: null,
    status: 'received',
    owner_user_id: null,
    first_contact_at: null,
    failed_attempts: 0,
    escalated_at: null,
    decision: null,
    decision_detail: null,
    outcome: null,
    closed_at: null,
    created_at: at.toISOString(),
    updated_at: at.toISOString(),
  });
}

/**
 * The warning at 75% of the way from `from` to the contact target, and the escalation at the target
 * (escalation.ts). Keyed by the request; a target moved later (`movedBy`) gets timers of its own, as a
 * timer's key is never reused.
 */
export async function scheduleContactTimers(tx: Kysely<DB>, requestId: string, from: Date, target: Date, movedBy?: string): Promise<void> {
  const key = movedBy ? `${requestId}:${movedBy}` : requestId;
  await scheduleNewTimer(tx, { kind: TIMER_WARNING, dueAt: warningAt(from, target), payload: { requestId }, dedupeKey: `${TIMER_WARNING}:${key}` });
  await scheduleNewTimer(tx, { kind: TIMER_BREACH, dueAt: target, payload: { requestId }, dedupeKey: `${TIMER_BREACH}:${key}` });
}

export async function submitRequest(platform: Platform, submission: Submission, actor: Actor, options: SubmitOptions = {}): Promise<Submitted> {
  const { db, clock, config } = platform;
  // Reads that do not need the transaction happen before it, so the unit holds only writes.
  const { team, hours } = await frontDoorTeamAndHours(db.read);
  const words = [submission.story, submission.whatWouldHelp ?? ''].join('\n');
  const risk = detectRisk(words);
  // Words the English phrases cannot read are not screened: a person reads them soon (urgent at least).
  const unscreened = !screenability(words).screenable;

  for (let attempt = 0; ; attempt++) {
    try {
      return await db.write(async (tx) => {
        const now = clock.now();
        const urgency = unscreened && risk.level === 'none' ? 'urgent' : urgencyFor(risk.level);
        const target = contactTarget(urgency, now, hours, config.frontDoor);
        const person = await findOrCreatePerson(tx, now, submission.person);
        const id = newId();
        const reference = newReference();
        await insertNewRequest(
          tx,
          {
            id,
            reference,
            person_id: person.personId,
            team_id: team?.id ?? null,
            source: submission.source,
            channel: submission.channel,
            referrer_user_id: submission.referrerUserId ?? null,
            referrer: submission.referrer ? toJson(submission.referrer) : null,
            person_agreed: submission.personAgreed ? 1 : 0,
            form_token_hash: submission.formTokenHash ?? null,
            story: submission.story,
            what_would_help: submission.whatWouldHelp ?? null,
            consent_to_share: submission.consentToShare ? 1 : 0,
            urgency,
            risk_level: risk.level,
            // The categories and where they were found, not the words: the words are in the story.
            risk_flags: risk.flags.length ? toJson(risk.flags.map((f) => ({ category: f.category, start: f.start, end: f.end }))) : null,
            words_unscreened: unscreened ? 1 : 0,
            contact_target_at: target.toISOString(),
          },
          now,
        );
        await addEvent(tx, id, now, actor.userId, 'submitted', {
          source: submission.source,
          channel: submission.channel,
          urgency,
          riskLevel: risk.level,
          ...(unscreened ? { wordsUnscreened: true } : {}),
          personMatch: person.match,
          possibleDuplicates: person.possibleDuplicates.length,
        });
        await scheduleContactTimers(tx, id, now, target);
        await acknowledge(platform, tx, submission, reference, target, person.personId);
        await recordAudit(tx, {
          at: now,
          actorUserId: actor.userId,
          actorRole: actor.role,
          action: 'front-door.request.submit',
          entityType: 'request',
          entityId: id,
          personId: person.personId,
          purpose: 'direct care',
          outcome: 'success',
          address: actor.address ?? null,
        });
        const submitted: Submitted = { id, reference, status: 'received', urgency, riskLevel: risk.level, contactBy: target.toISOString(), personId: person.personId };
        await options.within?.(tx, submitted);
        if (options.idempotency) {
          await saveIdempotentResponse(tx, { ...options.idempotency, statusCode: 201, response: apiAnswer(submitted), at: now });
        }
        return submitted;
      });
    } catch (error) {
      // A reference that happens to exist already (one in hundreds of billions): try a new one.
      if (attempt < 2 && /requests?\.reference|requests_reference/i.test(String((error as Error).message))) continue;
      throw error;
    }
  }
}


/** Tell the person (or whoever asked for them) that the request arrived, its reference, and when to expect contact. */
async function acknowledge(platform: Platform, tx: Tx, s: Submission, reference: string, target: Date, personId: string): Promise<void> {
  const { config, clock } = platform;
  const onBehalf = s.source !== 'self' && s.referrer;
  const phone = onBehalf ? s.referrer?.phone : s.person.phone;
  let email = onBehalf ? s.referrer?.email : s.person.email;
  // A signed-in referrer gave no contact details on the form: their account's email is the record.
  if (onBehalf && !phone && !email && s.referrerUserId) {
    const account = await userEmail(tx, s.referrerUserId);
    if (account && !account.disabled_at) email = account.email;
  }
  const body =
    `${config.serviceName}: we have your request for help, reference ${reference}. ` +
    `We will contact ${onBehalf ? 'you or them' : 'you'} by ${formatDateTime(target)}. ` +
    `If you need help now, call ${config.crisis.emergency} if life is at risk, or NHS ${config.crisis.nhs111} and choose the mental health option. ` +
    `Samaritans: ${config.crisis.samaritans}, free, any time.`;
  // Filed under the person when it goes to them (their subject access export lists it), not when it goes to whoever asked for them.
  const to = onBehalf ? null : personId;
  if (phone) {
    await enqueueMessage(tx, clock, { channel: 'sms', to: phone, kind: 'front-door.acknowledgement', personalisation: { body }, personId: to });
  } else if (email) {
    await enqueueMessage(tx, clock, { channel: 'email', to: email, kind: 'front-door.acknowledgement', personalisation: { subject: `Your request for help: ${reference}`, body }, personId: to });
  }
}
