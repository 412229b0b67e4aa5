// Notes with visibility (issue 5, item 7). A practitioner writes a note about a person; the person
// sees it in their portal by default ("nothing about me without me"). A note is withheld only with a
// lawful reason (information about someone else, or serious harm: UK GDPR Article 15 with the Data
// Protection Act 2018, Schedule 2 paragraph 16 and Schedule 3 paragraph 5), recorded with an
// explanation; then the person's view says that a note was withheld, when and why, never its text,
// and a lead of the author's team must confirm or release it within 5 working days: a team task,
// and a durable timer that tells the leads when it is late. A note is never changed in place: a
// correction is a new version of the thread (with a reason), an addendum a new row of it; every
// version is kept and shown.
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor, authorize, teamsWhere } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import { newId } from '../../platform/db/ids.ts';
import type { DB } from '../../platform/db/tables.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { scheduleTimer } from '../../platform/jobs/timers.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { endOfNextWorkingDay, OFFICE_HOURS, type OpeningHours } from '../../platform/time/calendar.ts';
import { accessTo, auditOwnView, auditPeople, ownRecords, PEOPLE_READ, PEOPLE_WRITE, type PersonAccess, type TimelineEntry } from '../people/index.ts';
import { CONTACTS, type NoteForm, WITHHOLD_REASONS } from './note-schemas.ts';
import {
  administrators,
  decideWithholdingRow,
  insertNote,
  insertWithholding,
  markEscalated,
  type NoteRow,
  notesAbout,
  openCoordinationOf,
  personNameOf,
  teamLeads,
  threadRows,
  type WithholdingRow,
  withholdingById,
  withholdingOfNote,
  withholdingsAbout,
  withholdingsOfTeams,
} from './note-store.ts';
import { paths } from './paths.ts';
import { createTask, finishTask, openTasksFor } from './tasks.ts';

export const CARE_READ = 'care:read';
export const CARE_WRITE = 'care:write';
export const CARE_TEAM_READ = 'care:team:read';
/** The timer that tells a team's leads a withheld note was not confirmed in time. */
export const NOTE_CONFIRMATION_TIMER = 'care.note-withholding.confirm-by';
export const CONFIRM_WITHIN_WORKING_DAYS = 5;
export const PURPOSE_WITHHOLDING_REVIEW = 'confirming a note withheld from the person';

/**
 * Working days for confirming a withholding: Monday to Friday, not bank holidays (England and Wales),
 * whatever hours the team keeps; a deadline is the end of a working day (17:00 London).
 */
const WORKING_WEEK: OpeningHours = OFFICE_HOURS;

/** The end (17:00 London) of the 5th working day after the day a note was withheld. */
export function confirmationDeadline(withheldAt: Date): Date {
  let at = withheldAt;
  for (let i = 0; i < CONFIRM_WITHIN_WORKING_DAYS; i++) at = endOfNextWorkingDay(WORKING_WEEK, at);
  return at;
}

const CONTACT_WORDS: Record<string, string> = Object.fromEntries(CONTACTS.map((c) => [c.value, c.text]));
const REASON_TEXT: Record<string, string> = Object.fromEntries(WITHHOLD_REASONS.map((r) => [r.value, r.text]));
const REASON_PERSON_WORDS: Record<string, string> = Object.fromEntries(WITHHOLD_REASONS.map((r) => [r.value, r.personWords]));
const LABEL_WORDS: Record<string, string> = { general: 'General', 'mental-health': 'Mental health', 'social-care': 'Social care', 'safety-plan': 'Safety plan' };

/** Whether a withholding keeps the note from the person now (released ones do not). */
const inForce = (w: WithholdingRow | undefined) => w !== undefined && w.status !== 'released';

