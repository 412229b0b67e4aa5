// The person's network (issue 5, item 2): the people they choose, and what each may see.
//
// Privacy labels, in the Patients Know Best style: every piece of content another module shows to
// network members carries ONE label; a member sees an item only if its label is among theirs.
// - 'general': things anyone the person chooses may see (meeting times, their own words they share);
// - 'mental-health': the care plan, meeting notes and other clinical content;
// - 'social-care': housing, benefits, practical support;
// - 'safety-plan': the safety plan only ("safety plan only" when it is a member's one label).
//
// The contract for other modules (exported from the people module's index.ts):
// - `networkAccess(db, { userId, personId })`: the signed-in member's current membership of that
//   person's network, or null. Current means: status active (they have an account), consent recorded,
//   not removed. The person id may be any of the person's records (merges are followed as the record
//   does); the answer names the record shown (the root of the merge).
// - `registerNetworkView(platform, { name, label, title, href, shows? })`: a module's page for members.
//   The network member's page (/shared-with-me/:personId) lists only the views whose label the member
//   has (and, when the view says `shows`, that have something for the person).
//   The module owns the page at `href(personId)` and checks `networkAccess` itself (404 when null or
//   when the label is not in `labels`), and audits the view with the person's id (see auditNetworkView).
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor, authorize } from '../../platform/access/policy.ts';
import { createUser, normaliseEmail } from '../../platform/auth/accounts.ts';
import { normaliseMobile } from '../../platform/auth/one-time-code.ts';
import type { Platform } from '../../platform/context.ts';
import { parseJson } from '../../platform/db/ids.ts';
import type { DB } from '../../platform/db/tables.ts';
import { asArray, email, freeText, optional, personName, ukPhone } from '../../platform/http/fields.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { accessTo, auditDenied, auditPeople, ME_READ, PURPOSE_OWN, READ, recordIdsOf, rootOf, WRITE } from './access.ts';
import {
  accountByEmail,
  addNetworkMemberRole,
  currentMembershipsOf,
  insertInvite,
  insertLabelChange,
  insertMember,
  inviteByTokenHash,
  inviterOrganisation,
  labelHistory,
  latestInvites,
  markInvited,
  markJoined,
  markNotInvited,
  markRemoved,
  type MemberRow,
  memberOf,
  membersOf,
  membershipsOfUser,
  networkEvents,
  mobileInUse,
  revokeInvites,
  updateDetails,
  updateLabels,
  useInvite,
} from './network-store.ts';
import { paths } from './paths.ts';
import type { TimelineEntry, UserActor } from './sources.ts';
import { personById } from './store.ts';

export const PRIVACY_LABELS = ['general', 'mental-health', 'social-care', 'safety-plan'] as const;
export type PrivacyLabel = (typeof PRIVACY_LABELS)[number];

/** In words, for pages: a member's labels and a view's label. */
export const PRIVACY_LABEL_NAMES: Record<PrivacyLabel, string> = {
  general: 'General',
  'mental-health': 'Mental health',
  'social-care': 'Social care',
  'safety-plan': 'Safety plan only',
};

export const RELATIONSHIPS = ['family', 'friend', 'carer', 'gp', 'care-coordinator', 'peer-worker', 'clinician', 'champion', 'other'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];
export const RELATIONSHIP_NAMES: Record<Relationship, string> = {
  family: 'Family',
  friend: 'Friend',
  carer: 'Carer',
  gp: 'GP',
  'care-coordinator': 'Care coordinator',
  'peer-worker': 'Peer worker',
  clinician: 'Clinician',
  champion: 'Community champion',
  other: 'Other',
};

export const CONSENT_METHODS = ['in-person', 'phone', 'in-writing', 'online'] as const;
export type ConsentMethod = (typeof CONSENT_METHODS)[number];
export const CONSENT_METHOD_NAMES: Record<ConsentMethod, string> = {
  'in-person': 'In person',
  phone: 'By phone',
  'in-writing': 'In writing',
  online: 'Online',
};

export function isPrivacyLabel(value: unknown): value is PrivacyLabel {
  return typeof value === 'string' && (PRIVACY_LABELS as readonly string[]).includes(value);
}

/** A member's labels as stored (a JSON array), in the order of PRIVACY_LABELS; unknown values are dropped. */
export function parseLabels(json: string | null | undefined): PrivacyLabel[] {
  const raw = parseJson<unknown[]>(json) ?? [];
  return PRIVACY_LABELS.filter((l) => raw.includes(l));
}

