// The person's portal (issue 5, item 3): a person signed in with a one-time code sees their own
// record, who has looked at it, and can download everything held about them (a subject access
// export, UK GDPR Article 15). Only the person themself: the record is the one their account is
// linked to (`users.person_id`, followed through any merge), never one named in the address, so
// there is nothing to probe. Every view is audited with the person's id, so it is in their own log.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor, authorize } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { newId, parseJson } from '../../platform/db/ids.ts';
import type { DB } from '../../platform/db/tables.ts';
import { freeText } from '../../platform/http/fields.ts';
import { NotFoundError } from '../../platform/http/problems.ts';
import { raiseForOwnEntry, STATUS_WORDS, screenWords } from '../front-door/index.ts';
import { ME_READ, PURPOSE_BREAK_GLASS, PURPOSE_OWN, recordIdsOf, rootOf } from './access.ts';
import { describe } from './record.ts';
import { BREAK_GLASS_REASONS } from './schemas.ts';
import { personById } from './store.ts';
import { accessLogPage, breakGlassGrantsOf, EXPORT_LEAVES_OUT, entriesOf, insertEntry, messagesPage, requestsOf, subjectAccessRows, teamNames, userNames } from './portal-store.ts';
import { announceEntry, type EntryAdded, type EntryRisk } from './sources.ts';

/** The permission of every portal page (the `person` role holds it). */
// Defined with the other access rules (access.ts), so the network's pages can use them without this module.
export { ME_READ, PURPOSE_OWN };
/** Entries on one page of the access log. */
export const ACCESS_LOG_PAGE = 50;

interface Me {
  userId: string;
  rootId: string;
  recordIds: string[];
}

/** The signed-in person's own record (and those merged into it); not found for anyone else. */
export async function me(db: Kysely<DB>, actor: Actor): Promise<Me> {
  if (actor.kind !== 'user' || !actor.personId || !authorize(actor, ME_READ)) throw new NotFoundError();
  const rootId = await rootOf(db, actor.personId);
  if (!rootId) throw new NotFoundError();
  return { userId: actor.userId, rootId, recordIds: await recordIdsOf(db, rootId) };
}

/** One audit event per record of the person, as the practitioners' views are. */
export async function auditOwn(platform: Platform, who: Me, action: string, address: string | null): Promise<void> {
  await platform.db.write(async (tx) => {
    for (const personId of who.recordIds) {
      await recordAudit(tx, {
        at: platform.clock.now(),
        actorUserId: who.userId,
        actorRole: 'person',
        action,
        entityType: 'person',
        entityId: personId,
        personId,
        purpose: PURPOSE_OWN,
        outcome: 'success',
        address,
      });
    }
  });
}

/** The portal's home: the person's details and preferences, and their requests with where each is, in plain words. */
export async function myRecord(platform: Platform, actor: Actor, address: string | null) {
  const db = platform.db.read;
  const who = await me(db, actor);
  const [person, requests] = await Promise.all([personById(db, who.rootId), requestsOf(db, who.recordIds)]);
  if (!person) throw new NotFoundError();
  await auditOwn(platform, who, 'people.portal.view', address);
  return {
    person: describe(person),
    requests: requests.map((r) => ({ ...r, words: STATUS_WORDS[r.status] ?? { title: r.status, text: '' } })),
  };
}

const ROLE_WORDS: Record<string, string> = {
  person: 'Your own account',
  public: 'Member of the public',
  practitioner: 'Practitioner',
  'team-lead': 'Team lead',
  'network-member': 'Someone in your network',
  champion: 'Community champion',
  'provider-admin': 'Service administrator',
  commissioner: 'Commissioner',
  admin: 'Administrator',
};

