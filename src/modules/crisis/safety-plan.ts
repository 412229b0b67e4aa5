// Safety plans (issue 6, item 4). Our own form of the six steps of the Stanley–Brown safety planning
// intervention, plus reasons for living: warning signs; things I can do on my own; people and places
// that take my mind off things; people I can ask for help; professionals and services (prefilled,
// for a new plan, with the crisis numbers of the configuration and the directory's crisis support
// open now); making my situation safer. Each step is a list of entries in the person's own words.
//
// Who: practitioners who may see the person (through the people module: their team is involved, or
// break glass) read it; those who hold `crisis:act` or `care:write` there write it, with the person.
// The person reads and writes their own in the portal. Network members whose labels include
// 'safety-plan' read it. Every save is a new version (who, when, in what role, with the person or
// not); a save made from an older version is refused (PlanChanged) and nothing is lost. Every view
// and change is audited with the person's id, so it shows in their access log.
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor, authorize } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { newId, parseJson, toJson } from '../../platform/db/ids.ts';
import type { DB } from '../../platform/db/tables.ts';
import type { DemoAlliance } from '../../platform/seed/demo-alliance.ts';
import { freeText } from '../../platform/http/fields.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { normaliseMobile } from '../../platform/auth/one-time-code.ts';
import { formatDateTime } from '../../platform/views/format.ts';
import { type CrisisServiceNow, crisisServicesOpenNow } from '../directory/index.ts';
import {
  accessTo,
  auditDenied,
  mayView,
  networkAccess,
  ownRecords,
  PEOPLE_READ,
  PURPOSE_NETWORK,
  PURPOSE_OWN,
  type PersonAccess,
  personSummary,
  recordIdsOf,
  type TimelineEntry,
} from '../people/index.ts';
import { paths } from './paths.ts';
import { accountContact, advancePlan, insertPlan, insertVersion, personOfAccount, planOf, type VersionRow, versionOf, versionsForPeople, versionsOf } from './safety-plan-store.ts';

/** The network's privacy label of the plan (issue 5, item 2: "safety plan only"). */
export const SAFETY_PLAN_LABEL = 'safety-plan';
/** The person writes their own plan in the portal with this permission (the `person` role holds it). */
export const ME_WRITE = 'me:record:write';
/** Practitioners write a plan holding one of these where they may see the person. */
export const WRITE_PERMISSIONS = ['crisis:act', 'care:write'] as const;
/** The source name of the plan's timeline entries (the episodes use 'crisis'). */
export const SOURCE = 'crisis-safety-plan';

export interface Contact {
  name: string;
  phone: string | null;
  /** When, or how: "Text SHOUT to 85258", "Open 6pm to midnight". */
  detail: string | null;
}

/** A plan's content: each step a list of entries, in the person's words. */
export interface PlanContent {
  warningSigns: string[];
  copingAlone: string[];
  distractions: string[];
  helpPeople: Contact[];
  professionals: Contact[];
  safer: string[];
  reasons: string[];
}

type ListKey = 'warningSigns' | 'copingAlone' | 'distractions' | 'safer' | 'reasons';
type ContactKey = 'helpPeople' | 'professionals';

export interface Step {
  key: ListKey | ContactKey;
  /** "Step 1"; reasons for living has none. */
  number: number | null;
  title: string;
  /** The question the step answers, in the first person. */
  question: string;
  hint: string;
  kind: 'list' | 'contacts';
  /** Form field name prefix for contact rows. */
  prefix?: string;
}

/** The steps in the order the plan is read, in our own words. */
export const STEPS: readonly Step[] = [
  { key: 'warningSigns', number: 1, title: 'My warning signs', question: 'What tells me a crisis may be coming?', hint: 'Thoughts, feelings, pictures in my mind, situations or things I do. Write one on each line.', kind: 'list' },
  { key: 'copingAlone', number: 2, title: 'Things I can do on my own', question: 'What helps me feel calmer or take my mind off things, without needing anyone else?', hint: 'For example, a walk, music, a shower, breathing slowly. Write one on each line.', kind: 'list' },
  { key: 'distractions', number: 3, title: 'People and places that take my mind off things', question: 'Who can I be with, or where can I go, to feel better for a while?', hint: 'I do not need to talk about how I feel with them. Write one on each line.', kind: 'list' },
  { key: 'helpPeople', number: 4, title: 'People I can ask for help', question: 'Who can I tell that I am struggling, and ask to help?', hint: 'Family, friends or others I trust, with the number to reach them.', kind: 'contacts', prefix: 'help' },
  { key: 'professionals', number: 5, title: 'Professionals and services I can contact', question: 'Who can I call or go to, and when are they open?', hint: 'Crisis lines, my team, my GP, places I can go. Crisis lines and crisis support open now are filled in to start with.', kind: 'contacts', prefix: 'pro' },
  { key: 'safer', number: 6, title: 'Making my situation safer', question: 'What can I do to make where I am safer?', hint: 'For example, things to keep away from me, or someone who could look after them. Write one on each line.', kind: 'list' },
  { key: 'reasons', number: null, title: 'My reasons for living', question: 'What matters most to me, and is worth living for?', hint: 'People, pets, plans, hopes, beliefs. Write one on each line.', kind: 'list' },
];