export interface NoteThread {
  id: string;
  personId: string;
  teamId: string;
  teamName: string;
  /** The version in force: the original or its latest correction. */
  current: NoteRow;
  /** Every version, oldest first (the original, then corrections). */
  versions: NoteRow[];
  addenda: NoteRow[];
  writtenAt: string;
  contactText: string;
  labelText: string;
  withholding: (WithholdingRow & { reasonText: string; personWords: string }) | null;
  /** Whether the person sees it now. */
  shared: boolean;
}

/** Rows of one or more threads put together, newest thread first. */
export function threadsOf(rows: readonly NoteRow[], withholdings: readonly WithholdingRow[]): NoteThread[] {
  const byThread = new Map<string, NoteRow[]>();
  for (const r of rows) byThread.set(r.thread_id, [...(byThread.get(r.thread_id) ?? []), r]);
  const withheld = new Map(withholdings.map((w) => [w.note_id, w]));
  const threads: NoteThread[] = [];
  for (const [id, list] of byThread) {
    list.sort((a, b) => a.seq - b.seq);
    const versions = list.filter((r) => r.kind !== 'addendum');
    const first = versions[0];
    if (!first) continue;
    const current = versions[versions.length - 1]!;
    const w = withheld.get(id);
    threads.push({
      id,
      personId: first.person_id,
      teamId: first.team_id,
      teamName: first.team_name,
      current,
      versions,
      addenda: list.filter((r) => r.kind === 'addendum'),
      writtenAt: first.written_at,
      contactText: CONTACT_WORDS[current.contact] ?? current.contact,
      labelText: LABEL_WORDS[current.privacy_label] ?? current.privacy_label,
      withholding: w ? { ...w, reasonText: REASON_TEXT[w.reason_kind] ?? w.reason_kind, personWords: REASON_PERSON_WORDS[w.reason_kind] ?? '' } : null,
      shared: !inForce(w),
    });
  }
  return threads.sort((a, b) => (a.current.occurred_at < b.current.occurred_at ? 1 : a.current.occurred_at > b.current.occurred_at ? -1 : a.writtenAt < b.writtenAt ? 1 : -1));
}

async function personAccess(platform: Platform, db: Kysely<DB>, actor: Actor, personId: string, permission: string, carePermission: string): Promise<PersonAccess> {
  if (!authorize(actor, carePermission)) throw new NotFoundError();
  const access = await accessTo(platform, db, actor, personId, permission);
  if (!access || access.rootId !== personId) throw new NotFoundError();
  return access;
}

/** The team a note is written for: the team through which the writer sees the person, else their first team that may write notes. */
function writingTeam(access: PersonAccess, actor: Actor): string {
  if (access.teamId && authorize(actor, CARE_WRITE, { teamId: access.teamId })) return access.teamId;
  const team = teamsWhere(actor, CARE_WRITE)[0];
  if (!team) throw new ConflictError('You can write notes only as a member of a team.');
  return team;
}

// ---- practitioners ----

/** A person's notes for practitioners, newest first: every thread, shared or withheld. Audited. */
export async function notesOfPerson(platform: Platform, actor: Actor, personId: string, address?: string | null) {
  const db = platform.db.read;
  const access = await personAccess(platform, db, actor, personId, PEOPLE_READ, CARE_READ);
  const [rows, withholdings, personName] = await Promise.all([notesAbout(db, access.recordIds), withholdingsAbout(db, access.recordIds), personNameOf(db, access.rootId)]);
  await platform.db.write((tx) => auditPeople(tx, platform.clock.now(), access, 'care.notes.view', access.recordIds, null, address));
  return { access, personName, threads: threadsOf(rows, withholdings) };
}

/** Checks the actor may write a note about the person, for the form; the form shows the person's name, so opening it is audited. */
export async function mayWriteNote(platform: Platform, actor: Actor, personId: string, address?: string | null): Promise<{ access: PersonAccess; personName: string }> {
  const access = await personAccess(platform, platform.db.read, actor, personId, PEOPLE_WRITE, CARE_WRITE);
  const personName = await personNameOf(platform.db.read, access.rootId);
  await platform.db.write((tx) => auditPeople(tx, platform.clock.now(), access, 'care.note.form-view', [access.rootId], null, address));
  return { access, personName };
}