const ACTION_WORDS: Record<string, string> = {
  'people.record.view': 'Looked at your record',
  'people.details.view': 'Opened your details to change them',
  'people.details.change': 'Changed your details',
  'people.duplicate.view': 'Compared your record with a possible duplicate',
  'people.duplicate.confirm': 'Confirmed two records are both yours',
  'people.duplicate.reject': 'Decided another record is not yours',
  'people.merge': 'Merged two of your records',
  'people.merge.view': 'Looked at a merge of your records',
  'people.unmerge': 'Undid a merge of your records',
  'front-door.request.submit': 'Your request for help was received',
  'front-door.request.view': 'Looked at your request for help',
  'people.break-glass': 'Got emergency access to your record (break glass)',
  'people.break-glass.review-list': 'Saw emergency access to your record on a review list',
  'people.break-glass.review': 'Reviewed emergency access to your record',
  'people.portal.view': 'You looked at your record',
  'people.portal.access-log': 'You looked at who has seen your record',
  'people.portal.download-page': 'You opened the download page',
  'people.portal.export': 'You downloaded your record',
  'people.portal.messages': 'You looked at the messages we sent you',
  'people.portal.entries': 'You looked at what you have written',
  'people.portal.entry-add': 'You wrote in your record',
  // Notes, tasks and caseloads (care module).
  'care.notes.view': 'Looked at the notes about you',
  'care.note.view': 'Read a note about you',
  'care.note.form-view': 'Opened a form to write a note about you',
  'care.note.write': 'Wrote a note about you',
  'care.note.correct': 'Corrected a note about you',
  'care.note.addendum': 'Added to a note about you',
  'care.note.withhold': 'Withheld a note from you, with a reason',
  'care.note-withholdings.view': 'Saw a withheld note about you on a team lead’s list',
  'care.note-withholding.view': 'Read a withheld note about you, to confirm or release it',
  'care.note-withholding.confirm': 'Confirmed a note should be withheld from you',
  'care.note-withholding.release': 'Released a withheld note so you can see it',
  'care.note-withholding.escalate': 'A withheld note was not confirmed in time: team leads told',
  'care.notes.portal-view': 'You looked at the notes about you',
  'care.caseload.view': 'Saw you on their caseload',
  'care.team-caseload.view': 'Saw you on their team’s caseload',
  'care.tasks.view': 'Saw a task about you on their task list',
  'care.team-tasks.view': 'Saw a task about you on their team’s task list',
  'care.task.view': 'Looked at a task about you',
  'care.task.done': 'Finished a task about you',
  'care.task.cancel': 'Cancelled a task about you',
  'care.task.assign': 'Gave a task about you to someone',
  'crisis.safety-plan.view': 'Looked at your safety plan',
  'crisis.safety-plan.pdf': 'Opened your safety plan as a PDF',
  'crisis.safety-plan.history': 'Looked at the versions of your safety plan',
  'crisis.safety-plan.version-view': 'Looked at an earlier version of your safety plan',
  'crisis.safety-plan.edit-view': 'Opened your safety plan to change it',
  'crisis.safety-plan.conflict-view': 'Saw your safety plan after a change that could not be saved',
  'crisis.safety-plan.create': 'Wrote your safety plan',
  'crisis.safety-plan.change': 'Changed your safety plan',
  'people.network.view': 'Looked at your network and sharing',
  'people.network.add-form': 'Opened the form to add someone to your network',
  'people.network.add': 'Added someone to your network',
  'people.network.member.view': 'Looked at what someone in your network can see',
  'people.network.labels': 'Changed what someone in your network can see',
  'people.network.details': 'Changed the details of someone in your network',
  'people.network.invite': 'Invited someone in your network to make an account',
  'people.network.remove': 'Removed someone from your network',
  'people.network.join': 'Someone you invited made their account',
  'people.network.shared-list': 'Saw that you share with them',
  'people.network.shared-view': 'Looked at what you share with them',
};

/** A readable line for an action the log does not name: `people.duplicate.decide` → "people duplicate decide". */
const actionWords = (action: string) => ACTION_WORDS[action] ?? action.replace(/[.-]/g, ' ');
const REASON_WORDS: Record<string, string> = Object.fromEntries(BREAK_GLASS_REASONS.map((r) => [r.value, r.text]));

/**
 * Who has looked at the person's record: every audited view and change of it, newest first, a page
 * at a time (`before` is the position to continue from). Read straight from the audit trail, so a
 * practitioner's view shows at once. Emergency access grants are listed with their reasons.
 */