export interface NetworkAccess {
  /** The membership (network_members.id). */
  memberId: string;
  /** The person's record shown (the root of any merge). */
  personId: string;
  /** The labels the member may see. */
  labels: ReadonlySet<PrivacyLabel>;
}

/**
 * The signed-in network member's current membership of the person's network: active (they made their
 * account), consent recorded, not removed. Null for anyone else, a removed member, a person that does
 * not exist, and a member of another person's network. Merges are followed as the record does: a
 * member of a record merged into this one is a member of this one (labels of both memberships).
 */
export async function networkAccess(db: Kysely<DB>, who: { userId: string; personId: string }): Promise<NetworkAccess | null> {
  const rootId = await rootOf(db, who.personId);
  if (!rootId) return null;
  const recordIds = await recordIdsOf(db, rootId);
  const rows = await currentMembershipsOf(db, who.userId, recordIds);
  if (rows.length === 0) return null;
  // The membership of the record shown first, then those of merged records.
  const own = rows.find((r) => r.person_id === rootId) ?? rows[0]!;
  const labels = new Set<PrivacyLabel>(rows.flatMap((r) => parseLabels(r.labels)));
  return { memberId: own.id, personId: rootId, labels };
}

/** Whether the member may see content with this label. */
export function mayView(access: NetworkAccess | null, label: PrivacyLabel): access is NetworkAccess {
  return access?.labels.has(label) === true;
}

/** The purpose recorded in the audit trail when a network member views something of the person. */
export const PURPOSE_NETWORK = 'network member, shared by the person';

/**
 * One audit event for a network member's view of something of the person, with the person's id, so it
 * shows in the person's access log. Modules that own member-facing pages call it in their unit of work.
 */
export async function auditNetworkView(
  tx: Kysely<DB>,
  now: Date,
  access: NetworkAccess,
  who: { userId: string },
  action: string,
  entity: { type: string; id: string | null } | null = null,
  address?: string | null,
): Promise<void> {
  await recordAudit(tx, {
    at: now,
    actorUserId: who.userId,
    actorRole: 'network-member',
    actorTeamId: null,
    action,
    entityType: entity?.type ?? 'network-member',
    entityId: entity ? entity.id : access.memberId,
    personId: access.personId,
    purpose: PURPOSE_NETWORK,
    outcome: 'success',
    address: address ?? null,
  });
}

export interface NetworkView {
  /** Unique per view: 'care-plan', 'meeting-notes', 'safety-plan'. Registering the same name again replaces it. */
  name: string;
  /** The privacy label of the content: a member sees the view only if it is among their labels. */
  label: PrivacyLabel;
  /** The link text on the member's page: "Care plan". */
  title: string;
  /** The module's member-facing page for this person. */
  href: (personId: string) => string;
  /**
   * Optional: whether the module has anything of this label for the person (`personIds`: their record and
   * those merged into it), so a view with nothing in it is not listed either. Absent: always listed.
   */
  shows?: (db: Kysely<DB>, person: { personId: string; personIds: readonly string[] }) => Promise<boolean>;
}

// One list per running app (keyed by its platform), so tests that build several apps stay apart.
const views = new WeakMap<Platform, NetworkView[]>();

/** Registers a module's page for network members (when the module is registered). */
export function registerNetworkView(platform: Platform, view: NetworkView): void {
  if (!isPrivacyLabel(view.label)) throw new Error(`Unknown privacy label: ${String(view.label)}`);
  const list = (views.get(platform) ?? []).filter((v) => v.name !== view.name);
  list.push(view);
  views.set(platform, list);
}

/** Every registered view, in the order registered. */
export function networkViews(platform: Platform): readonly NetworkView[] {
  return views.get(platform) ?? [];
}

/** The views a member with these labels may open: the others are not even listed. */
export function viewsFor(platform: Platform, labels: ReadonlySet<PrivacyLabel>): NetworkView[] {
  return networkViews(platform).filter((v) => labels.has(v.label));
}

// ---- managing the network: the person from their portal, practitioners on the record ----------

/** The person manages their own network from the portal with this permission (the `person` role holds it). */
export const ME_WRITE = 'me:record:write';
/** Network members see what is shared with them with this permission (the `network-member` role holds it). */
export const ME_NETWORK = 'me:network:read';
/** How long an invitation link works. */
export const INVITE_DAYS = 14;

const sha256 = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');

/** Who manages the network here, and whose it is: the person themself, or a practitioner whose team may see the person. */
interface Manager {
  who: { user: UserActor; role: string; teamId: string | null; purpose: string };
  by: 'person' | 'practitioner';
  rootId: string;
  recordIds: string[];
}