const LIST_KEYS: ListKey[] = ['warningSigns', 'copingAlone', 'distractions', 'safer', 'reasons'];
/** Entries in one step, and characters in one entry: a plan is read in a crisis, so it stays short. */
export const MAX_ENTRIES = 30;
export const MAX_ENTRY = 300;
/** Contact rows on the form: those filled in, and a few empty ones to add more (no JavaScript needed). */
export const SPARE_ROWS = 2;
export const MAX_ROWS = 20;

export function emptyContent(): PlanContent {
  return { warningSigns: [], copingAlone: [], distractions: [], helpPeople: [], professionals: [], safer: [], reasons: [] };
}

// ---- the form ----

const CONTROL_OR_TAG = freeText({ max: 20_000, what: 'the text' });

/** A phone number as people write them: digits, spaces, a plus and brackets ("116 123", "85258", "+44 20 7946 0000"). */
const PHONE = /^[0-9+() ]{3,20}$/;

/** The fields of the plan's form: five lists (one entry a line), two lists of contacts, the version it was opened at. */
export function planSchema(who: 'practitioner' | 'person') {
  return z.looseObject({}).transform((input, ctx) => {
    const text = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : '');
    const content = emptyContent();
    const base = Number(text('baseVersion'));
    if (!Number.isInteger(base) || base < 0 || text('baseVersion').trim() === '') {
      ctx.addIssue({ code: 'custom', path: ['baseVersion'], message: 'Open the plan again: the form is missing its version' });
    }
    for (const step of STEPS) {
      if (step.kind === 'list') {
        const key = step.key as ListKey;
        const raw = text(key);
        const checked = freeText({ max: 20_000, what: step.title.toLowerCase() }).safeParse(raw);
        if (!checked.success) {
          ctx.addIssue({ code: 'custom', path: [key], message: checked.error.issues[0]?.message ?? `Check ${step.title.toLowerCase()}` });
          continue;
        }
        const lines = checked.data.split('\n').map((l) => l.trim()).filter(Boolean);
        if (lines.length > MAX_ENTRIES) ctx.addIssue({ code: 'custom', path: [key], message: `${step.title}: write ${MAX_ENTRIES} lines or fewer` });
        else if (lines.some((l) => l.length > MAX_ENTRY)) ctx.addIssue({ code: 'custom', path: [key], message: `${step.title}: each line must be ${MAX_ENTRY} characters or fewer` });
        else content[key] = lines;
        continue;
      }
      const key = step.key as ContactKey;
      const prefix = step.prefix!;
      const rows: Contact[] = [];
      for (let i = 1; i <= MAX_ROWS; i++) {
        const name = text(`${prefix}Name-${i}`).trim();
        const phone = text(`${prefix}Phone-${i}`).trim();
        const detail = text(`${prefix}Detail-${i}`).trim();
        if (!name && !phone && !detail) continue;
        let ok = true;
        for (const [field, value] of [
          [`${prefix}Name-${i}`, name],
          [`${prefix}Detail-${i}`, detail],
        ] as const) {
          if (value.length > MAX_ENTRY || !CONTROL_OR_TAG.safeParse(value).success) {
            ctx.addIssue({ code: 'custom', path: [field], message: `${step.title}, row ${i}: use ${MAX_ENTRY} characters or fewer, without angle brackets or unusual characters` });
            ok = false;
          }
        }
        if (!name) {
          ctx.addIssue({ code: 'custom', path: [`${prefix}Name-${i}`], message: `${step.title}, row ${i}: enter who this is` });
          ok = false;
        }
        if (phone && !PHONE.test(phone)) {
          ctx.addIssue({ code: 'custom', path: [`${prefix}Phone-${i}`], message: `${step.title}, row ${i}: enter a phone number in numbers, like 07700 900461 or 116 123` });
          ok = false;
        }
        if (ok) rows.push({ name, phone: phone || null, detail: detail || null });
      }
      content[key] = rows;
    }
    const withPerson = text('withPerson');
    if (who === 'practitioner' && withPerson !== 'yes' && withPerson !== 'no') {
      ctx.addIssue({ code: 'custom', path: ['withPerson'], message: 'Select yes if you wrote these changes with the person' });
    }
    const note = CONTROL_OR_TAG.safeParse(text('changeNote'));
    if (!note.success || note.data.length > 500) ctx.addIssue({ code: 'custom', path: ['changeNote'], message: 'What changed must be 500 characters or fewer, without angle brackets' });
    const filled = LIST_KEYS.some((k) => content[k].length > 0) || content.helpPeople.length > 0 || content.professionals.length > 0;
    if (!filled) ctx.addIssue({ code: 'custom', path: ['warningSigns'], message: 'Write at least one thing in the plan' });
    return {
      baseVersion: base,
      content,
      withPerson: who === 'person' || withPerson === 'yes',
      changeNote: note.success && note.data ? note.data : null,
    };
  });
}
export type PlanForm = z.output<ReturnType<typeof planSchema>>;