export async function myAccessLog(platform: Platform, actor: Actor, before: number | undefined, address: string | null) {
  const db = platform.db.read;
  const who = await me(db, actor);
  // The view is audited first, so the page shows it too: the log is complete up to this moment.
  await auditOwn(platform, who, 'people.portal.access-log', address);
  const [rows, grants] = await Promise.all([accessLogPage(db, who.recordIds, { before, limit: ACCESS_LOG_PAGE + 1 }), before === undefined ? breakGlassGrantsOf(db, who.recordIds) : []]);
  const page = rows.slice(0, ACCESS_LOG_PAGE);
  return {
    entries: page.map((r) => ({
      at: r.at,
      who: r.actor_user_id === who.userId ? 'You' : (r.actor_name ?? ROLE_WORDS[r.actor_role ?? ''] ?? 'The system'),
      role: ROLE_WORDS[r.actor_role ?? ''] ?? r.actor_role ?? 'Not recorded',
      team: r.team_name,
      what: actionWords(r.action),
      why: r.purpose,
      breakGlass: r.purpose === PURPOSE_BREAK_GLASS,
      reason: r.grant_reason ? `${REASON_WORDS[r.grant_reason_kind ?? ''] ?? 'Other'}: ${r.grant_reason}` : null,
      refused: r.outcome !== 'success',
    })),
    grants: grants.map((g) => ({ ...g, reasonText: REASON_WORDS[g.reason_kind] ?? 'Other', role: ROLE_WORDS[g.role] ?? g.role })),
    /** Where the next (older) page starts, when there is one. */
    nextBefore: rows.length > ACCESS_LOG_PAGE ? page[page.length - 1]!.seq : null,
    first: before === undefined,
  };
}

/** Messages on one page of the person's messages. */
export const MESSAGES_PAGE = 50;
const CHANNEL_WORDS: Record<string, string> = { sms: 'Text message', email: 'Email' };
const MESSAGE_STATUS_WORDS: Record<string, { text: string; colour: string }> = {
  pending: { text: 'Waiting to be sent', colour: 'nhsuk-tag--grey' },
  sending: { text: 'Being sent', colour: 'nhsuk-tag--grey' },
  sent: { text: 'Sent', colour: 'nhsuk-tag--green' },
  failed: { text: 'Could not be sent', colour: 'nhsuk-tag--red' },
};
/** Kinds whose text is a credential: the message is listed, its text is not shown again. */
const TEXT_NOT_SHOWN: Record<string, string> = { 'auth.sign-in-code': 'Your sign-in code. Codes work once and are not shown again here.' };

/**
 * Every message we sent the person (to any of their records), newest first, a page at a time
 * (`page` counts from 1): when, how, the subject and the text as sent, and whether it went.
 * Read from the outbox as the export reads it; the view is audited first.
 */
export async function myMessages(platform: Platform, actor: Actor, page: number, address: string | null) {
  const db = platform.db.read;
  const who = await me(db, actor);
  await auditOwn(platform, who, 'people.portal.messages', address);
  const rows = await messagesPage(db, who.recordIds, { offset: (page - 1) * MESSAGES_PAGE, limit: MESSAGES_PAGE + 1 });
  return {
    messages: rows.slice(0, MESSAGES_PAGE).map((m) => {
      const text = parseJson<Record<string, string>>(m.personalisation) ?? {};
      const hidden = TEXT_NOT_SHOWN[m.kind];
      return {
        id: m.id,
        at: m.created_at,
        sentAt: m.sent_at,
        how: CHANNEL_WORDS[m.channel] ?? m.channel,
        subject: m.channel === 'email' ? (text.subject ?? null) : null,
        body: hidden ?? text.body ?? '',
        status: MESSAGE_STATUS_WORDS[m.status] ?? { text: m.status, colour: 'nhsuk-tag--grey' },
      };
    }),
    page,
    nextPage: rows.length > MESSAGES_PAGE ? page + 1 : null,
    previousPage: page > 1 ? page - 1 : null,
  };
}