/**
 * Writes a note. Shared by default; withheld only with a reason and an explanation, which makes a
 * task for the team's leads and a timer for the deadline (5 working days), in the same unit of work.
 */
export async function writeNote(platform: Platform, actor: Actor, personId: string, form: NoteForm, address?: string | null): Promise<{ noteId: string }> {
  return platform.db.write(async (tx) => {
    const access = await personAccess(platform, tx, actor, personId, PEOPLE_WRITE, CARE_WRITE);
    const now = platform.clock.now();
    const teamId = writingTeam(access, actor);
    const id = newId();
    await insertNote(tx, {
      id,
      person_id: personId,
      coordination_id: (await openCoordinationOf(tx, access.recordIds, teamId)) ?? null,
      team_id: teamId,
      thread_id: id,
      kind: 'original',
      seq: 1,
      supersedes_id: null,
      change_reason: null,
      contact: form.contact,
      occurred_at: form.occurredAt.toISOString(),
      body: form.body,
      privacy_label: form.privacyLabel,
      author_id: access.user.userId,
      written_at: now.toISOString(),
    });
    await auditPeople(tx, now, access, 'care.note.write', [personId], { type: 'care-note', id }, address);
    if (form.visibility === 'withheld') {
      if (!form.reasonKind || !form.explanation) throw new InputError([{ field: 'reasonKind', message: 'Select the reason for withholding this note' }]);
      await withhold(platform, tx, { noteId: id, personId, teamId, access, reasonKind: form.reasonKind, explanation: form.explanation, personExplanation: form.personExplanation ?? null, now, address });
    }
    return { noteId: id };
  });
}

async function withhold(
  platform: Platform,
  tx: Kysely<DB>,
  w: { noteId: string; personId: string; teamId: string; access: PersonAccess; reasonKind: 'third-party' | 'serious-harm'; explanation: string; personExplanation: string | null; now: Date; address?: string | null },
): Promise<void> {
  const id = newId();
  const confirmBy = confirmationDeadline(w.now);
  const taskId = await createTask(tx, {
    teamId: w.teamId,
    personId: w.personId,
    title: 'Confirm or release a note withheld from the person',
    detail: `A note was withheld (${REASON_TEXT[w.reasonKind]?.toLowerCase()}). A team lead must confirm it, or release it so the person can see it.`,
    dueAt: confirmBy,
    source: 'care',
    sourceKind: 'note-confirmation',
    sourceId: id,
    createdBy: w.access.user.userId,
    at: w.now,
  });
  await insertWithholding(tx, {
    id,
    note_id: w.noteId,
    person_id: w.personId,
    team_id: w.teamId,
    reason_kind: w.reasonKind,
    explanation: w.explanation,
    person_explanation: w.personExplanation,
    withheld_by: w.access.user.userId,
    withheld_at: w.now.toISOString(),
    confirm_by: confirmBy.toISOString(),
    status: 'awaiting-confirmation',
    decided_by: null,
    decided_at: null,
    decision_note: null,
    escalated_at: null,
    task_id: taskId,
  });
  await scheduleTimer(tx, { kind: NOTE_CONFIRMATION_TIMER, dueAt: confirmBy, payload: { withholdingId: id }, dedupeKey: `${NOTE_CONFIRMATION_TIMER}:${id}` });
  await auditPeople(tx, w.now, w.access, 'care.note.withhold', [w.personId], { type: 'care-note-withholding', id }, w.address);
  // The leads are told there is something to confirm: no personal data in a staff email.
  const leads = (await teamLeads(tx, w.teamId)).filter((lead) => lead.id !== w.access.user.userId);
  if (leads.length === 0) await tellAdministratorsNoLead(platform, tx, 'care.note-withheld-no-lead');
  for (const lead of leads) {
    await enqueueMessage(tx, platform.clock, {
      channel: 'email',
      to: lead.email,
      kind: 'care.note-withheld',
      personalisation: {
        subject: 'A note withheld from a person needs your confirmation',
        body: `Someone in your team withheld a note from the person it is about. Confirm it, or release it so the person can see it, within ${CONFIRM_WITHIN_WORKING_DAYS} working days: open "Withheld notes" in Mutual (${paths.withheldNotes}).`,
      },
    });
  }
}