/** The form's values from a plan's content (the form names its fields so). */
export function formValues(content: PlanContent, baseVersion: number): Record<string, string> {
  const values: Record<string, string> = { baseVersion: String(baseVersion) };
  for (const k of LIST_KEYS) values[k] = content[k].join('\n');
  for (const step of STEPS) {
    if (step.kind !== 'contacts') continue;
    content[step.key as ContactKey].forEach((c, i) => {
      values[`${step.prefix}Name-${i + 1}`] = c.name;
      values[`${step.prefix}Phone-${i + 1}`] = c.phone ?? '';
      values[`${step.prefix}Detail-${i + 1}`] = c.detail ?? '';
    });
  }
  return values;
}

/** How many contact rows the form shows for each contact step: those in the values, and spare ones. */
export function rowCounts(values: Record<string, unknown>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const step of STEPS) {
    if (step.kind !== 'contacts') continue;
    let last = 0;
    for (let i = 1; i <= MAX_ROWS; i++) {
      if (['Name', 'Phone', 'Detail'].some((f) => String(values[`${step.prefix}${f}-${i}`] ?? '').trim())) last = i;
    }
    counts[step.prefix!] = Math.min(MAX_ROWS, last + SPARE_ROWS);
  }
  return counts;
}

// ---- who is looking ----

/** Whoever is reading or writing a plan, with what the audit trail needs. */
export interface Viewer {
  kind: 'practitioner' | 'person' | 'network';
  userId: string;
  role: string;
  teamId: string | null;
  purpose: string;
  /** The person's record shown (the root of any merge), and every record merged into it. */
  rootId: string;
  recordIds: string[];
}

function fromAccess(access: PersonAccess): Viewer {
  return { kind: 'practitioner', userId: access.user.userId, role: access.role, teamId: access.teamId, purpose: access.purpose, rootId: access.rootId, recordIds: access.recordIds };
}

/** A practitioner who may see the person (to read), or write the plan where they may (crisis:act or care:write). Not found otherwise, and a refused look is audited. */
export async function practitionerViewer(platform: Platform, db: Kysely<DB>, actor: Actor, personId: string, mode: 'read' | 'write', address?: string | null): Promise<Viewer> {
  let access: PersonAccess | null = null;
  if (mode === 'read') access = await accessTo(platform, db, actor, personId, PEOPLE_READ);
  else for (const permission of WRITE_PERMISSIONS) access ??= await accessTo(platform, db, actor, personId, permission);
  if (!access) {
    if (db === platform.db.read) await auditDenied(platform, actor, personId, mode === 'read' ? 'crisis.safety-plan.view' : 'crisis.safety-plan.change', address);
    throw new NotFoundError();
  }
  return fromAccess(access);
}