/**
 * The manager of a person's network. `personId` null: the signed-in person's own (from their account,
 * never the address). Otherwise a practitioner's access to that person (involvement or break glass).
 * Not found for anyone else; a practitioner's refused look at an existing record is audited as denied.
 */
async function managerFor(platform: Platform, actor: Actor, personId: string | null, write: boolean, action: string, address: string | null): Promise<Manager> {
  const db = platform.db.read;
  if (actor.kind !== 'user') throw new NotFoundError();
  if (personId === null) {
    if (!actor.personId || !authorize(actor, write ? ME_WRITE : ME_READ)) throw new NotFoundError();
    const rootId = await rootOf(db, actor.personId);
    if (!rootId) throw new NotFoundError();
    return { who: { user: actor, role: 'person', teamId: null, purpose: PURPOSE_OWN }, by: 'person', rootId, recordIds: await recordIdsOf(db, rootId) };
  }
  const access = await accessTo(platform, db, actor, personId, write ? WRITE : READ);
  if (!access) {
    await auditDenied(platform, actor, personId, action, address);
    throw new NotFoundError();
  }
  return { who: access, by: 'practitioner', rootId: access.rootId, recordIds: access.recordIds };
}

const audit = (tx: Kysely<DB>, now: Date, m: Manager, action: string, entity: { type: string; id: string } | null, address: string | null) =>
  auditPeople(tx, now, m.who, action, [m.rootId], entity, address);

export interface DescribedMember extends MemberRow {
  labelList: PrivacyLabel[];
  labelNames: string[];
  relationshipText: string;
  consentText: string;
  statusText: string;
  invite: { created_at: string; expires_at: string; used_at: string | null; revoked_at: string | null; live: boolean } | null;
}

function describeMember(m: MemberRow, invite: { created_at: string; expires_at: string; used_at: string | null; revoked_at: string | null } | undefined, now: Date): DescribedMember {
  const labelList = parseLabels(m.labels);
  const relationship = RELATIONSHIP_NAMES[m.relationship as Relationship] ?? m.relationship;
  const live = invite !== undefined && !invite.used_at && !invite.revoked_at && new Date(invite.expires_at).getTime() > now.getTime();
  const statusText =
    m.status === 'removed'
      ? 'Removed'
      : m.status === 'active'
        ? 'Has an account'
        : m.status === 'invited'
          ? live
            ? 'Invited, not joined yet'
            : 'Invitation expired'
          : 'Not invited';
  return {
    ...m,
    labelList,
    labelNames: labelList.map((l) => PRIVACY_LABEL_NAMES[l]),
    relationshipText: m.relationship_detail ? `${relationship} (${m.relationship_detail})` : relationship,
    consentText: `${m.consent_given_by === 'person' ? 'Given by the person' : 'Recorded by a practitioner for the person'}, ${CONSENT_METHOD_NAMES[m.consent_method as ConsentMethod]?.toLowerCase() ?? m.consent_method}`,
    statusText,
    invite: invite ? { ...invite, live } : null,
  };
}

/** The network of the person: current members, then removed ones, with their labels, consent, invitations and label history. Audited as a view. */
export async function viewNetwork(platform: Platform, actor: Actor, personId: string | null, address: string | null) {
  const m = await managerFor(platform, actor, personId, false, 'people.network.view', address);
  const db = platform.db.read;
  const [person, members] = await Promise.all([personById(db, m.rootId), membersOf(db, m.recordIds)]);
  if (!person) throw new NotFoundError();
  const ids = members.map((x) => x.id);
  const [invites, history] = await Promise.all([latestInvites(db, ids), labelHistory(db, ids)]);
  const now = platform.clock.now();
  await platform.db.write((tx) => audit(tx, now, m, 'people.network.view', null, address));
  const described = members.map((x) => describeMember(x, invites.get(x.id), now));
  return {
    person: { id: person.id, given_name: person.given_name, family_name: person.family_name },
    by: m.by,
    members: described.filter((x) => x.status !== 'removed'),
    removed: described.filter((x) => x.status === 'removed'),
    history: history.map((h) => ({ ...h, memberName: members.find((x) => x.id === h.member_id)?.name ?? '', before: parseLabels(h.labels_before).map((l) => PRIVACY_LABEL_NAMES[l]), after: parseLabels(h.labels_after).map((l) => PRIVACY_LABEL_NAMES[l]) })),
  };
}