/** The permission to write in one's own record (the `person` role holds it). */
export const ME_WRITE = 'me:record:write';
/** The most an entry may hold. */
export const ENTRY_MAX = 5000;
export const entrySchema = z.object({ body: freeText({ required: 'Enter what you want to write', max: ENTRY_MAX, what: 'what you write' }) });
export type EntryInput = z.output<typeof entrySchema>;

/** What the person has written in their own words, newest first, and whether they may write more. The view is audited. */
export async function myEntries(platform: Platform, actor: Actor, address: string | null) {
  const db = platform.db.read;
  const who = await me(db, actor);
  await auditOwn(platform, who, 'people.portal.entries', address);
  const entries = await entriesOf(db, who.recordIds);
  return { entries, mayWrite: authorize(actor, ME_WRITE), max: ENTRY_MAX };
}

/**
 * Tells every module (sources.ts); and when what was added may mean risk and no module says someone
 * round the clock will now see it, has the front door open a request for the person (hazards H18,
 * H19). In the caller's unit of work. Returns whether someone round the clock has been told.
 */
export async function announceAndMakeSureSomeoneKnows(platform: Platform, tx: Kysely<DB>, added: EntryAdded): Promise<boolean> {
  const notice = await announceEntry(platform, tx, added);
  if (added.risk.level === 'none' || notice.roundTheClock) return notice.roundTheClock;
  await raiseForOwnEntry(platform, tx, { kind: added.kind, id: added.id, personId: added.personId, by: added.by, at: added.at, level: added.risk.level, categories: added.risk.categories, unscreened: added.risk.unscreened === true });
  return true;
}

/** An entry added: its id, what its words may mean, and whether they brought someone in (hazard H19). */
export interface EntryAddedResult {
  id: string;
  /** The level of risk the words may mean (the front door's risk phrases); none for most entries. */
  riskLevel: EntryRisk['level'];
  /** Words that may mean risk reached someone who works round the clock: a team already watching, or a request opened for them. */
  toldRoundTheClock: boolean;
}

/**
 * The person writes an entry on their own record (the one kept after any merge). Entries are never
 * changed: a new one instead. The entry, its audit event and whatever the modules set going for it
 * (care: a task for the coordinating team; the front door and crisis: a line where their teams look)
 * commit together. The words are screened with the front door's risk phrases (H19): when they may mean
 * risk and no module says someone round the clock will see it, the front door opens a request for the
 * person, in the same unit of work.
 */
export async function addMyEntry(platform: Platform, actor: Actor, input: EntryInput, address: string | null): Promise<EntryAddedResult> {
  if (!authorize(actor, ME_WRITE)) throw new NotFoundError();
  const who = await me(platform.db.read, actor);
  const id = newId();
  const risk: EntryRisk = screenWords(input.body);
  return platform.db.write(async (tx) => {
    const at = platform.clock.now();
    await insertEntry(tx, { id, personId: who.rootId, body: input.body, at: at.toISOString(), by: who.userId });
    const toldRoundTheClock = await announceAndMakeSureSomeoneKnows(platform, tx, { kind: 'entry', id, personId: who.rootId, recordIds: who.recordIds, by: who.userId, at, risk });
    await recordAudit(tx, {
      at,
      actorUserId: who.userId,
      actorRole: 'person',
      action: 'people.portal.entry-add',
      entityType: 'person-entry',
      entityId: id,
      personId: who.rootId,
      purpose: PURPOSE_OWN,
      outcome: 'success',
      address,
    });
    return { id, riskLevel: risk.level, toldRoundTheClock };
  });
}

/** The download page shows nothing about the person but is a visit all the same: audited. */
export async function myDownloadPage(platform: Platform, actor: Actor, address: string | null): Promise<void> {
  const who = await me(platform.db.read, actor);
  await auditOwn(platform, who, 'people.portal.download-page', address);
}

export type SubjectAccessExport = Awaited<ReturnType<typeof mySubjectAccessExport>>;