/** The signed-in person, for their own plan; writing needs `me:record:write` too. */
export async function personViewer(db: Kysely<DB>, actor: Actor, mode: 'read' | 'write'): Promise<Viewer> {
  const me = await ownRecords(db, actor);
  if (mode === 'write' && !authorize(actor, ME_WRITE)) throw new NotFoundError();
  return { kind: 'person', userId: me.userId, role: 'person', teamId: null, purpose: PURPOSE_OWN, rootId: me.rootId, recordIds: me.recordIds };
}

/** A network member the person shares their safety plan with (the 'safety-plan' label); not found for anyone else. */
export async function networkViewer(db: Kysely<DB>, actor: Actor, personId: string): Promise<Viewer> {
  if (actor.kind !== 'user') throw new NotFoundError();
  const access = await networkAccess(db, { userId: actor.userId, personId });
  if (!mayView(access, SAFETY_PLAN_LABEL)) throw new NotFoundError();
  return { kind: 'network', userId: actor.userId, role: 'network-member', teamId: null, purpose: PURPOSE_NETWORK, rootId: access.personId, recordIds: await recordIdsOf(db, access.personId) };
}

/** One audit event for each record of the person, so the view or change is in their access log. */
async function audit(tx: Kysely<DB>, now: Date, v: Viewer, action: string, planId: string | null, address?: string | null): Promise<void> {
  for (const personId of v.recordIds) {
    await recordAudit(tx, {
      at: now,
      actorUserId: v.userId,
      actorRole: v.role,
      actorTeamId: v.teamId,
      action,
      entityType: planId ? 'safety-plan' : 'person',
      entityId: planId ?? personId,
      personId,
      purpose: v.purpose,
      outcome: 'success',
      address: address ?? null,
    });
  }
}

// ---- reading ----

const ROLE_WORDS: Record<string, string> = { person: 'the person themself', practitioner: 'practitioner', 'team-lead': 'team lead' };

export interface ShownVersion {
  planId: string;
  personId: string;
  version: number;
  content: PlanContent;
  savedAt: string;
  savedBy: string;
  /** "the person themself", or "practitioner, Crisis team". */
  savedAs: string;
  withPerson: boolean;
  changeNote: string | null;
}

function shown(row: VersionRow): ShownVersion {
  const content = { ...emptyContent(), ...(parseJson<PlanContent>(row.content) ?? {}) };
  const role = ROLE_WORDS[row.written_by_role] ?? row.written_by_role;
  return {
    planId: row.plan_id,
    personId: row.person_id,
    version: row.version,
    content,
    savedAt: row.created_at,
    savedBy: row.written_by_name,
    savedAs: row.team_name && row.written_by_role !== 'person' ? `${role}, ${row.team_name}` : role,
    withPerson: Number(row.with_person) === 1,
    changeNote: row.change_note,
  };
}

/** The current version of the plan of these records (the person's and those merged into it), or null. */
export async function currentPlan(db: Kysely<DB>, personIds: readonly string[]): Promise<ShownVersion | null> {
  const plan = await planOf(db, personIds);
  if (!plan) return null;
  const row = await versionOf(db, plan.id, Number(plan.version));
  return row ? shown(row) : null;
}

export interface PlanPage {
  viewer: Viewer;
  personName: string;
  postcode: string | null;
  plan: ShownVersion | null;
  /** Crisis support open at this moment, nearest the person first: beside the plan, always current. */
  openNow: CrisisServiceNow[];
}

async function load(platform: Platform, v: Viewer): Promise<Omit<PlanPage, 'openNow'>> {
  const db = platform.db.read;
  const [person, plan] = await Promise.all([personSummary(db, v.rootId), currentPlan(db, v.recordIds)]);
  if (!person) throw new NotFoundError();
  return { viewer: v, personName: `${person.given_name} ${person.family_name}`, postcode: person.postcode, plan };
}

/** The plan as a page shows it (or its PDF, `action` saying which), with crisis support open now. Audited. */
export async function viewPlan(platform: Platform, v: Viewer, address?: string | null, action = 'crisis.safety-plan.view'): Promise<PlanPage> {
  const page = await load(platform, v);
  const openNow = await crisisServicesOpenNow(platform, page.postcode);
  await platform.db.write((tx) => audit(tx, platform.clock.now(), v, action, page.plan?.planId ?? null, address));
  return { ...page, openNow };
}