/** One member of the person's network, with their label history, for the "change what they see" page. Audited as a view. */
export async function viewMember(platform: Platform, actor: Actor, personId: string | null, memberId: string, address: string | null) {
  const m = await managerFor(platform, actor, personId, true, 'people.network.member.view', address);
  const db = platform.db.read;
  const member = await memberOf(db, m.recordIds, memberId);
  if (!member) throw new NotFoundError();
  const person = await personById(db, m.rootId);
  if (!person) throw new NotFoundError();
  const [invites, history] = await Promise.all([latestInvites(db, [member.id]), labelHistory(db, [member.id])]);
  const now = platform.clock.now();
  await platform.db.write((tx) => audit(tx, now, m, 'people.network.member.view', { type: 'network-member', id: member.id }, address));
  return {
    person: { id: person.id, given_name: person.given_name, family_name: person.family_name },
    by: m.by,
    member: describeMember(member, invites.get(member.id), now),
    history: history.map((h) => ({ ...h, before: parseLabels(h.labels_before).map((l) => PRIVACY_LABEL_NAMES[l]), after: parseLabels(h.labels_after).map((l) => PRIVACY_LABEL_NAMES[l]) })),
  };
}

/** The person's name, for the add form's heading (a practitioner's form is audited as a view of the record). */
export async function networkFormFor(platform: Platform, actor: Actor, personId: string | null, address: string | null) {
  const m = await managerFor(platform, actor, personId, true, 'people.network.add-form', address);
  const person = await personById(platform.db.read, m.rootId);
  if (!person) throw new NotFoundError();
  if (m.by === 'practitioner') await platform.db.write((tx) => audit(tx, platform.clock.now(), m, 'people.network.add-form', null, address));
  return { person: { id: person.id, given_name: person.given_name, family_name: person.family_name }, by: m.by };
}

/** What the add form gives: who they are, what they may see, and how the person consented (a practitioner says how it was given). */
export interface MemberInput {
  name: string;
  relationship: Relationship;
  relationshipDetail?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  labels: PrivacyLabel[];
  /** Practitioners: how the person gave consent. The person consents online (ticking the box). */
  consentMethod?: ConsentMethod | undefined;
  /** Send an invitation now. */
  invite?: boolean | undefined;
}

const consentOf = (m: Manager, method: ConsentMethod | undefined): { givenBy: 'person' | 'practitioner'; method: ConsentMethod } => {
  if (m.by === 'person') return { givenBy: 'person', method: 'online' };
  if (!method) throw new InputError([{ field: 'consentMethod', message: 'Select how the person gave their consent' }]);
  return { givenBy: 'practitioner', method };
};

/** Adds a member with the consent recorded, and invites them when asked (they need an email address). Audited. */
export async function addMember(platform: Platform, actor: Actor, personId: string | null, input: MemberInput, address: string | null): Promise<{ rootId: string; memberId: string }> {
  const m = await managerFor(platform, actor, personId, true, 'people.network.add', address);
  const consent = consentOf(m, input.consentMethod);
  if (input.invite && !input.email) throw new InputError([{ field: 'email', message: 'Enter their email address to send them an invitation' }]);
  const person = await personById(platform.db.read, m.rootId);
  if (!person) throw new NotFoundError();
  const email = input.email ? normaliseEmail(input.email) : null;
  const memberId = await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const id = await insertMember(tx, now, {
      personId: m.rootId,
      relationship: input.relationship,
      relationshipDetail: input.relationshipDetail ?? null,
      name: input.name,
      email,
      phone: input.phone ?? null,
      labels: input.labels,
      consentRecordedBy: m.who.user.userId,
      consentGivenBy: consent.givenBy,
      consentMethod: consent.method,
      addedBy: m.who.user.userId,
      addedByRole: m.who.role,
    });
    await audit(tx, now, m, 'people.network.add', { type: 'network-member', id }, address);
    if (input.invite && email) await sendInvite(platform, tx, now, m, { id, email, person }, address);
    return id;
  });
  return { rootId: m.rootId, memberId };
}

