// Network meetings (issue 5, item 6), in the Open Dialogue way: the person, the people they choose and
// the professionals meet together; what is said is written in the room and the person sees it.
// - `care_meetings`: one row a meeting of a coordination: when, where (a place, a video link or both),
//   its status (scheduled, held, cancelled, with who cancelled and why), the notes written in the room
//   (reflections, decisions, next steps) with their privacy label, and who else came.
// - `care_meeting_invitees`: who was invited (the person, network members, professionals), how the
//   invitation went (the outbox message), and whether they came.
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf, requiredWith } from '../../../platform/db/dialect/types.ts';

const LABELS = ['general', 'mental-health', 'social-care', 'safety-plan'];

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('care_meetings')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('coordination_id', t.id, (c) => c.notNull().references('care_coordinations.id'))
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    .addColumn('team_id', t.id, (c) => c.notNull().references('teams.id'))
    .addColumn('starts_at', t.timestamp, (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('place', 'text')
    .addColumn('video_link', 'text')
    .addColumn('purpose', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('scheduled'))
    .addColumn('scheduled_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('rescheduled_at', t.timestamp)
    .addColumn('cancelled_at', t.timestamp)
    .addColumn('cancelled_by', t.id, (c) => c.references('users.id'))
    .addColumn('cancel_reason', 'text')
    .addColumn('attendance_recorded_at', t.timestamp)
    .addColumn('attendance_recorded_by', t.id, (c) => c.references('users.id'))
    .addColumn('also_present', 'text')
    .addColumn('reflections', 'text')
    .addColumn('decisions', 'text')
    .addColumn('next_steps', 'text')
    .addColumn('notes_privacy_label', 'text', (c) => c.notNull().defaultTo('mental-health'))
    .addColumn('notes_written_by', t.id, (c) => c.references('users.id'))
    .addColumn('notes_written_at', t.timestamp)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('care_meetings_status', oneOf('status', ['scheduled', 'held', 'cancelled']))
    .addCheckConstraint('care_meetings_notes_privacy_label', oneOf('notes_privacy_label', LABELS))
    .addCheckConstraint('care_meetings_cancelled_has_by', requiredWith('cancelled_at', 'cancelled_by'))
    .addCheckConstraint('care_meetings_cancelled_has_reason', requiredWith('cancelled_at', 'cancel_reason'))
    .addCheckConstraint('care_meetings_notes_have_by', requiredWith('notes_written_at', 'notes_written_by'))
    .execute();
  await db.schema.createIndex('care_meetings_coordination_idx').on('care_meetings').columns(['coordination_id', 'starts_at']).execute();
  await db.schema.createIndex('care_meetings_person_idx').on('care_meetings').columns(['person_id', 'starts_at']).execute();

  await db.schema
    .createTable('care_meeting_invitees')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('meeting_id', t.id, (c) => c.notNull().references('care_meetings.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('network_member_id', t.id, (c) => c.references('network_members.id'))
    .addColumn('user_id', t.id, (c) => c.references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('phone', 'text')
    .addColumn('invited_at', t.timestamp, (c) => c.notNull())
    .addColumn('message_id', t.id)
    .addColumn('attendance', 'text')
    .addCheckConstraint('care_meeting_invitees_kind', oneOf('kind', ['person', 'network-member', 'professional']))
    .addCheckConstraint('care_meeting_invitees_attendance', oneOf('attendance', ['attended', 'apologies', 'did-not-attend']))
    .execute();
  await db.schema.createIndex('care_meeting_invitees_meeting_idx').on('care_meeting_invitees').column('meeting_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('care_meeting_invitees').execute();
  await db.schema.dropTable('care_meetings').execute();
}