/** Every version of the plan, newest first, with who saved it; audited as a view. */
export async function planHistory(platform: Platform, v: Viewer, address?: string | null) {
  const page = await load(platform, v);
  if (!page.plan) throw new NotFoundError();
  const rows = await versionsOf(platform.db.read, page.plan.planId);
  await platform.db.write((tx) => audit(tx, platform.clock.now(), v, 'crisis.safety-plan.history', page.plan!.planId, address));
  return { ...page, versions: rows.map(shown) };
}

/** One earlier (or the current) version, whole; audited as a view. */
export async function planVersion(platform: Platform, v: Viewer, version: number, address?: string | null) {
  const page = await load(platform, v);
  if (!page.plan || !Number.isInteger(version) || version < 1) throw new NotFoundError();
  const row = await versionOf(platform.db.read, page.plan.planId, version);
  if (!row) throw new NotFoundError();
  await platform.db.write((tx) => audit(tx, platform.clock.now(), v, 'crisis.safety-plan.version-view', page.plan!.planId, address));
  return { ...page, shownVersion: shown(row) };
}

/**
 * A new plan's professionals and services: the local crisis line (when configured), NHS 111's mental
 * health option, Samaritans and Shout from the configuration, then crisis support open now that
 * anyone may contact without a referral (the sanctuary in the evening), nearest the person first.
 */
export function startingProfessionals(crisis: Platform['config']['crisis'], openNow: readonly CrisisServiceNow[]): Contact[] {
  const rows: Contact[] = [];
  if (crisis.localLine) rows.push({ name: crisis.localLine.name, phone: crisis.localLine.number, detail: 'Our local crisis line' });
  rows.push({ name: 'NHS 111, mental health option', phone: crisis.nhs111, detail: `Call ${crisis.nhs111} and choose the mental health option, day or night` });
  rows.push({ name: 'Samaritans', phone: crisis.samaritans, detail: 'Free, any time, to talk to someone' });
  rows.push({ name: 'Shout', phone: crisis.shout, detail: `Text SHOUT to ${crisis.shout}, free, any time` });
  const taken = new Set(rows.map((r) => r.phone?.replace(/\s/g, '')));
  for (const s of openNow.filter((x) => x.selfReferral)) {
    if (rows.length >= 8) break;
    if (s.phone && taken.has(s.phone.replace(/\s/g, ''))) continue;
    rows.push({ name: s.name, phone: s.phone, detail: [s.openLine, s.address].filter(Boolean).join(' · ') || null });
  }
  return rows;
}

/** The plan's form: the current version's content, or a new plan with professionals and services prefilled. The opening is audited. */
export async function planForEditing(platform: Platform, v: Viewer, address?: string | null) {
  const page = await load(platform, v);
  const openNow = await crisisServicesOpenNow(platform, page.postcode);
  const content = page.plan?.content ?? { ...emptyContent(), professionals: startingProfessionals(platform.config.crisis, openNow) };
  await platform.db.write((tx) => audit(tx, platform.clock.now(), v, 'crisis.safety-plan.edit-view', page.plan?.planId ?? null, address));
  return { ...page, openNow, values: formValues(content, page.plan?.version ?? 0) };
}

// ---- writing ----

/** A save made from a version that is no longer the current one: nothing was saved. */
export class PlanChanged extends ConflictError {
  constructor(readonly currentVersion: number) {
    super('Someone saved this safety plan after you opened it, so your changes were not saved. Both versions are below: nothing is lost.');
    this.name = 'PlanChanged';
  }
}

/**
 * Saves the form as the plan's next version, if the plan is still at the version the form was opened
 * at; otherwise nothing is saved (PlanChanged). The writer is found again in the transaction (access
 * may have ended since the form was opened). The change is audited with the person's id.
 */
export async function savePlan(platform: Platform, whoIn: (db: Kysely<DB>) => Promise<Viewer>, form: PlanForm, address?: string | null): Promise<{ version: number; viewer: Viewer }> {
  return platform.db.write(async (tx) => {
    const v = await whoIn(tx);
    const now = platform.clock.now();
    const plan = await planOf(tx, v.recordIds);
    const current = plan ? Number(plan.version) : 0;
    if (current !== form.baseVersion) throw new PlanChanged(current);
    let planId: string;
    if (plan) {
      planId = plan.id;
      if (!(await advancePlan(tx, planId, current, v.userId, now))) throw new PlanChanged(current + 1);
    } else {
      planId = newId();
      await insertPlan(tx, { id: planId, personId: v.rootId, by: v.userId, at: now });
    }
    const version = current + 1;
    await insertVersion(tx, {
      id: newId(),
      planId,
      personId: plan?.person_id ?? v.rootId,
      version,
      content: toJson(form.content),
      changeNote: form.changeNote,
      by: v.userId,
      role: v.role,
      teamId: v.teamId,
      withPerson: form.withPerson,
      at: now,
    });
    await audit(tx, now, v, version === 1 ? 'crisis.safety-plan.create' : 'crisis.safety-plan.change', planId, address);
    return { version, viewer: v };
  });
}

