// The queries of notes with visibility (issue 5, item 7). Rows of `care_notes` are only ever added;
// a withholding's status changes (awaiting, confirmed, released) with who decided and when.
import type { Kysely } from 'kysely';
import { accountsWithRole } from '../../platform/auth/store.ts';
import type { CareNotesTable, CareNoteWithholdingsTable, DB } from '../../platform/db/tables.ts';

export type NoteRow = CareNotesTable & { author_name: string; team_name: string };
export type WithholdingRow = Omit<CareNoteWithholdingsTable, 'version'> & { version: number };

const NOTE_COLUMNS = [
  'id',
  'person_id',
  'coordination_id',
  'team_id',
  'thread_id',
  'kind',
  'seq',
  'supersedes_id',
  'change_reason',
  'contact',
  'occurred_at',
  'body',
  'privacy_label',
  'author_id',
  'written_at',
] as const;

const WITHHOLDING_COLUMNS = [
  'id',
  'note_id',
  'person_id',
  'team_id',
  'reason_kind',
  'explanation',
  'person_explanation',
  'withheld_by',
  'withheld_at',
  'confirm_by',
  'status',
  'decided_by',
  'decided_at',
  'decision_note',
  'escalated_at',
  'task_id',
  'version',
] as const;

/** Notes with their authors' and teams' names. */
function notes(db: Kysely<DB>) {
  return db
    .selectFrom('care_notes')
    .innerJoin('users', 'users.id', 'care_notes.author_id')
    .innerJoin('teams', 'teams.id', 'care_notes.team_id')
    .select([...NOTE_COLUMNS.map((c) => `care_notes.${c}` as const), 'users.display_name as author_name', 'teams.name as team_name']);
}

export async function insertNote(tx: Kysely<DB>, row: CareNotesTable): Promise<void> {
  await tx.insertInto('care_notes').values(row).execute();
}

/** Every version and addendum of every note about these records, oldest first (threads are put together by the caller). */
export async function notesAbout(db: Kysely<DB>, personIds: readonly string[]): Promise<NoteRow[]> {
  if (personIds.length === 0) return [];
  return (await notes(db).where('care_notes.person_id', 'in', [...personIds]).orderBy('care_notes.written_at').orderBy('care_notes.seq').execute()) as NoteRow[];
}

/** One thread's rows in order (original, corrections, addenda). */
export async function threadRows(db: Kysely<DB>, threadId: string): Promise<NoteRow[]> {
  return (await notes(db).where('care_notes.thread_id', '=', threadId).orderBy('care_notes.seq').execute()) as NoteRow[];
}

export async function withholdingsAbout(db: Kysely<DB>, personIds: readonly string[]): Promise<WithholdingRow[]> {
  if (personIds.length === 0) return [];
  return (await db.selectFrom('care_note_withholdings').select(WITHHOLDING_COLUMNS).where('person_id', 'in', [...personIds]).execute()) as WithholdingRow[];
}

export async function withholdingOfNote(db: Kysely<DB>, noteId: string): Promise<WithholdingRow | undefined> {
  return (await db.selectFrom('care_note_withholdings').select(WITHHOLDING_COLUMNS).where('note_id', '=', noteId).executeTakeFirst()) as WithholdingRow | undefined;
}

export async function withholdingById(db: Kysely<DB>, id: string): Promise<WithholdingRow | undefined> {
  return (await db.selectFrom('care_note_withholdings').select(WITHHOLDING_COLUMNS).where('id', '=', id).executeTakeFirst()) as WithholdingRow | undefined;
}

export async function insertWithholding(tx: Kysely<DB>, row: Omit<CareNoteWithholdingsTable, 'version'>): Promise<void> {
  await tx.insertInto('care_note_withholdings').values(row).execute();
}