/** One note with every version and addendum, for practitioners. Audited. */
export async function noteThread(platform: Platform, actor: Actor, personId: string, noteId: string, address?: string | null) {
  const db = platform.db.read;
  const access = await personAccess(platform, db, actor, personId, PEOPLE_READ, CARE_READ);
  const thread = await loadThread(db, access, noteId);
  await platform.db.write((tx) => auditPeople(tx, platform.clock.now(), access, 'care.note.view', [thread.personId], { type: 'care-note', id: thread.id }, address));
  return { access, thread };
}

async function loadThread(db: Kysely<DB>, access: PersonAccess, noteId: string): Promise<NoteThread> {
  const rows = await threadRows(db, noteId);
  if (rows.length === 0 || !access.recordIds.includes(rows[0]!.person_id)) throw new NotFoundError();
  const w = await withholdingOfNote(db, noteId);
  const thread = threadsOf(rows, w ? [w] : [])[0];
  if (!thread) throw new NotFoundError();
  return thread;
}

/** Whether the actor may correct the note: only its author may (others add an addendum). */
export function mayCorrect(actor: Actor, thread: NoteThread): boolean {
  return actor.kind === 'user' && thread.versions[0]?.author_id === actor.userId;
}

/** The note for the correction form (audited as a view). */
export async function noteForChange(platform: Platform, actor: Actor, personId: string, noteId: string, address?: string | null) {
  const db = platform.db.read;
  const access = await personAccess(platform, db, actor, personId, PEOPLE_WRITE, CARE_WRITE);
  const thread = await loadThread(db, access, noteId);
  await platform.db.write((tx) => auditPeople(tx, platform.clock.now(), access, 'care.note.view', [thread.personId], { type: 'care-note', id: thread.id }, address));
  return { access, thread };
}

/**
 * Corrects a note: a new version of the whole text, with why. Refused (ConflictError) when the note
 * gained a version or addendum since the form was opened, so nobody corrects what they have not read.
 */
export async function correctNote(platform: Platform, actor: Actor, personId: string, noteId: string, form: { seq: number; body: string; reason: string }, address?: string | null): Promise<void> {
  await addToThread(platform, actor, personId, noteId, address, { kind: 'correction', body: form.body, reason: form.reason, expectedSeq: form.seq });
}

/** Adds an addendum: more written later, under the note. */
export async function addAddendum(platform: Platform, actor: Actor, personId: string, noteId: string, form: { body: string }, address?: string | null): Promise<void> {
  await addToThread(platform, actor, personId, noteId, address, { kind: 'addendum', body: form.body, reason: null, expectedSeq: null });
}