/** Makes a new link (ending any earlier one), emails it through the outbox, marks the member invited, audits it. In the caller's unit of work. */
async function sendInvite(platform: Platform, tx: Kysely<DB>, now: Date, m: Manager, member: { id: string; email: string; person: { given_name: string } }, address: string | null): Promise<void> {
  const { config, clock } = platform;
  const token = crypto.randomBytes(32).toString('base64url');
  await revokeInvites(tx, now, member.id);
  const expires = new Date(now.getTime() + INVITE_DAYS * 24 * 3_600_000);
  const inviteId = await insertInvite(tx, { memberId: member.id, personId: m.rootId, tokenHash: sha256(token), email: member.email, createdBy: m.who.user.userId, createdAt: now, expiresAt: expires });
  await markInvited(tx, now, member.id);
  // Only the first name of the person: the email may be read by others. The message goes to the
  // member, not the person, so it carries no person id: its link is the member's secret, and the
  // person's own export lists the invitation (network_invites) instead.
  const body =
    `${member.person.given_name} has chosen to share some of their information with you through ${config.serviceName}. ` +
    `To see it, make your account here: ${config.publicUrl}${paths.networkInvite(token)} . ` +
    `The link works once, for ${INVITE_DAYS} days. After that you sign in with a code we send to this email address. If you were not expecting this, you can ignore this message.`;
  await enqueueMessage(tx, clock, { channel: 'email', to: member.email, kind: 'people.network-invite', personalisation: { subject: `${member.person.given_name} has shared information with you`, body } });
  await audit(tx, now, m, 'people.network.invite', { type: 'network-invite', id: inviteId }, address);
}

/** Invites a member (again): a new link, the old one ends. Not for removed members or those with an account. */
export async function inviteMember(platform: Platform, actor: Actor, personId: string | null, memberId: string, address: string | null): Promise<{ rootId: string }> {
  const m = await managerFor(platform, actor, personId, true, 'people.network.invite', address);
  const db = platform.db.read;
  const member = await memberOf(db, m.recordIds, memberId);
  if (!member) throw new NotFoundError();
  const person = await personById(db, m.rootId);
  if (!person) throw new NotFoundError();
  if (member.status === 'removed') throw new ConflictError('They were removed from the network: add them again to share with them.');
  if (member.status === 'active') throw new ConflictError('They already have an account.');
  if (!member.email) throw new InputError([{ field: 'invite', message: 'Add their email address before inviting them: change their details' }]);
  await platform.db.write((tx) => sendInvite(platform, tx, platform.clock.now(), m, { id: member.id, email: member.email!, person }, address));
  return { rootId: m.rootId };
}

/** Changes what a member may see, with the consent for it, kept as history. A form opened before another change saves nothing (ConflictError). */
export async function changeLabels(
  platform: Platform,
  actor: Actor,
  personId: string | null,
  memberId: string,
  input: { labels: PrivacyLabel[]; version: number; consentMethod?: ConsentMethod | undefined },
  address: string | null,
): Promise<{ rootId: string }> {
  const m = await managerFor(platform, actor, personId, true, 'people.network.labels', address);
  const member = await memberOf(platform.db.read, m.recordIds, memberId);
  if (!member) throw new NotFoundError();
  if (member.status === 'removed') throw new ConflictError('They were removed from the network: nothing is shared with them.');
  const consent = consentOf(m, input.consentMethod);
  const before = parseLabels(member.labels);
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const done = await updateLabels(tx, now, member.id, input.version, { labels: input.labels, recordedBy: m.who.user.userId, givenBy: consent.givenBy, method: consent.method });
    if (!done) throw new ConflictError('What they see was changed since you opened this page.', { current: before });
    await insertLabelChange(tx, now, { memberId: member.id, personId: member.person_id, before, after: input.labels, by: m.who.user.userId, byRole: m.who.role, givenBy: consent.givenBy, method: consent.method });
    await audit(tx, now, m, 'people.network.labels', { type: 'network-member', id: member.id }, address);
  });
  return { rootId: m.rootId };
}

/**
 * Changes a member's name, relationship and contact details (a form opened before another change saves
 * nothing: ConflictError). A new email address ends any link sent to the old one (the member is back to
 * not invited); an account they already made is theirs and does not change. Audited.
 */
export async function changeDetails(
  platform: Platform,
  actor: Actor,
  personId: string | null,
  memberId: string,
  input: { version: number; name: string; relationship: Relationship; relationshipDetail?: string | undefined; email?: string | undefined; phone?: string | undefined },
  address: string | null,
): Promise<{ rootId: string }> {
  const m = await managerFor(platform, actor, personId, true, 'people.network.details', address);
  const member = await memberOf(platform.db.read, m.recordIds, memberId);
  if (!member) throw new NotFoundError();
  if (member.status === 'removed') throw new ConflictError('They were removed from the network: add them again to share with them.');
  const email = input.email ? normaliseEmail(input.email) : null;
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const done = await updateDetails(tx, member.id, input.version, { name: input.name, relationship: input.relationship, relationshipDetail: input.relationshipDetail ?? null, email, phone: input.phone ?? null });
    if (!done) throw new ConflictError('Their details were changed since you opened this page.');
    if (email !== member.email) {
      await revokeInvites(tx, now, member.id);
      await markNotInvited(tx, member.id);
    }
    await audit(tx, now, m, 'people.network.details', { type: 'network-member', id: member.id }, address);
  });
  return { rootId: m.rootId };
}