/** Records a lead's decision, only if the withholding is as the lead saw it (its version); false otherwise. */
export async function decideWithholdingRow(
  tx: Kysely<DB>,
  id: string,
  expectedVersion: number,
  from: readonly WithholdingRow['status'][],
  decision: { status: 'confirmed' | 'released'; by: string; at: Date; note: string },
): Promise<boolean> {
  const result = await tx
    .updateTable('care_note_withholdings')
    .set((eb) => ({ status: decision.status, decided_by: decision.by, decided_at: decision.at.toISOString(), decision_note: decision.note, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .where('status', 'in', [...from])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Marks an unconfirmed withholding as escalated (once); false when it was decided or escalated already. */
export async function markEscalated(tx: Kysely<DB>, id: string, at: Date): Promise<boolean> {
  const result = await tx
    .updateTable('care_note_withholdings')
    .set((eb) => ({ escalated_at: at.toISOString(), version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', 'awaiting-confirmation')
    .where('escalated_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The withholdings of these teams for their leads: awaiting confirmation first (the earliest deadline first), then decided, newest first. */
export async function withholdingsOfTeams(db: Kysely<DB>, teamIds: readonly string[], limit = 200) {
  if (teamIds.length === 0) return [];
  return db
    .selectFrom('care_note_withholdings as w')
    .innerJoin('people', 'people.id', 'w.person_id')
    .innerJoin('users as withholder', 'withholder.id', 'w.withheld_by')
    .innerJoin('teams', 'teams.id', 'w.team_id')
    .leftJoin('users as decider', 'decider.id', 'w.decided_by')
    .select([
      'w.id',
      'w.note_id',
      'w.person_id',
      'w.team_id',
      'w.reason_kind',
      'w.explanation',
      'w.withheld_by',
      'w.withheld_at',
      'w.confirm_by',
      'w.status',
      'w.decided_at',
      'w.decision_note',
      'w.escalated_at',
      'w.version',
      'people.given_name',
      'people.family_name',
      'withholder.display_name as withheld_by_name',
      'decider.display_name as decided_by_name',
      'teams.name as team_name',
    ])
    .where('w.team_id', 'in', [...teamIds])
    .orderBy((eb) => eb.case().when('w.status', '=', 'awaiting-confirmation').then(0).else(1).end())
    .orderBy('w.confirm_by')
    .orderBy('w.withheld_at', 'desc')
    .limit(limit)
    .execute();
}

/** Leads of a team with an account in use: who confirms a withholding, and who is told when it is late. */
export async function teamLeads(db: Kysely<DB>, teamId: string) {
  return accountsWithRole(db, { teamId }, ['team-lead']);
}

/** The alliance's administrators (who manage accounts and their roles): told when a team has no lead to confirm a withheld note. */
export async function administrators(db: Kysely<DB>) {
  return accountsWithRole(db, 'anywhere', ['admin']);
}

/** "Given Family", for page headings. */
export async function personNameOf(db: Kysely<DB>, personId: string): Promise<string> {
  const p = await db.selectFrom('people').select(['given_name', 'family_name']).where('id', '=', personId).executeTakeFirst();
  return p ? `${p.given_name} ${p.family_name}` : '';
}

export async function teamName(db: Kysely<DB>, teamId: string): Promise<string | undefined> {
  return (await db.selectFrom('teams').select(['name']).where('id', '=', teamId).executeTakeFirst())?.name;
}

/** An open coordination of this team with one of these records, if there is one (a note written in it names it). */
export async function openCoordinationOf(db: Kysely<DB>, personIds: readonly string[], teamId: string): Promise<string | undefined> {
  if (personIds.length === 0) return undefined;
  const row = await db
    .selectFrom('care_coordinations')
    .select(['id'])
    .where('person_id', 'in', [...personIds])
    .where('team_id', '=', teamId)
    .where('status', '=', 'open')
    .orderBy('opened_at', 'desc')
    .executeTakeFirst();
  return row?.id;
}

/** The latest contact a note records for each of these people (notes with contact 'none' are not contacts). */
export async function lastNoteContacts(db: Kysely<DB>, personIds: readonly string[]): Promise<Map<string, string>> {
  if (personIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('care_notes')
    .select((eb) => ['person_id', eb.fn.max('occurred_at').as('at')])
    .where('person_id', 'in', [...personIds])
    .where('contact', '!=', 'none')
    .where('kind', '!=', 'addendum')
    .groupBy('person_id')
    .execute();
  return new Map(rows.map((r) => [r.person_id, String(r.at)]));
}