async function addToThread(
  platform: Platform,
  actor: Actor,
  personId: string,
  noteId: string,
  address: string | null | undefined,
  add: { kind: 'correction' | 'addendum'; body: string; reason: string | null; expectedSeq: number | null },
): Promise<void> {
  await platform.db.write(async (tx) => {
    const access = await personAccess(platform, tx, actor, personId, PEOPLE_WRITE, CARE_WRITE);
    const thread = await loadThread(tx, access, noteId);
    // As in a health record: only its author corrects a note; anyone else who may write adds an addendum.
    if (add.kind === 'correction' && !mayCorrect(actor, thread)) throw new NotFoundError();
    const last = Math.max(...[...thread.versions, ...thread.addenda].map((r) => r.seq));
    if (add.expectedSeq !== null && add.expectedSeq !== last) {
      throw new ConflictError('This note changed after you opened it (someone corrected it or added to it), so nothing was saved. Open the note again to read it, then make your correction.');
    }
    const now = platform.clock.now();
    const id = newId();
    const current = thread.current;
    await insertNote(tx, {
      id,
      person_id: current.person_id,
      coordination_id: current.coordination_id,
      team_id: current.team_id,
      thread_id: thread.id,
      kind: add.kind,
      seq: last + 1,
      supersedes_id: add.kind === 'correction' ? current.id : null,
      change_reason: add.reason,
      contact: current.contact,
      occurred_at: current.occurred_at,
      body: add.body,
      privacy_label: current.privacy_label,
      author_id: access.user.userId,
      written_at: now.toISOString(),
    });
    await auditPeople(tx, now, access, add.kind === 'correction' ? 'care.note.correct' : 'care.note.addendum', [current.person_id], { type: 'care-note', id: thread.id }, address);
  });
}

// ---- team leads: confirming withholdings ----

/** Withheld notes of the lead's teams: awaiting confirmation first. Each person shown is audited (one batch). */
export async function withheldNotesForLeads(platform: Platform, actor: Actor, address?: string | null) {
  if (actor.kind !== 'user') throw new NotFoundError();
  const teams = teamsWhere(actor, CARE_TEAM_READ);
  const db = platform.db.read;
  const rows = await withholdingsOfTeams(db, teams);
  const now = platform.clock.now();
  await platform.db.write(async (tx) => {
    for (const r of rows) {
      await recordAudit(tx, {
        at: now,
        actorUserId: actor.userId,
        actorRole: 'team-lead',
        actorTeamId: r.team_id,
        action: 'care.note-withholdings.view',
        entityType: 'care-note-withholding',
        entityId: r.id,
        personId: r.person_id,
        purpose: PURPOSE_WITHHOLDING_REVIEW,
        outcome: 'success',
        address: address ?? null,
      });
    }
  });
  return rows.map((r) => ({ ...r, reasonText: REASON_TEXT[r.reason_kind] ?? r.reason_kind, overdue: r.status === 'awaiting-confirmation' && r.confirm_by < now.toISOString(), own: r.withheld_by === actor.userId }));
}

async function leadsWithholding(db: Kysely<DB>, actor: Actor, withholdingId: string): Promise<WithholdingRow> {
  const w = await withholdingById(db, withholdingId);
  // A lead of the note's team: the duty to confirm is the team's, so it does not end with the team's involvement.
  if (!w || !authorize(actor, CARE_TEAM_READ, { teamId: w.team_id })) throw new NotFoundError();
  return w;
}

/** A withheld note for a lead to decide on: the note itself (the lead must read it to judge), the reason and the explanation. Audited. */
export async function withholdingForReview(platform: Platform, actor: Actor, withholdingId: string, address?: string | null) {
  if (actor.kind !== 'user') throw new NotFoundError();
  const db = platform.db.read;
  const w = await leadsWithholding(db, actor, withholdingId);
  const rows = await threadRows(db, w.note_id);
  const thread = threadsOf(rows, [w])[0];
  if (!thread) throw new NotFoundError();
  const personName = await personNameOf(db, w.person_id);
  await platform.db.write((tx) =>
    auditPeople(tx, platform.clock.now(), { user: actor, role: 'team-lead', teamId: w.team_id, purpose: PURPOSE_WITHHOLDING_REVIEW }, 'care.note-withholding.view', [w.person_id], { type: 'care-note-withholding', id: w.id }, address),
  );
  return { withholding: thread.withholding!, thread, personName, own: w.withheld_by === actor.userId };
}