/** After a refused save: the plan as it is now, beside what was typed. The current plan is shown, so the look is audited. */
export async function conflictPage(platform: Platform, v: Viewer, address?: string | null) {
  const page = await load(platform, v);
  await platform.db.write((tx) => audit(tx, platform.clock.now(), v, 'crisis.safety-plan.conflict-view', page.plan?.planId ?? null, address));
  return page;
}

// ---- for other parts of the module: the episode page, the timeline ----

// ---- a copy for the person to keep (hazard H11: reachable without the internet) ----

export type CopyChannel = 'email' | 'sms';

/** The longest text message we send: GOV.UK Notify takes up to 918 characters. */
export const MAX_TEXT = 900;

type Crisis = Platform['config']['crisis'];

/** What to do in danger, as on the top of every plan page and the PDF (H3), one line each. */
function dangerLines(crisis: Crisis): string[] {
  return [
    `Call ${crisis.emergency} or go to A&E if life is at risk.`,
    ...(crisis.localLine ? [`${crisis.localLine.name}: ${crisis.localLine.number}.`] : []),
    `Call NHS ${crisis.nhs111} and choose the mental health option, day or night.`,
    `Call Samaritans free on ${crisis.samaritans}, any time.`,
    `Text SHOUT to ${crisis.shout}, free, any time.`,
  ];
}

const contactLine = (c: Contact) => [c.name, c.phone, c.detail ? `(${c.detail})` : null].filter(Boolean).join(' ');

/** The whole plan as the text of an email: danger first, then every step in the person's words. */
export function planAsText(plan: ShownVersion, crisis: Crisis, onlineAt: string): string {
  const lines = [`Your safety plan, version ${plan.version}, saved ${formatDateTime(plan.savedAt)}.`, '', 'If you are in danger now', ...dangerLines(crisis).map((l) => `* ${l}`)];
  for (const step of STEPS) {
    const entries = step.kind === 'contacts' ? (plan.content[step.key] as Contact[]).map(contactLine) : (plan.content[step.key] as string[]);
    lines.push('', step.number ? `Step ${step.number}. ${step.title}` : step.title, ...(entries.length ? entries.map((e) => `* ${e}`) : ['(nothing written yet)']));
  }
  lines.push('', `This is a copy of your plan as it was when you asked for it: keep it where you can find it, even without the internet. Your plan as it is now: ${onlineAt}`);
  return lines.join('\n');
}

/**
 * The people and numbers of the plan, and what to do in danger, as one text message of at most
 * MAX_TEXT characters: the danger lines always; the people and services in the plan's order while they
 * fit, with a note when some did not.
 */
export function planAsTextMessage(plan: ShownVersion, crisis: Crisis): string {
  const head = 'Your safety plan. ';
  const tail = ` In danger now: call ${crisis.emergency}.${crisis.localLine ? ` ${crisis.localLine.name} ${crisis.localLine.number}.` : ''} NHS ${crisis.nhs111}, mental health option. Samaritans ${crisis.samaritans}. Text SHOUT to ${crisis.shout}.`;
  const more = ' More in your full plan.';
  let body = '';
  let left = false;
  for (const [key, title] of [
    ['helpPeople', 'People I can ask for help'],
    ['professionals', 'Services I can contact'],
  ] as const) {
    const contacts = plan.content[key].filter((c) => c.phone);
    if (!contacts.length) continue;
    let part = `${title}: `;
    let added = 0;
    for (const c of contacts) {
      const entry = `${added ? '; ' : ''}${c.name} ${c.phone}`;
      if ((head + body + part + entry + '.' + more + tail).length > MAX_TEXT) {
        left = true;
        break;
      }
      part += entry;
      added++;
    }
    if (added) body += `${body ? ' ' : ''}${part}.`;
  }
  return `${head}${body}${left ? more : ''}${tail}`.replace(/\s+/g, ' ').trim();
}