/** Removes a member: their access ends at once, their links stop working. The row stays, with who removed them and why. Audited. */
export async function removeMember(platform: Platform, actor: Actor, personId: string | null, memberId: string, input: { reason?: string | undefined }, address: string | null): Promise<{ rootId: string }> {
  const m = await managerFor(platform, actor, personId, true, 'people.network.remove', address);
  const member = await memberOf(platform.db.read, m.recordIds, memberId);
  if (!member) throw new NotFoundError();
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    if (!(await markRemoved(tx, now, member.id, m.who.user.userId, input.reason || null))) return;
    await audit(tx, now, m, 'people.network.remove', { type: 'network-member', id: member.id }, address);
  });
  return { rootId: m.rootId };
}

// ---- invitation links: the member makes their account -------------------------------------------

/** A link that works: not used, not ended, not expired, and the member not removed. Null otherwise (one answer for all of these). */
export async function openInvite(platform: Platform, token: string) {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const invite = await inviteByTokenHash(platform.db.read, sha256(token));
  if (!invite) return null;
  const now = platform.clock.now();
  if (invite.used_at || invite.revoked_at || new Date(invite.expires_at).getTime() <= now.getTime()) return null;
  if (invite.member_status !== 'added' && invite.member_status !== 'invited') return null;
  const person = await personById(platform.db.read, invite.person_id);
  if (!person) return null;
  return { ...invite, personGivenName: person.given_name };
}

/** The link is no longer good (raised inside the unit of work so nothing of it is kept). */
export class DeadInviteError extends Error {
  constructor() {
    super('This invitation link no longer works.');
    this.name = 'DeadInviteError';
  }
}

/**
 * Uses a link: makes the member's `network-member` account (no password: they sign in with a code sent
 * to the email address the link went to), or adds the role to an account of theirs that signs in with
 * a code (a member of another network, or a person with their own record). A staff account's address is
 * refused. The account joins the organisation of whoever sent the invitation. The link is spent, the
 * member becomes active, the person's access log shows it. DeadInviteError when the link is not good.
 */
export async function acceptInvite(platform: Platform, token: string, input: { displayName: string; mobile?: string | undefined }, address: string | null): Promise<{ userId: string; email: string }> {
  const invite = await openInvite(platform, token);
  if (!invite) throw new DeadInviteError();
  const db = platform.db.read;
  const existing = await accountByEmail(db, invite.email);
  if (existing && (existing.disabled_at || !existing.roles.every((r) => r === 'person' || r === 'network-member'))) {
    throw new InputError([{ field: 'displayName', message: 'This email address belongs to another kind of account. Ask the person who invited you to use another email address' }]);
  }
  const rootId = (await rootOf(db, invite.person_id)) ?? invite.person_id;
  if (existing?.person_id && (await rootOf(db, existing.person_id)) === rootId) {
    throw new InputError([{ field: 'displayName', message: 'This is the email address of the person who shares: ask them to invite you with your own email address' }]);
  }
  const mobile = input.mobile ? normaliseMobile(input.mobile) : null;
  if (input.mobile && !mobile) throw new InputError([{ field: 'mobile', message: 'Enter a UK mobile number, like 07700 900 982, or leave it blank' }]);
  if (!existing && mobile && (await mobileInUse(db, mobile))) throw new InputError([{ field: 'mobile', message: 'Another account uses this mobile number. Leave it blank to get codes by email' }]);
  const organisationId = await inviterOrganisation(db, invite.id);
  if (!organisationId) throw new DeadInviteError();
  return platform.db.write(async (tx) => {
    const now = platform.clock.now();
    let userId: string;
    if (existing) {
      userId = existing.id;
      if (!existing.roles.includes('network-member')) await addNetworkMemberRole(tx, now, userId, organisationId);
    } else {
      userId = await createUser(tx, now, { email: invite.email, mobile, displayName: input.displayName, passwordHash: null, memberships: [{ organisationId, role: 'network-member' }] });
    }
    if (!(await useInvite(tx, invite.id, now, userId))) throw new DeadInviteError();
    if (!(await markJoined(tx, now, invite.member_id, userId))) throw new DeadInviteError();
    await recordAudit(tx, {
      at: now,
      actorUserId: userId,
      actorRole: 'network-member',
      action: 'people.network.join',
      entityType: 'network-member',
      entityId: invite.member_id,
      personId: rootId,
      purpose: PURPOSE_NETWORK,
      outcome: 'success',
      address,
    });
    return { userId, email: invite.email };
  });
}