/**
 * A lead confirms the withholding, or releases the note so the person sees it (a confirmed one may be
 * released later). Never the lead who withheld it. Finishes the team's task; refused when the
 * withholding changed since the page was opened.
 */
export async function decideWithholding(
  platform: Platform,
  actor: Actor,
  withholdingId: string,
  form: { version: number; decision: 'confirm' | 'release'; note: string },
  address?: string | null,
): Promise<{ personId: string }> {
  if (actor.kind !== 'user') throw new NotFoundError();
  return platform.db.write(async (tx) => {
    const w = await leadsWithholding(tx, actor, withholdingId);
    if (w.withheld_by === actor.userId) throw new InputError([{ field: 'decision', message: 'Another team lead must confirm or release a note you withheld yourself' }]);
    const now = platform.clock.now();
    const from = form.decision === 'confirm' ? (['awaiting-confirmation'] as const) : (['awaiting-confirmation', 'confirmed'] as const);
    const status = form.decision === 'confirm' ? 'confirmed' : 'released';
    if (!(await decideWithholdingRow(tx, w.id, form.version, from, { status, by: actor.userId, at: now, note: form.note }))) {
      throw new ConflictError('Someone decided about this note after you opened it, so nothing was changed. Open it again to see what they decided.');
    }
    for (const task of await openTasksFor(tx, 'care', 'note-confirmation', w.id)) {
      await finishTask(tx, { taskId: task.id, status: 'done', by: actor.userId, at: now, note: `${form.decision === 'confirm' ? 'Withholding confirmed' : 'Note released to the person'}: ${form.note}` });
    }
    await auditPeople(
      tx,
      now,
      { user: actor, role: 'team-lead', teamId: w.team_id, purpose: PURPOSE_WITHHOLDING_REVIEW },
      form.decision === 'confirm' ? 'care.note-withholding.confirm' : 'care.note-withholding.release',
      [w.person_id],
      { type: 'care-note-withholding', id: w.id },
      address,
    );
    return { personId: w.person_id };
  });
}

/**
 * A withheld note must be confirmed by a lead of its team other than whoever withheld it (H17). When the
 * team has no such lead, nobody could: the alliance's administrators, who manage accounts and roles, are
 * told to make someone its lead. No personal data, and not even the team (the notes page shows it).
 */
async function tellAdministratorsNoLead(platform: Platform, tx: Kysely<DB>, kind: 'care.note-withheld-no-lead' | 'care.note-withheld-no-lead-overdue'): Promise<void> {
  const overdue = kind === 'care.note-withheld-no-lead-overdue';
  for (const admin of await administrators(tx)) {
    await enqueueMessage(tx, platform.clock, {
      channel: 'email',
      to: admin.email,
      kind,
      personalisation: {
        subject: overdue ? 'Overdue: a withheld note has no team lead to confirm it' : 'A team has no lead to confirm a withheld note',
        body:
          `A note was withheld from the person it is about, and a team lead other than whoever withheld it must confirm or release it within ${CONFIRM_WITHIN_WORKING_DAYS} working days. ` +
          `Its team has no such lead${overdue ? ', and the time is up' : ''}. Make someone in the team its lead today; they will find it under "Withheld notes" in Mutual (${paths.withheldNotes}).`,
      },
    });
  }
}