const METHOD_WORDS: Record<string, string> = { phone: 'phone call', sms: 'text message', email: 'email', letter: 'letter' };

/** Where a copy can go, and what the person said about being contacted (their record's preferences). */
export interface CopyDestinations {
  /** Whose plan: the person's name, for a practitioner's page. */
  personName: string;
  email: string | null;
  /** A UK mobile (07…), or null when there is none to text. */
  mobile: string | null;
  /** From the person's record (a practitioner sends to it): how they like to be contacted. */
  preferences: { methods: string[]; safeTimes: string | null; mayLeaveMessage: boolean | null } | null;
  hasPlan: boolean;
}

/** Where a copy can go, without asking whether there is a plan (the caller reads it as it needs). */
async function destinationsOf(platform: Platform, v: Viewer): Promise<Omit<CopyDestinations, 'hasPlan'>> {
  if (v.kind === 'network') throw new NotFoundError();
  const db = platform.db.read;
  const [person, account] = await Promise.all([personSummary(db, v.rootId), v.kind === 'person' ? accountContact(db, v.userId) : undefined]);
  if (!person) throw new NotFoundError();
  const personName = `${person.given_name} ${person.family_name}`;
  if (v.kind === 'person') {
    if (!account) throw new NotFoundError();
    return { personName, email: account.email, mobile: account.mobile, preferences: null };
  }
  const prefs = parseJson<{ methods?: string[]; safeTimes?: string | null; mayLeaveMessage?: boolean | null }>(person.contact_preferences);
  return {
    personName,
    email: person.email,
    mobile: person.phone ? normaliseMobile(person.phone) : null,
    preferences: prefs ? { methods: (prefs.methods ?? []).map((m) => METHOD_WORDS[m] ?? m), safeTimes: prefs.safeTimes ?? null, mayLeaveMessage: prefs.mayLeaveMessage ?? null } : null,
  };
}

/**
 * Where a copy of the plan can go, and whether there is a plan. The person sends it to the email and
 * mobile they sign in with (checked by signing in); a practitioner sends it to the contact details on
 * the person's record, shown with their contact preferences.
 */
export async function copyDestinations(platform: Platform, v: Viewer): Promise<CopyDestinations> {
  const [to, plan] = await Promise.all([destinationsOf(platform, v), planOf(platform.db.read, v.recordIds)]);
  return { ...to, hasPlan: !!plan };
}

/**
 * Sends the person a copy of their current plan by the channels chosen: the person, to the email and
 * mobile they sign in with; a practitioner, when the person asked for it, to the contact details on
 * their record. One message a version, channel and recipient in any hour (a second click sends
 * nothing more); audited in the person's access log. Not found when there is no plan.
 */
export async function sendPlanCopy(platform: Platform, v: Viewer, channels: readonly CopyChannel[], address?: string | null): Promise<void> {
  const [to, plan] = await Promise.all([destinationsOf(platform, v), currentPlan(platform.db.read, v.recordIds)]);
  if (!plan) throw new NotFoundError();
  const errors = [];
  if (channels.includes('email') && !to.email) errors.push({ field: 'channels', message: v.kind === 'person' ? 'We do not have an email address for your account: choose a text message' : 'There is no email address on their record: choose a text message, or add their email to their record first' });
  if (channels.includes('sms') && !to.mobile) errors.push({ field: 'channels', message: v.kind === 'person' ? 'We do not have a mobile number for your account: choose email' : 'There is no mobile number on their record: choose email, or add their mobile to their record first' });
  if (errors.length) throw new InputError(errors.slice(0, 1));
  const crisis = platform.config.crisis;
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const hour = now.toISOString().slice(0, 13);
    // One copy a version, channel and recipient in any hour: a second click sends nothing more, a copy
    // to another address (the person's own, then the one on their record) still goes.
    const key = (channel: CopyChannel, recipient: string) => `safety-plan-copy:${plan.planId}:${plan.version}:${channel}:${createHash('sha256').update(recipient).digest('hex').slice(0, 16)}:${hour}`;
    if (channels.includes('email') && to.email) {
      await enqueueMessage(tx, platform.clock, {
        channel: 'email',
        to: to.email,
        kind: 'crisis.safety-plan-copy',
        personalisation: { subject: 'Your safety plan', body: planAsText(plan, crisis, `${platform.config.publicUrl}${paths.mySafetyPlan}`) },
        dedupeKey: key('email', to.email),
        personId: v.rootId,
      });
    }
    if (channels.includes('sms') && to.mobile) {
      await enqueueMessage(tx, platform.clock, { channel: 'sms', to: to.mobile, kind: 'crisis.safety-plan-copy', personalisation: { body: planAsTextMessage(plan, crisis) }, dedupeKey: key('sms', to.mobile), personId: v.rootId });
    }
    await audit(tx, now, v, 'crisis.safety-plan.send', plan.planId, address);
  });
}