// ---- the network member's side ------------------------------------------------------------------

function memberActor(actor: Actor): UserActor {
  if (actor.kind !== 'user' || !authorize(actor, ME_NETWORK)) throw new NotFoundError();
  return actor;
}

/** The people who share with the signed-in member (their current memberships, merges followed), each view audited with the person's id. */
export async function sharedWithMe(platform: Platform, actor: Actor, address: string | null) {
  const user = memberActor(actor);
  const db = platform.db.read;
  const rows = await membershipsOfUser(db, user.userId);
  const byRoot = new Map<string, { labels: Set<PrivacyLabel>; relationship: string; memberId: string }>();
  for (const r of rows) {
    const rootId = await rootOf(db, r.person_id);
    if (!rootId) continue;
    const seen = byRoot.get(rootId) ?? { labels: new Set<PrivacyLabel>(), relationship: r.relationship, memberId: r.id };
    for (const l of parseLabels(r.labels)) seen.labels.add(l);
    byRoot.set(rootId, seen);
  }
  const people = await Promise.all([...byRoot.keys()].map((id) => personById(db, id)));
  const shared = people.flatMap((p) => {
    if (!p) return [];
    const m = byRoot.get(p.id)!;
    return [{ personId: p.id, name: `${p.given_name} ${p.family_name}`, relationshipText: RELATIONSHIP_NAMES[m.relationship as Relationship] ?? m.relationship, memberId: m.memberId, viewCount: viewsFor(platform, m.labels).length }];
  });
  if (shared.length > 0) {
    await platform.db.write(async (tx) => {
      const now = platform.clock.now();
      for (const s of shared) await auditNetworkView(tx, now, { memberId: s.memberId, personId: s.personId, labels: new Set() }, user, 'people.network.shared-list', null, address);
    });
  }
  return { shared };
}

/** What one person shares with the signed-in member: the registered views their labels allow, nothing else. Not found (404) when the person does not share with them. */
export async function sharedBy(platform: Platform, actor: Actor, personId: string, address: string | null) {
  const user = memberActor(actor);
  const db = platform.db.read;
  const access = await networkAccess(db, { userId: user.userId, personId });
  if (!access) {
    // A refused look at an existing record shows in that person's log too.
    const rootId = await rootOf(db, personId);
    if (rootId) {
      await platform.db.write((tx) =>
        recordAudit(tx, { at: platform.clock.now(), actorUserId: user.userId, actorRole: 'network-member', action: 'people.network.shared-view', entityType: 'person', entityId: rootId, personId: rootId, purpose: PURPOSE_NETWORK, outcome: 'denied', address }),
      );
    }
    throw new NotFoundError();
  }
  const person = await personById(db, access.personId);
  if (!person) throw new NotFoundError();
  await platform.db.write((tx) => auditNetworkView(tx, platform.clock.now(), access, user, 'people.network.shared-view', null, address));
  const labels = PRIVACY_LABELS.filter((l) => access.labels.has(l));
  const personIds = await recordIdsOf(db, access.personId);
  const allowed = viewsFor(platform, access.labels);
  const shown = await Promise.all(allowed.map((v) => (v.shows ? v.shows(db, { personId: access.personId, personIds }) : true)));
  return {
    person: { id: person.id, name: `${person.given_name} ${person.family_name}`, given_name: person.given_name },
    labelNames: labels.map((l) => PRIVACY_LABEL_NAMES[l]),
    views: allowed.filter((_, i) => shown[i]).map((v) => ({ name: v.name, title: v.title, href: v.href(person.id), labelName: PRIVACY_LABEL_NAMES[v.label] })),
  };
}

// ---- the record's timeline ----------------------------------------------------------------------

