// Referrals by signed-in professionals and community champions (issue 4): one short form, then the
// same pipeline as every other request (submit.ts), with the referrer's account as the source and
// the person's agreement recorded. A referrer sees their own referrals' references and statuses, and
// nothing more: not the story, not the person's record, not anyone else's referrals.
import crypto from 'node:crypto';
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor, GRANTS, type Membership } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { InputError, NotFoundError } from '../../platform/http/problems.ts';
import type { ReferralForm, ReferrerKind } from './schemas.ts';
import { organisationName, referralBy, referralsBy, requestIdByFormToken } from './store.ts';
import { type Submission, submitRequest } from './submit.ts';

export const REFER = 'front-door:referral:create';
export const REFERRALS_SHOWN = 100;

type UserActor = Extract<Actor, { kind: 'user' }>;

function asReferrer(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw new NotFoundError();
  return actor;
}

/** The membership the referral is made under: a professional one when the user has one (a practitioner who is also a champion refers as a professional). */
function referringMembership(actor: UserActor): Membership {
  const granting = actor.memberships.filter((m) => GRANTS[m.role]?.includes(REFER));
  const found = granting.find((m) => m.role !== 'champion') ?? granting[0];
  if (!found) throw new NotFoundError();
  return found;
}

export function referrerKind(actor: Actor): ReferrerKind {
  return referringMembership(asReferrer(actor)).role === 'champion' ? 'champion' : 'professional';
}

/** A fresh one-time token for the form: the page carries it, and the request claims it. */
export function newFormToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/**
 * What makes a sending "the same again": the user, the page's token and what the page said. The same
 * page sent twice (a double click, a refresh) has one key. A page changed and sent again (back, edit,
 * send) has a new key and makes a new request, so an edited referral is never swallowed by the first.
 * Another user's token can neither block nor reveal anything.
 */
function formKey(userId: string, form: ReferralForm): string {
  const { formToken, ...said } = form;
  return crypto.createHash('sha256').update(JSON.stringify(['referral', userId, formToken, said])).digest('hex');
}

/** The request this very form already made, if it made one. */
async function requestOfForm(platform: Platform, user: UserActor, form: ReferralForm): Promise<string | undefined> {
  return requestIdByFormToken(platform.db.read, formKey(user.userId, form));
}

export function toReferralSubmission(form: ReferralForm, kind: ReferrerKind, referrer: { name: string; role: string; organisation: string | null }, userId: string): Submission {
  const methods = [...(form.phone ? (['phone'] as const) : []), ...(form.email ? (['email'] as const) : []), ...(form.contactByLetter ? (['letter'] as const) : [])];
  return {
    source: kind,
    channel: 'referral',
    person: {
      givenName: form.givenName,
      familyName: form.familyName,
      dateOfBirth: form.dateOfBirth,
      postcode: form.postcode,
      nhsNumber: form.nhsNumber ?? null,
      phone: form.phone ?? null,
      email: form.email ?? null,
      address: form.address ?? null,
      contactPreferences: { methods, safeTimes: null, mayLeaveMessage: null },
    },
    story: form.story,
    whatWouldHelp: form.whatWouldHelp ?? null,
    consentToShare: form.consent === 'yes',
    referrer: {
      ...referrer,
      ...(form.personAgreed === 'yes' ? {} : { personKnows: form.personAgreed === 'knows', reasonWithoutAgreement: form.reasonWithoutAgreement }),
    },
    referrerUserId: userId,
    personAgreed: form.personAgreed === 'yes',
  };
}

/**
 * Sends a referral. The request carries the form's key (formKey, unique among requests), so a second
 * click, a refresh of the POST or a retry gives back the first request instead of making another.
 * The submission's audit event names the referrer. Returns the request's id.
 */
export async function sendReferral(platform: Platform, actor: Actor, form: ReferralForm, address?: string): Promise<string> {
  const user = asReferrer(actor);
  const membership = referringMembership(user);
  const kind = referrerKind(user);
  // The form's schema says so too; the rule lives here so that no other caller can skip it.
  if (kind === 'champion' && form.personAgreed !== 'yes') throw new InputError([{ field: 'personAgreed', message: 'A champion can only refer someone who has agreed' }]);
  const earlier = await requestOfForm(platform, user, form);
  if (earlier) return earlier;
  const organisation = (await organisationName(platform.db.read, membership.organisationId)) ?? null;
  const submission = {
    ...toReferralSubmission(form, kind, { name: user.displayName, role: membership.role, organisation }, user.userId),
    formTokenHash: formKey(user.userId, form),
  };
  try {
    const submitted = await submitRequest(platform, submission, { userId: user.userId, role: membership.role, address: address ?? null });
    return submitted.id;
  } catch (error) {
    // The same form sent twice at once: the unique token let one through; show that one.
    const first = await requestOfForm(platform, user, form);
    if (first) return first;
    throw error;
  }
}

async function auditRead(platform: Platform, user: UserActor, action: string, entity: { type: string; id: string | null; personId?: string | null }, address?: string) {
  await platform.db.write((tx) =>
    recordAudit(tx, {
      at: platform.clock.now(),
      actorUserId: user.userId,
      actorRole: referringMembership(user).role,
      action,
      entityType: entity.type,
      entityId: entity.id,
      personId: entity.personId ?? null,
      purpose: 'referral follow-up',
      outcome: 'success',
      address: address ?? null,
    }),
  );
}

/** One of the user's own referrals, for its confirmation page; anyone else's is not found. The read is audited. */
export async function ownReferral(platform: Platform, actor: Actor, requestId: string, address?: string) {
  const user = asReferrer(actor);
  const r = await referralBy(platform.db.read, user.userId, requestId);
  if (!r) throw new NotFoundError();
  await auditRead(platform, user, 'front-door.referral.view', { type: 'request', id: r.id, personId: r.person_id }, address);
  return r;
}

/** The user's own referrals, newest first: reference, date and status. Each view of the list is audited. */
export async function ownReferrals(platform: Platform, actor: Actor, address?: string) {
  const user = asReferrer(actor);
  const rows = await referralsBy(platform.db.read, user.userId, REFERRALS_SHOWN);
  await auditRead(platform, user, 'front-door.referral.list', { type: 'referral-list', id: null }, address);
  return rows;
}
