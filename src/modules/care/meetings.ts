// Network meetings (issue 5, item 6), in the Open Dialogue way: the person, the people they choose and
// the professionals meet together, and what is said is written down in the room, with them.
//
// - Scheduling: a day and time, a place or a video link (or both), who is invited: the person, members
//   of their network (people module) and professionals (the team, and others by email). Each invitation
//   goes through the outbox in the same unit of work as the meeting. Messages to professionals carry no
//   personal data (no name, no place, which may be the person's home): the date, the time, the team and,
//   for staff, a link to the meeting in Mutual. The person's and their network's carry what they need.
// - Rescheduling and cancelling tell everyone who was sent an invitation.
// - After it starts: who came (each invitee: came, sent apologies, did not come; and anyone else who came),
//   the notes written in the room (reflections, decisions, next steps) with a privacy label, and
//   follow-up tasks (`createTask`, source 'care', kind 'meeting-follow-up').
// - The person sees every meeting and its notes in their portal, by default. Meeting notes are never
//   withheld here: information that must be withheld (a lawful reason) goes in a note (notes.ts).
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { recordAudit } from '../../platform/access/audit.ts';
import type { Actor } from '../../platform/access/policy.ts';
import { normaliseMobile } from '../../platform/auth/one-time-code.ts';
import type { Platform } from '../../platform/context.ts';
import { parseJson } from '../../platform/db/ids.ts';
import type { DB } from '../../platform/db/tables.ts';
import { asArray, datePartValues, email, freeText, optional } from '../../platform/http/fields.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { cancelTimers, scheduleTimer } from '../../platform/jobs/timers.ts';
import { enqueueMessage } from '../../platform/notify/outbox.ts';
import { formatDate, formatTime, ZONE } from '../../platform/views/format.ts';
import {
  auditNetworkView,
  auditOwnView,
  mayView,
  networkAccess,
  networkMembersOf,
  ownRecords,
  PRIVACY_LABEL_NAMES,
  PRIVACY_LABELS,
  type PrivacyLabel,
  personSummary,
  type TimelineEntry,
} from '../people/index.ts';
import { auditCoordination, CARE_READ, CARE_WRITE, type CoordinationAccess, coordinationAccess } from './coordination.ts';
import { type InviteeRow, inviteesOf, insertInvitee, insertMeeting, type MeetingRow, meetingById, meetingsOf, setAttendance, setInvitationMessage, updateMeeting } from './meeting-store.ts';
import { paths } from './paths.ts';
import { careTeamOf, teamById, teamStaff, userNames } from './plan-store.ts';
import { createTask, tasksForPerson } from './tasks.ts';

export const FOLLOW_UP_KIND = 'meeting-follow-up';
/** The day before a meeting, everyone sent an invitation gets a reminder (a durable timer). */
export const REMINDER_TIMER = 'care:meeting-reminder';
const REMINDER_BEFORE_MS = 24 * 3_600_000;
const PURPOSE_OWN_VIEW = 'the person seeing their own record';

// ---- the forms ----

const version = z.coerce.number({ error: 'Open the page again: the form is missing its version' }).int().min(1, 'Open the page again: the form is missing its version');

/** "14:30", "9.05", "2pm", "2:30 pm": hours and minutes, or null. */
export function parseTime(raw: string): { hour: number; minute: number } | null {
  const v = raw.trim().toLowerCase();
  let m = /^(\d{1,2})[:.](\d{2})$/.exec(v);
  if (m) {
    const hour = Number(m[1]);
    const minute = Number(m[2]);
    return hour < 24 && minute < 60 ? { hour, minute } : null;
  }
  m = /^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)$/.exec(v);
  if (m) {
    const h = Number(m[1]);
    const minute = Number(m[2] ?? 0);
    if (h < 1 || h > 12 || minute >= 60) return null;
    return { hour: (h % 12) + (m[3] === 'pm' ? 12 : 0), minute };
  }
  return null;
}

/** A day (NHS date input `prefix[day]`…) and a time, in London time, as an instant; issues reported on `prefix` and `time`. */
function whenOf(input: Record<string, unknown>, ctx: z.RefinementCtx, now: Date, what: { future: boolean }): Date | null {
  const { day, month, year } = datePartValues(input, 'date');
  const timeRaw = String(input.time ?? '').trim();
  let date: DateTime | null = null;
  if (!day && !month && !year) ctx.addIssue({ code: 'custom', path: ['date'], message: 'Enter the date of the meeting' });
  else if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) ctx.addIssue({ code: 'custom', path: ['date'], message: 'The date of the meeting must be a real date, like 14 12 2026' });
  else {
    date = DateTime.fromObject({ year: +year, month: +month, day: +day }, { zone: ZONE });
    if (!date.isValid) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'The date of the meeting must be a real date, like 14 12 2026' });
      date = null;
    }
  }
  const time = timeRaw ? parseTime(timeRaw) : null;
  if (!timeRaw) ctx.addIssue({ code: 'custom', path: ['time'], message: 'Enter the time the meeting starts' });
  else if (!time) ctx.addIssue({ code: 'custom', path: ['time'], message: 'Enter a real time, like 14:30 or 2:30pm' });
  if (!date || !time) return null;
  const at = date.set({ hour: time.hour, minute: time.minute });
  if (what.future && at.toJSDate() <= now) {
    ctx.addIssue({ code: 'custom', path: ['date'], message: 'The meeting must be in the future' });
    return null;
  }
  if (at > DateTime.fromJSDate(now).plus({ years: 1 })) {
    ctx.addIssue({ code: 'custom', path: ['date'], message: 'The meeting must be within the next year' });
    return null;
  }
  return at.toJSDate();
}