/** The network's entries on the person's timeline: who was added, joined, removed, and what each may see (after the first labels, which "added" covers). */
export async function networkTimeline(db: Kysely<DB>, personIds: readonly string[]): Promise<TimelineEntry[]> {
  const { members, changes } = await networkEvents(db, personIds);
  const names = (json: string) => parseLabels(json).map((l) => PRIVACY_LABEL_NAMES[l]).join(', ') || 'nothing';
  const rel = (r: string) => (r === 'gp' ? 'GP' : (RELATIONSHIP_NAMES[r as Relationship] ?? r).toLowerCase());
  return [
    ...members.flatMap((m) => [
      { at: m.added_at, source: 'people', kind: 'network-added', title: `${m.name} (${rel(m.relationship)}) added to the network`, by: m.added_by_name, personId: m.person_id },
      ...(m.joined_at ? [{ at: m.joined_at, source: 'people', kind: 'network-joined', title: `${m.name} made their account to see what is shared`, by: m.name, personId: m.person_id }] : []),
      ...(m.removed_at ? [{ at: m.removed_at, source: 'people', kind: 'network-removed', title: `${m.name} removed from the network`, detail: m.removed_reason, by: m.removed_by_name, personId: m.person_id }] : []),
    ]),
    ...changes
      .filter((c) => c.changed_at !== members.find((m) => m.id === c.member_id)?.added_at)
      .map((c) => ({ at: c.changed_at, source: 'people', kind: 'network-labels', title: `What ${c.name} may see changed`, detail: `From ${names(c.labels_before)} to ${names(c.labels_after)}`, by: c.changed_by_name, personId: c.person_id })),
  ];
}

// ---- what the forms accept ------------------------------------------------------------------------

/** The labels ticked, once each, in the order of PRIVACY_LABELS. */
const labelsField = z.preprocess(asArray, z.array(z.enum(PRIVACY_LABELS, { error: 'Choose what they may see from the list' }))).transform((ls) => PRIVACY_LABELS.filter((l) => ls.includes(l)));
const consentMethodField = optional(z.enum(CONSENT_METHODS, { error: 'Select how the person gave their consent' }));
const ticked = (message: string) => z.literal('yes', { error: message });

/** The add form: the person's consent is their tick; a practitioner also says how it was given. */
export function memberSchema(by: 'person' | 'practitioner') {
  return z
    .object({
      name: personName('their name'),
      relationship: z.enum(RELATIONSHIPS, { error: 'Select how they are related to the person' }),
      relationshipDetail: optional(freeText({ max: 100, what: 'the relationship' })),
      email: optional(email),
      phone: optional(ukPhone),
      labels: labelsField,
      consentMethod: consentMethodField,
      consent: ticked(by === 'person' ? 'Confirm that you want to share this with them' : 'Confirm that the person agreed to share this with them'),
      invite: optional(z.literal('yes')),
    })
    .superRefine((v, ctx) => {
      if (v.relationship === 'other' && !v.relationshipDetail) ctx.addIssue({ code: 'custom', path: ['relationshipDetail'], message: 'Say how they are related, like neighbour' });
      if (v.invite && !v.email) ctx.addIssue({ code: 'custom', path: ['email'], message: 'Enter their email address to send them an invitation' });
      if (by === 'practitioner' && !v.consentMethod) ctx.addIssue({ code: 'custom', path: ['consentMethod'], message: 'Select how the person gave their consent' });
    })
    .transform((v) => ({ ...v, invite: v.invite === 'yes' }));
}

/** Changing what a member sees: the labels, the version the form was opened at, and the consent again. */
export function labelsSchema(by: 'person' | 'practitioner') {
  return z
    .object({
      version: z.coerce.number({ error: 'Open the page again: the form is missing its version' }).int().min(1, 'Open the page again: the form is missing its version'),
      labels: labelsField,
      consentMethod: consentMethodField,
      consent: ticked(by === 'person' ? 'Confirm that you want them to see this' : 'Confirm that the person agreed to this'),
    })
    .superRefine((v, ctx) => {
      if (by === 'practitioner' && !v.consentMethod) ctx.addIssue({ code: 'custom', path: ['consentMethod'], message: 'Select how the person gave their consent' });
    });
}

/** Changing a member's details: who they are, how related, how to reach them, and the version the form was opened at. */
export const detailsSchema = z
  .object({
    version: z.coerce.number({ error: 'Open the page again: the form is missing its version' }).int().min(1, 'Open the page again: the form is missing its version'),
    name: personName('their name'),
    relationship: z.enum(RELATIONSHIPS, { error: 'Select how they are related to the person' }),
    relationshipDetail: optional(freeText({ max: 100, what: 'the relationship' })),
    email: optional(email),
    phone: optional(ukPhone),
  })
  .superRefine((v, ctx) => {
    if (v.relationship === 'other' && !v.relationshipDetail) ctx.addIssue({ code: 'custom', path: ['relationshipDetail'], message: 'Say how they are related, like neighbour' });
  });

export const removeSchema = z.object({ reason: optional(freeText({ max: 500, what: 'the reason' })) });

export const acceptSchema = z.object({
  displayName: personName('your name'),
  mobile: optional(z.string().trim().max(20)),
  agree: ticked('Confirm that you will keep what is shared with you private'),
});