export interface SafetyPlanSummary extends ShownVersion {
  /** Where practitioners see it whole, and its PDF. */
  href: string;
  pdfHref: string;
  /** The steps, so the summary partial needs nothing else from the page. */
  steps: readonly Step[];
}

/**
 * The person's current safety plan for a crisis responder's page (an episode): the records given are
 * the person's (and those merged into it). Reads only; the page that shows it audits its own view.
 */
export async function safetyPlanFor(platform: Platform, tx: Kysely<DB>, personIds: readonly string[]): Promise<SafetyPlanSummary | null> {
  void platform;
  const plan = await currentPlan(tx, personIds);
  if (!plan) return null;
  return { ...plan, href: paths.safetyPlan(plan.personId), pdfHref: paths.safetyPlanPdf(plan.personId), steps: STEPS };
}

/** Each save of a plan, as an entry of the person's timeline. */
export async function planTimeline(db: Kysely<DB>, personIds: readonly string[]): Promise<TimelineEntry[]> {
  const rows = await versionsForPeople(db, personIds);
  return rows.map((r) => ({
    at: r.created_at,
    source: SOURCE,
    kind: 'safety-plan',
    title: r.version === 1 ? 'Safety plan written' : `Safety plan changed (version ${r.version})`,
    detail: r.change_note,
    by: r.written_by_name,
    href: paths.safetyPlan(r.person_id),
    personId: r.person_id,
  }));
}

// ---- the demo ----

/** The demo person's plan, written with the crisis team (version 1), then changed by Jordan in the portal (version 2). */
export async function seedSafetyPlanDemo(platform: Platform, demo: DemoAlliance): Promise<string | undefined> {
  const personId = await personOfAccount(platform.db.read, demo.users.person);
  if (!personId || (await planOf(platform.db.read, [personId]))) return undefined;
  const base = { rootId: personId, recordIds: [personId] };
  const practitioner: Viewer = { kind: 'practitioner', userId: demo.users.crisisPractitioner, role: 'practitioner', teamId: demo.teams.crisis, purpose: 'direct care', ...base };
  const person: Viewer = { kind: 'person', userId: demo.users.person, role: 'person', teamId: null, purpose: PURPOSE_OWN, ...base };
  const openNow = await crisisServicesOpenNow(platform, 'SE5 8AF');
  const first: PlanContent = {
    warningSigns: ['Not sleeping for more than two nights', 'Cancelling on friends and staying in my room', 'Thinking everyone would be better off without me'],
    copingAlone: ['Walk round Burgess Park with music on', 'A hot shower, then breathing slowly for five minutes', 'Write down what is in my head'],
    distractions: ['Going to the gym with Sam', 'The library on Peckham Road', 'Football at the park on Sundays'],
    helpPeople: [
      { name: 'Chris (my brother)', phone: '07700 900462', detail: 'Any time' },
      { name: 'Sam', phone: '07700 900463', detail: 'Evenings' },
    ],
    professionals: startingProfessionals(platform.config.crisis, openNow),
    safer: ['Give my spare medication to Chris to keep', 'Stay with Chris if the warning signs last more than a day'],
    reasons: ['My niece Maya', 'Finishing my course', 'Seeing Chris and Sam at the weekends'],
  };
  await savePlan(platform, async () => practitioner, { baseVersion: 0, content: first, withPerson: true, changeNote: 'Written together after the crisis team visit' });
  const second: PlanContent = { ...first, copingAlone: [...first.copingAlone, 'Cook something I like, slowly'], reasons: ['My niece Maya', 'Finishing my course', 'Seeing Chris and Sam at the weekends', 'My dog, Biscuit'] };
  await savePlan(platform, async () => person, { baseVersion: 1, content: second, withPerson: true, changeNote: 'Added cooking and Biscuit' });
  return 'a safety plan for Jordan Reid (2 versions)';
}
