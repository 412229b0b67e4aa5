// The rows of network meetings (issue 5, item 6): SQL only. The rules are in meetings.ts.
import type { Kysely } from 'kysely';
import { newId } from '../../platform/db/ids.ts';
import type { CareMeetingInviteesTable, CareMeetingsTable, DB } from '../../platform/db/tables.ts';

export type MeetingRow = Omit<CareMeetingsTable, 'created_at' | 'version'> & { created_at: string; version: number };
export type InviteeRow = CareMeetingInviteesTable;

const MEETING_COLUMNS = [
  'id',
  'coordination_id',
  'person_id',
  'team_id',
  'starts_at',
  'duration_minutes',
  'place',
  'video_link',
  'purpose',
  'status',
  'scheduled_by',
  'created_at',
  'rescheduled_at',
  'cancelled_at',
  'cancelled_by',
  'cancel_reason',
  'attendance_recorded_at',
  'attendance_recorded_by',
  'also_present',
  'reflections',
  'decisions',
  'next_steps',
  'notes_privacy_label',
  'notes_written_by',
  'notes_written_at',
  'version',
] as const;

const normalise = (r: Omit<MeetingRow, 'version' | 'duration_minutes'> & { version: number | string; duration_minutes: number | string }): MeetingRow => ({
  ...r,
  version: Number(r.version),
  duration_minutes: Number(r.duration_minutes),
});

export interface NewMeeting {
  coordinationId: string;
  personId: string;
  teamId: string;
  startsAt: Date;
  durationMinutes: number;
  place: string | null;
  videoLink: string | null;
  purpose: string | null;
  by: string;
  at: Date;
}

export async function insertMeeting(tx: Kysely<DB>, m: NewMeeting): Promise<string> {
  const id = newId();
  await tx
    .insertInto('care_meetings')
    .values({
      id,
      coordination_id: m.coordinationId,
      person_id: m.personId,
      team_id: m.teamId,
      starts_at: m.startsAt.toISOString(),
      duration_minutes: m.durationMinutes,
      place: m.place,
      video_link: m.videoLink,
      purpose: m.purpose,
      status: 'scheduled',
      scheduled_by: m.by,
      created_at: m.at.toISOString(),
      rescheduled_at: null,
      cancelled_at: null,
      cancelled_by: null,
      cancel_reason: null,
      attendance_recorded_at: null,
      attendance_recorded_by: null,
      also_present: null,
      reflections: null,
      decisions: null,
      next_steps: null,
      notes_privacy_label: 'mental-health',
      notes_written_by: null,
      notes_written_at: null,
    })
    .execute();
  return id;
}

export async function meetingById(db: Kysely<DB>, id: string): Promise<MeetingRow | undefined> {
  const row = await db.selectFrom('care_meetings').select(MEETING_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? normalise(row) : undefined;
}

/** Meetings of these coordinations, or about these records of a person, the latest first. */
export async function meetingsOf(db: Kysely<DB>, by: { coordinationIds: readonly string[] } | { personIds: readonly string[] }): Promise<MeetingRow[]> {
  const ids = 'coordinationIds' in by ? by.coordinationIds : by.personIds;
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('care_meetings')
    .select(MEETING_COLUMNS)
    .where('coordinationIds' in by ? 'coordination_id' : 'person_id', 'in', [...ids])
    .orderBy('starts_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map(normalise);
}

/** Changes a meeting if it is still at `version` (and, when given, in this status); false when it changed since. */
export async function updateMeeting(
  tx: Kysely<DB>,
  id: string,
  version: number,
  changes: Partial<Omit<CareMeetingsTable, 'id' | 'coordination_id' | 'person_id' | 'team_id' | 'created_at' | 'version' | 'scheduled_by'>>,
  inStatus?: readonly MeetingRow['status'][],
): Promise<boolean> {
  let q = tx
    .updateTable('care_meetings')
    .set({ ...changes, version: version + 1 })
    .where('id', '=', id)
    .where('version', '=', version);
  if (inStatus) q = q.where('status', 'in', [...inStatus]);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface NewInvitee {
  kind: InviteeRow['kind'];
  networkMemberId: string | null;
  userId: string | null;
  name: string;
  email: string | null;
  phone: string | null;
}

export async function insertInvitee(tx: Kysely<DB>, meetingId: string, invitee: NewInvitee, at: Date): Promise<string> {
  const id = newId();
  await tx
    .insertInto('care_meeting_invitees')
    .values({
      id,
      meeting_id: meetingId,
      kind: invitee.kind,
      network_member_id: invitee.networkMemberId,
      user_id: invitee.userId,
      name: invitee.name,
      email: invitee.email,
      phone: invitee.phone,
      invited_at: at.toISOString(),
      message_id: null,
      attendance: null,
    })
    .execute();
  return id;
}

export async function setInvitationMessage(tx: Kysely<DB>, inviteeId: string, messageId: string): Promise<void> {
  await tx.updateTable('care_meeting_invitees').set({ message_id: messageId }).where('id', '=', inviteeId).execute();
}

export async function setAttendance(tx: Kysely<DB>, meetingId: string, inviteeId: string, attendance: InviteeRow['attendance']): Promise<void> {
  await tx.updateTable('care_meeting_invitees').set({ attendance }).where('id', '=', inviteeId).where('meeting_id', '=', meetingId).execute();
}

const INVITEE_COLUMNS = ['id', 'meeting_id', 'kind', 'network_member_id', 'user_id', 'name', 'email', 'phone', 'invited_at', 'message_id', 'attendance'] as const;

/** Who was invited to these meetings: the person first, then the network, then professionals, each in the order invited. */
export async function inviteesOf(db: Kysely<DB>, meetingIds: readonly string[]): Promise<InviteeRow[]> {
  if (meetingIds.length === 0) return [];
  const rows = await db.selectFrom('care_meeting_invitees').select(INVITEE_COLUMNS).where('meeting_id', 'in', [...meetingIds]).orderBy('invited_at').orderBy('id').execute();
  const order = { person: 0, 'network-member': 1, professional: 2 } as const;
  return rows.sort((a, b) => order[a.kind] - order[b.kind]);
}