const videoLink = z
  .string()
  .trim()
  .max(500, 'The video link must be 500 characters or fewer')
  .refine((v) => {
    try {
      return new URL(v).protocol === 'https:';
    } catch {
      return false;
    }
  }, 'Enter the video link as a full web address starting https://');

const placeFields = {
  durationMinutes: z.coerce.number({ error: 'Enter how long the meeting is, in minutes' }).int('Enter how long the meeting is, in whole minutes').min(15, 'A meeting must be at least 15 minutes').max(480, 'A meeting must be 8 hours or shorter'),
  place: optional(freeText({ max: 300, what: 'the place' })),
  videoLink: optional(videoLink),
};

function withPlace<T extends { place?: string | undefined; videoLink?: string | undefined }>(v: T, ctx: z.RefinementCtx): void {
  if (!v.place && !v.videoLink) ctx.addIssue({ code: 'custom', path: ['place'], message: 'Enter a place, a video link, or both' });
}

/** Runs a fields schema and the date and time together, so the error summary lists every problem at once, in page order. */
function withWhen<T extends object>(fields: z.ZodType<T>, now: () => Date, future: boolean, order: readonly string[]) {
  return z.looseObject({}).transform((input, ctx) => {
    const issues: { path: PropertyKey[]; message: string }[] = [];
    const when = whenOf(input, { addIssue: (i: { path?: PropertyKey[]; message?: string }) => issues.push({ path: i.path ?? [], message: i.message ?? '' }) } as unknown as z.RefinementCtx, now(), { future });
    const f = fields.safeParse(input);
    if (!f.success) issues.push(...f.error.issues.map((i) => ({ path: i.path, message: i.message })));
    const rank = (p: PropertyKey | undefined) => {
      const i = order.indexOf(String(p));
      return i === -1 ? order.length : i;
    };
    for (const issue of issues.sort((a, b) => rank(a.path[0]) - rank(b.path[0]))) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    if (!f.success || !when) return z.NEVER;
    return { ...f.data, startsAt: when } as T & { startsAt: Date };
  });
}

const SCHEDULE_ORDER = ['date', 'time', 'durationMinutes', 'place', 'videoLink', 'purpose', 'invitePerson', 'networkMemberIds', 'staffIds', 'otherEmails'];

/** Scheduling a meeting: when, where, what for, and whom to invite. */
export function scheduleSchema(now: () => Date) {
  const fields = z
    .object({
      ...placeFields,
      purpose: optional(freeText({ max: 300, what: 'what the meeting is for' })),
      invitePerson: z.enum(['yes', 'no'], { error: 'Select yes to send the person an invitation' }),
      networkMemberIds: z.preprocess(asArray, z.array(z.string().max(64))),
      staffIds: z.preprocess(asArray, z.array(z.string().max(64))),
      otherEmails: optional(z.string().max(2000, 'Enter at most 2,000 characters of email addresses')),
    })
    .superRefine(withPlace)
    .transform((v, ctx) => {
      const emails = (v.otherEmails ?? '').split(/[\s,;]+/).filter(Boolean);
      const checked: string[] = [];
      for (const e of emails) {
        const r = email.safeParse(e);
        if (!r.success) {
          ctx.addIssue({ code: 'custom', path: ['otherEmails'], message: `"${e.slice(0, 60)}" is not an email address: enter one address a line, like name@example.com` });
          return z.NEVER;
        }
        checked.push(r.data.toLowerCase());
      }
      return { ...v, otherEmails: [...new Set(checked)] };
    });
  return withWhen(fields, now, true, SCHEDULE_ORDER);
}
export type ScheduleInput = z.output<ReturnType<typeof scheduleSchema>>;

/** Moving a meeting to another time or place. */
export function rescheduleSchema(now: () => Date) {
  return withWhen(z.object({ ...placeFields, version }).superRefine(withPlace), now, true, ['date', 'time', 'durationMinutes', 'place', 'videoLink']);
}
export type RescheduleInput = z.output<ReturnType<typeof rescheduleSchema>>;

export const cancelSchema = z.object({
  version,
  reason: freeText({ required: 'Enter why the meeting is cancelled', max: 500, what: 'why the meeting is cancelled' }),
});

export const ATTENDANCE = [
  { value: 'attended', text: 'Came' },
  { value: 'apologies', text: 'Sent apologies' },
  { value: 'did-not-attend', text: 'Did not come' },
] as const;
type Attendance = (typeof ATTENDANCE)[number]['value'];

export const attendanceField = (inviteeId: string) => `attendance-${inviteeId}`;