/** The timer at the deadline: a withholding still unconfirmed is marked escalated, and the team's leads (or, with none who may decide, the administrators) are told again (once). */
export async function onConfirmationDue(platform: Platform, tx: Kysely<DB>, payload: { withholdingId: string }): Promise<void> {
  const w = await withholdingById(tx, payload.withholdingId);
  if (w?.status !== 'awaiting-confirmation') return;
  const now = platform.clock.now();
  if (!(await markEscalated(tx, w.id, now))) return;
  const leads = await teamLeads(tx, w.team_id);
  // Nobody but the lead who withheld it could decide: the administrators are told again, as overdue.
  if (leads.every((lead) => lead.id === w.withheld_by)) await tellAdministratorsNoLead(platform, tx, 'care.note-withheld-no-lead-overdue');
  for (const lead of leads) {
    await enqueueMessage(tx, platform.clock, {
      channel: 'email',
      to: lead.email,
      kind: 'care.note-withheld-overdue',
      personalisation: {
        subject: 'Overdue: a withheld note was not confirmed within 5 working days',
        body: `A note withheld from the person it is about has not been confirmed or released within ${CONFIRM_WITHIN_WORKING_DAYS} working days. The person is told it is waiting for a team lead. Open "Withheld notes" in Mutual (${paths.withheldNotes}) and decide today.`,
      },
    });
  }
  await recordAudit(tx, {
    at: now,
    actorUserId: null,
    actorRole: 'system',
    actorTeamId: w.team_id,
    action: 'care.note-withholding.escalate',
    entityType: 'care-note-withholding',
    entityId: w.id,
    personId: w.person_id,
    purpose: PURPOSE_WITHHOLDING_REVIEW,
    outcome: 'success',
  });
}

// ---- the person ----

/**
 * The person's own notes (`/my-record/notes`), newest first: every shared note with its versions and
 * addenda; for a withheld one only that it was withheld, when, by which team and why, never its
 * text. Audited as the person's own view.
 */
export async function myNotes(platform: Platform, actor: Actor, address: string | null) {
  const db = platform.db.read;
  const who = await ownRecords(db, actor);
  const [rows, withholdings] = await Promise.all([notesAbout(db, who.recordIds), withholdingsAbout(db, who.recordIds)]);
  await auditOwnView(platform, who, 'care.notes.portal-view', address);
  return {
    notes: threadsOf(rows, withholdings).map((t) =>
      t.shared
        ? {
            shared: true as const,
            id: t.id,
            writtenAt: t.writtenAt,
            occurredAt: t.current.occurred_at,
            teamName: t.teamName,
            contactText: t.contactText,
            current: { body: t.current.body, by: t.current.author_name, at: t.current.written_at, reason: t.current.change_reason },
            earlier: t.versions.slice(0, -1).map((v) => ({ body: v.body, by: v.author_name, at: v.written_at })),
            addenda: t.addenda.map((a) => ({ body: a.body, by: a.author_name, at: a.written_at })),
            released: t.withholding?.status === 'released' ? { from: t.withholding.withheld_at, until: t.withholding.decided_at } : null,
          }
        : {
            shared: false as const,
            id: t.id,
            writtenAt: t.writtenAt,
            teamName: t.teamName,
            reason: t.withholding!.personWords,
            personExplanation: t.withholding!.person_explanation,
            status: t.withholding!.status,
            decidedAt: t.withholding!.decided_at,
          },
    ),
  };
}

// ---- the person record's timeline ----

/** Every note row about these records, as timeline entries for practitioners (withheld ones say so). */
export async function notesTimeline(db: Kysely<DB>, personIds: readonly string[]): Promise<TimelineEntry[]> {
  const [rows, withholdings] = await Promise.all([notesAbout(db, personIds), withholdingsAbout(db, personIds)]);
  const withheld = new Set(withholdings.filter(inForce).map((w) => w.note_id));
  return rows.map((r) => {
    const what = r.kind === 'original' ? `Note (${(CONTACT_WORDS[r.contact] ?? r.contact).toLowerCase()}), ${r.team_name}` : r.kind === 'correction' ? `Note corrected: ${r.change_reason}` : 'Addendum to a note';
    return {
      at: r.written_at,
      source: 'care-notes',
      kind: r.kind === 'original' ? 'note' : `note-${r.kind}`,
      title: withheld.has(r.thread_id) ? `${what} (withheld from the person)` : what,
      detail: r.body,
      by: r.author_name,
      href: paths.note(personIds[0]!, r.thread_id),
      personId: r.person_id,
    };
  });
}
