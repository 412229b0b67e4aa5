// Notes with visibility (issue 5, item 7):
// - `care_notes`: what a practitioner wrote about a person. Never changed in place: a correction is a
//   new row of the same thread (`thread_id`, `seq`) that supersedes the version it corrects, with a
//   reason; an addendum is a new row of the thread too. The person sees every version they may see.
// - `care_note_withholdings`: a note thread withheld from the person with a lawful reason (information
//   about someone else, or serious harm), for a lead of the team to confirm or release within 5
//   working days (a task, and a timer that escalates). One a thread.
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf, requiredWith } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('care_notes')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('coordination_id', t.id, (c) => c.references('care_coordinations.id'))
    .addColumn('team_id', t.id, (c) => c.notNull().references('teams.id'))
    .addColumn('thread_id', t.id, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('supersedes_id', t.id, (c) => c.references('care_notes.id'))
    .addColumn('change_reason', 'text')
    .addColumn('contact', 'text', (c) => c.notNull().defaultTo('none'))
    .addColumn('occurred_at', t.timestamp, (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('privacy_label', 'text', (c) => c.notNull().defaultTo('mental-health'))
    .addColumn('author_id', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('written_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addCheckConstraint('care_notes_kind', oneOf('kind', ['original', 'correction', 'addendum']))
    .addCheckConstraint('care_notes_contact', oneOf('contact', ['face-to-face', 'phone', 'video', 'message', 'none']))
    .addCheckConstraint('care_notes_privacy_label', oneOf('privacy_label', ['general', 'mental-health', 'social-care', 'safety-plan']))
    .addCheckConstraint('care_notes_correction_has_reason', requiredWith('supersedes_id', 'change_reason'))
    .execute();
  // A thread's versions in order; two writers cannot both add the same next version.
  await db.schema.createIndex('care_notes_thread_seq_idx').on('care_notes').columns(['thread_id', 'seq']).unique().execute();
  // A person's notes, newest first (the record's timeline, the portal); the latest contact (caseloads).
  await db.schema.createIndex('care_notes_person_idx').on('care_notes').columns(['person_id', 'written_at']).execute();
  await db.schema.createIndex('care_notes_contact_idx').on('care_notes').columns(['person_id', 'contact', 'occurred_at']).execute();

  await db.schema
    .createTable('care_note_withholdings')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('note_id', t.id, (c) => c.notNull().unique().references('care_notes.id'))
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('team_id', t.id, (c) => c.notNull().references('teams.id'))
    .addColumn('reason_kind', 'text', (c) => c.notNull())
    .addColumn('explanation', 'text', (c) => c.notNull())
    .addColumn('person_explanation', 'text')
    .addColumn('withheld_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('withheld_at', t.timestamp, (c) => c.notNull())
    .addColumn('confirm_by', t.timestamp, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('awaiting-confirmation'))
    .addColumn('decided_by', t.id, (c) => c.references('users.id'))
    .addColumn('decided_at', t.timestamp)
    .addColumn('decision_note', 'text')
    .addColumn('escalated_at', t.timestamp)
    .addColumn('task_id', t.id, (c) => c.references('tasks.id'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('care_note_withholdings_reason_kind', oneOf('reason_kind', ['third-party', 'serious-harm']))
    .addCheckConstraint('care_note_withholdings_status', oneOf('status', ['awaiting-confirmation', 'confirmed', 'released']))
    .addCheckConstraint('care_note_withholdings_decided_has_by', requiredWith('decided_at', 'decided_by'))
    .addCheckConstraint('care_note_withholdings_decided_has_note', requiredWith('decided_at', 'decision_note'))
    .execute();
  // A team's withholdings to confirm; a person's.
  await db.schema.createIndex('care_note_withholdings_team_idx').on('care_note_withholdings').columns(['team_id', 'status', 'confirm_by']).execute();
  await db.schema.createIndex('care_note_withholdings_person_idx').on('care_note_withholdings').column('person_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('care_note_withholdings').execute();
  await db.schema.dropTable('care_notes').execute();
}