/** Everything held about the person, table by table, with what was left out and why. The export is audited (first, so it holds its own event). */
export async function mySubjectAccessExport(platform: Platform, actor: Actor, address: string | null) {
  const db = platform.db.read;
  const who = await me(db, actor);
  await auditOwn(platform, who, 'people.portal.export', address);
  const tables = await subjectAccessRows(db, who.recordIds);
  return {
    service: platform.config.serviceName,
    generatedAt: platform.clock.now().toISOString(),
    personId: who.rootId,
    recordIds: who.recordIds,
    tables,
    leftOut: EXPORT_LEAVES_OUT,
  };
}

const TABLE_WORDS: Record<string, string> = {
  people: 'Your record',
  users: 'Your account',
  person_duplicate_candidates: 'Possible duplicate records',
  person_merges: 'Records merged together',
  requests: 'Requests for help',
  request_events: 'What happened with your requests',
  request_contact_attempts: 'Times we tried to contact you',
  request_breaches: 'Times we were late to contact you',
  front_door_drafts: 'Your answers while asking for help',
  referrals: 'Referrals to services',
  break_glass_grants: 'Emergency access to your record',
  audit_events: 'Everyone who looked at or changed your record',
  outbox_messages: 'Messages we sent you',
  person_entries: 'What you wrote in your own words',
  care_notes: 'Notes about you',
  care_note_withholdings: 'Notes withheld from you, and why',
  tasks: 'Tasks about you',
  network_members: 'Your network: who you share with',
  network_label_changes: 'Every change to what people in your network can see',
  network_invites: 'Invitations sent to people in your network',
  safety_plans: 'Your safety plan',
  safety_plan_versions: 'Every version of your safety plan',
  care_coordinations: 'Teams coordinating your care',
  care_team_members: 'Your care teams',
  care_plans: 'Your plans',
  care_plan_versions: 'Every version of your plans',
  care_plan_actions: 'The actions in your plans',
  crisis_episodes: 'Times you were in crisis and we responded',
  crisis_episode_responders: 'Who responded to you in a crisis',
  crisis_episode_actions: 'What happened while you were in crisis',
  crisis_follow_ups: 'Follow-ups after you left hospital, a crisis house or a sanctuary',
  crisis_feedback: 'Your answers about whether you got the right response',
};

const NAMED_USERS = new Set(['actor_user_id', 'by_user_id', 'user_id', 'decided_by', 'merged_by', 'unmerged_by', 'reviewed_by', 'referred_by', 'owner_user_id', 'referrer_user_id', 'consent_recorded_by', 'added_by', 'removed_by', 'changed_by', 'created_by', 'used_by', 'opened_by', 'closed_by', 'key_worker_id', 'saved_by', 'assignee_id', 'finished_by', 'written_by']);
const NAMED_TEAMS = new Set(['team_id', 'actor_team_id']);

/** The export as sections of label and value pairs, for the readable HTML document: ids of people who acted are given with their names. */
export async function readableExport(platform: Platform, data: SubjectAccessExport) {
  const userIds = new Set<string>();
  const teamIds = new Set<string>();
  for (const rows of Object.values(data.tables)) {
    for (const row of rows as Record<string, unknown>[]) {
      for (const [k, v] of Object.entries(row)) {
        if (typeof v !== 'string') continue;
        if (NAMED_USERS.has(k)) userIds.add(v);
        if (NAMED_TEAMS.has(k)) teamIds.add(v);
      }
    }
  }
  const [users, teams] = await Promise.all([userNames(platform.db.read, [...userIds]), teamNames(platform.db.read, [...teamIds])]);
  const show = (k: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return 'None';
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    if (NAMED_USERS.has(k)) return `${users.get(text) ?? 'Unknown'} (${text})`;
    if (NAMED_TEAMS.has(k)) return `${teams.get(text) ?? 'Unknown team'} (${text})`;
    return text;
  };
  return Object.entries(data.tables).map(([table, rows]) => ({
    table,
    title: TABLE_WORDS[table] ?? table,
    leftOut: Object.entries(EXPORT_LEAVES_OUT[table] ?? {}).map(([column, why]) => ({ column, why })),
    rows: (rows as Record<string, unknown>[]).map((row) => Object.entries(row).map(([k, v]) => ({ label: k.replace(/_/g, ' '), value: show(k, v) }))),
  }));
}