/** Who came and the notes written in the room; the invitees' fields are checked against the meeting's invitees. */
export function recordSchema(inviteeIds: readonly string[]) {
  const fields = z
    .object({
      version,
      alsoPresent: optional(freeText({ max: 500, what: 'who else came' })),
      reflections: optional(freeText({ max: 10_000, what: 'the reflections' })),
      decisions: optional(freeText({ max: 10_000, what: 'the decisions' })),
      nextSteps: optional(freeText({ max: 10_000, what: 'the next steps' })),
      notesPrivacyLabel: z.enum(PRIVACY_LABELS, { error: 'Choose who in the network may see the notes' }),
    })
    .superRefine((v, ctx) => {
      if (!v.reflections && !v.decisions && !v.nextSteps) ctx.addIssue({ code: 'custom', path: ['reflections'], message: 'Write the notes of the meeting: reflections, decisions or next steps' });
    });
  return z.looseObject({}).transform((input, ctx) => {
    const attendance: Record<string, Attendance> = {};
    for (const id of inviteeIds) {
      const v = input[attendanceField(id)];
      if (v === 'attended' || v === 'apologies' || v === 'did-not-attend') attendance[id] = v;
      else ctx.addIssue({ code: 'custom', path: [attendanceField(id)], message: 'Select whether they came' });
    }
    const f = fields.safeParse(input);
    if (!f.success) for (const i of f.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
    if (!f.success || Object.keys(attendance).length !== inviteeIds.length) return z.NEVER;
    return { ...f.data, attendance };
  });
}
export type RecordInput = z.output<ReturnType<typeof recordSchema>>;

/** A follow-up task from the meeting: what, who (or the team), by when. */
export function followUpSchema(now: () => Date) {
  const fields = z.object({
    title: freeText({ required: 'Enter what needs to be done', max: 200, what: 'what needs to be done' }),
    assigneeId: optional(z.string().max(64)),
  });
  return z.looseObject({}).transform((input, ctx) => {
    const f = fields.safeParse(input);
    if (!f.success) for (const i of f.error.issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
    const { day, month, year } = datePartValues(input, 'due');
    let dueAt: Date | null = null;
    if (day || month || year) {
      const d = /^\d{1,2}$/.test(day) && /^\d{1,2}$/.test(month) && /^\d{4}$/.test(year) ? DateTime.fromObject({ year: +year, month: +month, day: +day }, { zone: ZONE }) : null;
      if (!d?.isValid) ctx.addIssue({ code: 'custom', path: ['due'], message: 'The date it is due must be a real date, like 14 12 2026' });
      else if (d.endOf('day').toJSDate() < now()) ctx.addIssue({ code: 'custom', path: ['due'], message: 'The date it is due must be today or in the future' });
      else dueAt = d.endOf('day').set({ millisecond: 0 }).toJSDate();
    }
    if (!f.success || ((day || month || year) && !dueAt)) return z.NEVER;
    return { ...f.data, dueAt };
  });
}
export type FollowUpInput = z.output<ReturnType<typeof followUpSchema>>;

// ---- messages ----

interface Contact {
  channel: 'email' | 'sms';
  to: string;
}

/** Where to send a message to someone with these details: email first, else a UK mobile; none when neither. */
function contactOf(emailAddress: string | null, phone: string | null, allowed?: readonly string[] | null): Contact | null {
  const mayEmail = !allowed || allowed.includes('email');
  const mayText = !allowed || allowed.includes('sms');
  if (emailAddress && mayEmail) return { channel: 'email', to: emailAddress };
  const mobile = phone ? normaliseMobile(phone) : null;
  if (mobile && mayText) return { channel: 'sms', to: mobile };
  return null;
}

type Change = 'invite' | 'reschedule' | 'cancel' | 'remind';

/** A message about the meeting for one invitee, in words for who they are. Professionals' carry no personal data. */
function messageFor(platform: Platform, m: MeetingRow, invitee: InviteeRow, teamName: string, change: Change, coordinationId: string) {
  const { serviceName, publicUrl } = platform.config;
  const when = `${formatDate(m.starts_at)} at ${formatTime(m.starts_at)} (${m.duration_minutes} minutes)`;
  const where = [m.place ? `Place: ${m.place}.` : '', m.video_link ? `Video link: ${m.video_link}` : ''].filter(Boolean).join(' ');
  const verb = change === 'invite' ? 'is on' : change === 'reschedule' ? 'has moved to' : 'on';
  if (invitee.kind === 'professional') {
    const link = invitee.user_id ? ` See it in ${serviceName}: ${publicUrl}${paths.meeting(coordinationId, m.id)}` : ` Contact ${teamName} for the details.`;
    const video = m.video_link && change !== 'cancel' ? ` Video link: ${m.video_link}` : '';
    const subject = change === 'cancel' ? 'Network meeting cancelled' : change === 'reschedule' ? 'Network meeting moved' : change === 'remind' ? 'Reminder: network meeting tomorrow' : 'Invitation to a network meeting';
    const body =
      change === 'cancel'
        ? `The network meeting ${teamName} arranged for ${when} is cancelled.${link}`
        : change === 'remind'
          ? `Reminder: the network meeting ${teamName} arranged is tomorrow, ${when}.${video}${link}`
          : `A network meeting ${teamName} arranged ${verb} ${when}.${video}${link}`;
    return { subject, body };
  }
  const own = invitee.kind === 'person';
  const portal = own ? ` You can see it in your online record: ${publicUrl}${paths.myMeetings}` : '';
  const subject =
    change === 'cancel' ? 'Network meeting cancelled' : change === 'reschedule' ? 'Network meeting moved' : change === 'remind' ? 'Reminder: network meeting tomorrow' : own ? 'Your network meeting' : 'Invitation to a network meeting';
  const lead = own ? 'Your network meeting with' : 'You are invited to a network meeting with';
  const body =
    change === 'cancel'
      ? `The network meeting with ${teamName} on ${when} is cancelled. ${teamName} will be in touch about another time.${portal}`
      : change === 'reschedule'
        ? `The network meeting with ${teamName} has moved to ${when}. ${where}${portal}`
        : change === 'remind'
          ? `Reminder: the network meeting with ${teamName} is tomorrow, ${when}. ${where} If you cannot come, please let ${teamName} know.${portal}`
          : `${lead} ${teamName} is on ${when}. ${where} If you cannot come, please let ${teamName} know.${portal}`;
  return { subject: `${subject} – ${serviceName}`, body: body.replace(/\s+/g, ' ').trim() };
}

async function notify(platform: Platform, tx: Kysely<DB>, m: MeetingRow, invitee: InviteeRow, teamName: string, change: Change, coordinationId: string): Promise<string | null> {
  const contact = contactOf(invitee.email, invitee.phone);
  if (!contact) return null;
  const { subject, body } = messageFor(platform, m, invitee, teamName, change, coordinationId);
  return enqueueMessage(tx, platform.clock, {
    channel: contact.channel,
    to: contact.to,
    kind: `care.meeting.${change}`,
    personId: invitee.kind === 'person' ? m.person_id : null,
    personalisation: contact.channel === 'email' ? { subject, body } : { body },
  });
}

// ---- the reminder the day before ----

const reminderKey = (meetingId: string, startsAt: string) => `${REMINDER_TIMER}:${meetingId}:${startsAt}`;

/** Sets the reminder for a meeting starting at `startsAt`, when that is more than a day away. */
async function setReminder(tx: Kysely<DB>, meetingId: string, startsAt: Date, now: Date): Promise<void> {
  const dueAt = new Date(startsAt.getTime() - REMINDER_BEFORE_MS);
  if (dueAt <= now) return;
  await scheduleTimer(tx, { kind: REMINDER_TIMER, dueAt, payload: { meetingId, startsAt: startsAt.toISOString() }, dedupeKey: reminderKey(meetingId, startsAt.toISOString()) });
}

/**
 * The reminder timer: everyone sent an invitation is reminded, if the meeting is still planned for the
 * time the reminder was set for (a moved meeting has its own reminder; a cancelled one none).
 */
export async function onMeetingReminder(platform: Platform, tx: Kysely<DB>, payload: { meetingId: string; startsAt: string }): Promise<void> {
  const m = await meetingById(tx, payload.meetingId);
  if (m?.status !== 'scheduled' || new Date(m.starts_at).getTime() !== new Date(payload.startsAt).getTime()) return;
  await sendToAll(platform, tx, m.id, 'remind');
}

// ---- access and loading ----

async function meetingIn(db: Kysely<DB>, found: CoordinationAccess, meetingId: string): Promise<MeetingRow> {
  const m = await meetingById(db, meetingId);
  if (!m || m.coordination_id !== found.coordination.id) throw new NotFoundError();
  return m;
}

async function mayWrite(platform: Platform, db: Kysely<DB>, actor: Actor, coordinationId: string): Promise<boolean> {
  try {
    await coordinationAccess(platform, db, actor, coordinationId, CARE_WRITE);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

async function personName(db: Kysely<DB>, personId: string): Promise<string> {
  const p = await personSummary(db, personId);
  return p ? `${p.given_name} ${p.family_name}` : 'Unknown person';
}

const STATUS_WORDS: Record<MeetingRow['status'], string> = { scheduled: 'Planned', held: 'Held', cancelled: 'Cancelled' };
const ATTENDANCE_WORDS: Record<string, string> = Object.fromEntries(ATTENDANCE.map((a) => [a.value, a.text]));
const KIND_WORDS: Record<InviteeRow['kind'], string> = { person: 'The person', 'network-member': 'Network', professional: 'Professional' };

/** A meeting as pages show it: status in words, whether it has begun, its notes' label in words. */
function describeMeeting(m: MeetingRow, now: Date) {
  const ends = new Date(new Date(m.starts_at).getTime() + m.duration_minutes * 60_000);
  return {
    ...m,
    statusText: STATUS_WORDS[m.status],
    begun: new Date(m.starts_at) <= now,
    upcoming: m.status === 'scheduled' && ends > now,
    endsAt: ends.toISOString(),
    hasNotes: Boolean(m.reflections || m.decisions || m.next_steps),
    notesLabelName: PRIVACY_LABEL_NAMES[m.notes_privacy_label] ?? m.notes_privacy_label,
  };
}

function describeInvitee(i: InviteeRow) {
  return { ...i, kindText: KIND_WORDS[i.kind], attendanceText: i.attendance ? ATTENDANCE_WORDS[i.attendance] : null, sent: i.message_id !== null };
}

// ---- practitioners ----

/** A coordination's meetings: upcoming first (soonest first), then past and cancelled (latest first). */
export async function coordinationMeetings(platform: Platform, actor: Actor, coordinationId: string, address?: string | null) {
  const db = platform.db.read;
  const found = await coordinationAccess(platform, db, actor, coordinationId, CARE_READ);
  const c = found.coordination;
  const now = platform.clock.now();
  const [meetings, name, team, write] = await Promise.all([meetingsOf(db, { coordinationIds: [c.id] }), personName(db, c.person_id), teamById(db, c.team_id), c.status === 'open' ? mayWrite(platform, db, actor, c.id) : false]);
  await platform.db.write((tx) => auditCoordination(tx, now, found, 'care.meetings.view', undefined, address));
  const described = meetings.map((m) => describeMeeting(m, now));
  return {
    coordination: c,
    personName: name,
    teamName: team?.name ?? 'Unknown team',
    upcoming: described.filter((m) => m.upcoming).reverse(),
    past: described.filter((m) => !m.upcoming),
    mayWrite: write,
  };
}

/** Whom a meeting of this coordination may invite: the person's current network members, and the team's staff (care team first). */
async function inviteOptions(db: Kysely<DB>, found: CoordinationAccess) {
  const c = found.coordination;
  const [members, staff, careTeam, person] = await Promise.all([networkMembersOf(db, found.access.recordIds), teamStaff(db, c.team_id), careTeamOf(db, c.id), personSummary(db, c.person_id)]);
  const inCareTeam = new Map(careTeam.filter((m) => !m.removed_at).map((m) => [m.user_id, m.role]));
  const prefs = parseJson<{ methods?: string[] }>(person?.contact_preferences ?? null);
  return {
    network: members
      .filter((m) => m.status !== 'removed')
      .map((m) => ({ id: m.id, name: m.name, relationship: m.relationship_detail ?? m.relationship.replace(/-/g, ' '), contact: contactOf(m.email, m.phone), email: m.email, phone: m.phone })),
    staff: [...staff.filter((s) => inCareTeam.has(s.id)), ...staff.filter((s) => !inCareTeam.has(s.id))].map((s) => ({ ...s, careTeamRole: inCareTeam.get(s.id) ?? null })),
    person: { name: person ? `${person.given_name} ${person.family_name}` : 'The person', contact: person ? contactOf(person.email, person.phone, prefs?.methods ?? null) : null, email: person?.email ?? null, phone: person?.phone ?? null },
  };
}

function mustBeOpen(found: CoordinationAccess): void {
  if (found.coordination.status !== 'open') throw new ConflictError('This care coordination is closed, so no meeting can be arranged or changed.');
}

/** The scheduling form: whom it may invite; opening it is audited (it shows the person's network). */
export async function scheduleForm(platform: Platform, actor: Actor, coordinationId: string, address?: string | null) {
  const db = platform.db.read;
  const found = await coordinationAccess(platform, db, actor, coordinationId, CARE_WRITE);
  mustBeOpen(found);
  const options = await inviteOptions(db, found);
  await platform.db.write((tx) => auditCoordination(tx, platform.clock.now(), found, 'care.meeting.form.view', undefined, address));
  return { coordination: found.coordination, personName: options.person.name, options };
}

/** Schedules a meeting and sends each invitation through the outbox, in one unit of work. */
export async function scheduleMeeting(platform: Platform, actor: Actor, coordinationId: string, input: ScheduleInput, address?: string | null): Promise<string> {
  return platform.db.write(async (tx) => {
    const found = await coordinationAccess(platform, tx, actor, coordinationId, CARE_WRITE);
    mustBeOpen(found);
    const c = found.coordination;
    const options = await inviteOptions(tx, found);
    const members = new Map(options.network.map((m) => [m.id, m]));
    const staff = new Map(options.staff.map((s) => [s.id, s]));
    for (const id of input.networkMemberIds) if (!members.has(id)) throw new InputError([{ field: 'networkMemberIds', message: 'Choose people from the person’s network' }]);
    for (const id of input.staffIds) if (!staff.has(id)) throw new InputError([{ field: 'staffIds', message: 'Choose professionals from the team' }]);
    const now = platform.clock.now();
    const meetingId = await insertMeeting(tx, {
      coordinationId: c.id,
      personId: c.person_id,
      teamId: c.team_id,
      startsAt: input.startsAt,
      durationMinutes: input.durationMinutes,
      place: input.place ?? null,
      videoLink: input.videoLink ?? null,
      purpose: input.purpose ?? null,
      by: found.access.user.userId,
      at: now,
    });
    if (input.invitePerson === 'yes') {
      await insertInvitee(tx, meetingId, { kind: 'person', networkMemberId: null, userId: null, name: options.person.name, email: options.person.contact?.channel === 'email' ? options.person.contact.to : null, phone: options.person.contact?.channel === 'sms' ? options.person.contact.to : null }, now);
    }
    for (const id of new Set(input.networkMemberIds)) {
      const m = members.get(id)!;
      await insertInvitee(tx, meetingId, { kind: 'network-member', networkMemberId: m.id, userId: null, name: m.name, email: m.email, phone: m.phone }, now);
    }
    for (const id of new Set(input.staffIds)) {
      const s = staff.get(id)!;
      await insertInvitee(tx, meetingId, { kind: 'professional', networkMemberId: null, userId: s.id, name: s.display_name, email: s.email, phone: null }, now);
    }
    const staffEmails = new Set(options.staff.map((s) => s.email.toLowerCase()));
    for (const e of input.otherEmails) {
      if (!staffEmails.has(e)) await insertInvitee(tx, meetingId, { kind: 'professional', networkMemberId: null, userId: null, name: e, email: e, phone: null }, now);
    }
    await sendToAll(platform, tx, meetingId, 'invite');
    await setReminder(tx, meetingId, input.startsAt, now);
    await auditCoordination(tx, now, found, 'care.meeting.schedule', { type: 'care-meeting', id: meetingId }, address);
    return meetingId;
  });
}

/** Sends a message about the meeting to every invitee who can be reached; an invitation's message is kept on the invitee. */
async function sendToAll(platform: Platform, tx: Kysely<DB>, meetingId: string, change: Change): Promise<void> {
  const m = (await meetingById(tx, meetingId))!;
  const teamName = (await teamById(tx, m.team_id))?.name ?? 'the team';
  for (const invitee of await inviteesOf(tx, [meetingId])) {
    if (change !== 'invite' && invitee.message_id === null) continue;
    const messageId = await notify(platform, tx, m, invitee, teamName, change, m.coordination_id);
    if (change === 'invite' && messageId) await setInvitationMessage(tx, invitee.id, messageId);
  }
}

/** One meeting for practitioners: details, invitees and whether they came, notes, follow-ups; audited. */
export async function meetingPage(platform: Platform, actor: Actor, coordinationId: string, meetingId: string, address?: string | null) {
  const db = platform.db.read;
  const found = await coordinationAccess(platform, db, actor, coordinationId, CARE_READ);
  const m = await meetingIn(db, found, meetingId);
  const now = platform.clock.now();
  const [invitees, followUps, names, name, team, write] = await Promise.all([
    inviteesOf(db, [m.id]),
    followUpsOf(db, m),
    userNames(db, [m.scheduled_by, m.notes_written_by, m.cancelled_by]),
    personName(db, m.person_id),
    teamById(db, m.team_id),
    found.coordination.status === 'open' ? mayWrite(platform, db, actor, coordinationId) : false,
  ]);
  await platform.db.write((tx) => auditCoordination(tx, now, found, 'care.meeting.view', { type: 'care-meeting', id: m.id }, address));
  return {
    coordination: found.coordination,
    personName: name,
    teamName: team?.name ?? 'Unknown team',
    meeting: describeMeeting(m, now),
    invitees: invitees.map(describeInvitee),
    followUps,
    scheduledByName: names.get(m.scheduled_by) ?? 'Unknown',
    notesByName: m.notes_written_by ? (names.get(m.notes_written_by) ?? null) : null,
    cancelledByName: m.cancelled_by ? (names.get(m.cancelled_by) ?? null) : null,
    mayWrite: write,
  };
}

async function followUpsOf(db: Kysely<DB>, m: MeetingRow) {
  const tasks = (await tasksForPerson(db, [m.person_id])).filter((t) => t.source === 'care' && t.source_kind === FOLLOW_UP_KIND && t.source_id === m.id);
  const names = await userNames(db, tasks.map((t) => t.assignee_id));
  return tasks.map((t) => ({ id: t.id, title: t.title, status: t.status, dueAt: t.due_at, assigneeName: t.assignee_id ? (names.get(t.assignee_id) ?? 'Unknown') : null }));
}

/** What a form about one meeting needs (reschedule, cancel, record, follow-up), for someone who may change it; audited as a view. */
export async function meetingForm(platform: Platform, actor: Actor, coordinationId: string, meetingId: string, action: string, address?: string | null) {
  const db = platform.db.read;
  const found = await coordinationAccess(platform, db, actor, coordinationId, CARE_WRITE);
  mustBeOpen(found);
  const m = await meetingIn(db, found, meetingId);
  const [invitees, name, staff] = await Promise.all([inviteesOf(db, [m.id]), personName(db, m.person_id), teamStaff(db, m.team_id)]);
  await platform.db.write((tx) => auditCoordination(tx, platform.clock.now(), found, action, { type: 'care-meeting', id: m.id }, address));
  return { coordination: found.coordination, meeting: describeMeeting(m, platform.clock.now()), invitees: invitees.map(describeInvitee), personName: name, staff };
}

/** The ids of a meeting's invitees, to check a "who came" form against (not audited: the save that follows is). */
export async function inviteeIdsOf(platform: Platform, actor: Actor, coordinationId: string, meetingId: string): Promise<string[]> {
  const db = platform.db.read;
  const found = await coordinationAccess(platform, db, actor, coordinationId, CARE_WRITE);
  const m = await meetingIn(db, found, meetingId);
  return (await inviteesOf(db, [m.id])).map((i) => i.id);
}

/** In one unit of work: the access check, the meeting, and a change to it; the change refuses a meeting changed since the form was opened. */
async function changeMeeting(
  platform: Platform,
  actor: Actor,
  coordinationId: string,
  meetingId: string,
  run: (tx: Kysely<DB>, found: CoordinationAccess, m: MeetingRow, now: Date) => Promise<void>,
): Promise<void> {
  await platform.db.write(async (tx) => {
    const found = await coordinationAccess(platform, tx, actor, coordinationId, CARE_WRITE);
    mustBeOpen(found);
    const m = await meetingIn(tx, found, meetingId);
    await run(tx, found, m, platform.clock.now());
  });
}

function changedSince(): never {
  throw new ConflictError('This meeting changed since you opened it, so nothing was saved. Open it again to see the change.');
}

/** Moves a planned meeting; everyone sent an invitation is told. */
export async function rescheduleMeeting(platform: Platform, actor: Actor, coordinationId: string, meetingId: string, input: RescheduleInput, address?: string | null): Promise<void> {
  await changeMeeting(platform, actor, coordinationId, meetingId, async (tx, found, m, now) => {
    if (m.status !== 'scheduled') throw new ConflictError('Only a planned meeting can be moved.');
    const ok = await updateMeeting(tx, m.id, input.version, { starts_at: input.startsAt.toISOString(), duration_minutes: input.durationMinutes, place: input.place ?? null, video_link: input.videoLink ?? null, rescheduled_at: now.toISOString() }, ['scheduled']);
    if (!ok) changedSince();
    await cancelTimers(tx, { dedupeKey: reminderKey(m.id, m.starts_at) });
    await setReminder(tx, m.id, input.startsAt, now);
    await sendToAll(platform, tx, m.id, 'reschedule');
    await auditCoordination(tx, now, found, 'care.meeting.reschedule', { type: 'care-meeting', id: m.id }, address);
  });
}

/** Cancels a planned meeting with a reason; everyone sent an invitation is told. Its open follow-ups stay (they may still be needed). */
export async function cancelMeeting(platform: Platform, actor: Actor, coordinationId: string, meetingId: string, input: z.output<typeof cancelSchema>, address?: string | null): Promise<void> {
  await changeMeeting(platform, actor, coordinationId, meetingId, async (tx, found, m, now) => {
    if (m.status !== 'scheduled') throw new ConflictError('Only a planned meeting can be cancelled.');
    const ok = await updateMeeting(tx, m.id, input.version, { status: 'cancelled', cancelled_at: now.toISOString(), cancelled_by: found.access.user.userId, cancel_reason: input.reason }, ['scheduled']);
    if (!ok) changedSince();
    await cancelTimers(tx, { dedupeKey: reminderKey(m.id, m.starts_at) });
    await sendToAll(platform, tx, m.id, 'cancel');
    await auditCoordination(tx, now, found, 'care.meeting.cancel', { type: 'care-meeting', id: m.id }, address);
  });
}

/** Records who came and the notes written in the room (once it has begun); the meeting is then held. Saving again corrects them. */
export async function recordMeeting(platform: Platform, actor: Actor, coordinationId: string, meetingId: string, input: RecordInput, address?: string | null): Promise<void> {
  await changeMeeting(platform, actor, coordinationId, meetingId, async (tx, found, m, now) => {
    if (m.status === 'cancelled') throw new ConflictError('This meeting was cancelled.');
    if (new Date(m.starts_at) > now) throw new ConflictError('This meeting has not started yet: record who came and the notes once it has begun.');
    const invitees = await inviteesOf(tx, [m.id]);
    if (invitees.length !== Object.keys(input.attendance).length || invitees.some((i) => !input.attendance[i.id])) changedSince();
    const by = found.access.user.userId;
    const ok = await updateMeeting(tx, m.id, input.version, {
      status: 'held',
      attendance_recorded_at: now.toISOString(),
      attendance_recorded_by: by,
      also_present: input.alsoPresent ?? null,
      reflections: input.reflections ?? null,
      decisions: input.decisions ?? null,
      next_steps: input.nextSteps ?? null,
      notes_privacy_label: input.notesPrivacyLabel,
      notes_written_by: by,
      notes_written_at: now.toISOString(),
    });
    if (!ok) changedSince();
    for (const i of invitees) await setAttendance(tx, m.id, i.id, input.attendance[i.id]!);
    await auditCoordination(tx, now, found, 'care.meeting.record', { type: 'care-meeting', id: m.id }, address);
  });
}

/** Adds a follow-up task from the meeting for the coordinating team (or one of its staff). */
export async function addFollowUp(platform: Platform, actor: Actor, coordinationId: string, meetingId: string, input: FollowUpInput, address?: string | null): Promise<string> {
  let taskId = '';
  await changeMeeting(platform, actor, coordinationId, meetingId, async (tx, found, m, now) => {
    if (m.status === 'cancelled') throw new ConflictError('This meeting was cancelled.');
    if (input.assigneeId && !(await teamStaff(tx, m.team_id)).some((s) => s.id === input.assigneeId)) throw new InputError([{ field: 'assigneeId', message: 'Choose someone in the team, or the whole team' }]);
    taskId = await createTask(tx, {
      teamId: m.team_id,
      assigneeId: input.assigneeId ?? null,
      personId: m.person_id,
      title: input.title,
      detail: `From the network meeting on ${formatDate(m.starts_at)}`,
      dueAt: input.dueAt,
      source: 'care',
      sourceKind: FOLLOW_UP_KIND,
      sourceId: m.id,
      createdBy: found.access.user.userId,
      at: now,
    });
    await auditCoordination(tx, now, found, 'care.meeting.follow-up.add', { type: 'task', id: taskId }, address);
  });
  return taskId;
}

// ---- the person, in their portal ----

/** The person's own meetings (every coordination of theirs): upcoming first, then past and cancelled; audited. */
export async function myMeetings(platform: Platform, actor: Actor, address: string | null) {
  const db = platform.db.read;
  const who = await ownRecords(db, actor);
  const now = platform.clock.now();
  const meetings = (await meetingsOf(db, { personIds: who.recordIds })).map((m) => describeMeeting(m, now));
  const teams = new Map<string, string>();
  for (const m of meetings) if (!teams.has(m.team_id)) teams.set(m.team_id, (await teamById(db, m.team_id))?.name ?? 'A team');
  await auditOwnView(platform, who, 'care.portal.meetings.view', address);
  const withTeam = meetings.map((m) => ({ ...m, teamName: teams.get(m.team_id)! }));
  return { upcoming: withTeam.filter((m) => m.upcoming).reverse(), past: withTeam.filter((m) => !m.upcoming) };
}

/** One of the person's own meetings with its notes, who came and the follow-ups; not found for anyone else's. Audited. */
export async function myMeeting(platform: Platform, actor: Actor, meetingId: string, address: string | null) {
  const db = platform.db.read;
  const who = await ownRecords(db, actor);
  const m = await meetingById(db, meetingId);
  if (!m || !who.recordIds.includes(m.person_id)) throw new NotFoundError();
  const now = platform.clock.now();
  const [invitees, followUps, team] = await Promise.all([inviteesOf(db, [m.id]), followUpsOf(db, m), teamById(db, m.team_id)]);
  await platform.db.write((tx) =>
    recordAudit(tx, { at: now, actorUserId: who.userId, actorRole: 'person', action: 'care.portal.meeting.view', entityType: 'care-meeting', entityId: m.id, personId: m.person_id, purpose: PURPOSE_OWN_VIEW, outcome: 'success', address }),
  );
  return { meeting: describeMeeting(m, now), teamName: team?.name ?? 'A team', invitees: invitees.map(describeInvitee), followUps };
}

// ---- a network member ----

/**
 * What a network member with this label sees of the person's meetings (the record shown, as the plan
 * does): with 'general', when and where each planned or held meeting is (times and places are general
 * information); with any label, the notes of the meetings whose notes carry it. Not found for anyone
 * else, a removed member, or a label they do not have. Audited with the person's id.
 */
export async function sharedMeetings(platform: Platform, actor: Actor, personId: string, label: PrivacyLabel, address: string | null) {
  if (actor.kind !== 'user') throw new NotFoundError();
  const db = platform.db.read;
  const access = await networkAccess(db, { userId: actor.userId, personId });
  if (!mayView(access, label)) throw new NotFoundError();
  const now = platform.clock.now();
  const all = (await meetingsOf(db, { personIds: [access.personId] })).filter((m) => m.status !== 'cancelled').map((m) => describeMeeting(m, now));
  const meetings = all
    .filter((m) => label === 'general' || (m.hasNotes && m.notes_privacy_label === label))
    .map((m) => ({ ...m, showNotes: m.hasNotes && m.notes_privacy_label === label }));
  await platform.db.write((tx) => auditNetworkView(tx, now, access, { userId: actor.userId }, 'care.meetings.network.view', { type: 'care-meeting', id: null }, address));
  return { meetings, labelName: PRIVACY_LABEL_NAMES[label] };
}

// ---- the person record's timeline ----

/** Each meeting as a timeline entry: planned (when it was arranged), held (with its decisions) or cancelled. */
export async function meetingTimeline(db: Kysely<DB>, personIds: readonly string[]): Promise<TimelineEntry[]> {
  const meetings = await meetingsOf(db, { personIds });
  return meetings.map((m) => {
    const when = `${formatDate(m.starts_at)} at ${formatTime(m.starts_at)}`;
    const href = paths.meeting(m.coordination_id, m.id);
    if (m.status === 'held') return { at: m.starts_at, source: 'care-meetings', kind: 'meeting-held', title: `Network meeting held on ${when}`, detail: m.decisions ? `Decisions: ${m.decisions}` : null, href, personId: m.person_id };
    if (m.status === 'cancelled') return { at: m.cancelled_at ?? m.created_at, source: 'care-meetings', kind: 'meeting-cancelled', title: `Network meeting on ${when} cancelled`, detail: m.cancel_reason, href, personId: m.person_id };
    return { at: m.created_at, source: 'care-meetings', kind: 'meeting-planned', title: `Network meeting planned for ${when}`, href, personId: m.person_id };
  });
}

