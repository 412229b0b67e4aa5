// Network meetings (issue 5, item 6): a coordination's meetings, scheduling with invitations, moving and
// cancelling, recording who came and the notes, follow-up tasks; the person's meetings in their portal.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DateTime } from 'luxon';
import type { Platform } from '../../platform/context.ts';
import { type FormErrors, NotFoundError, parseInput, orShowErrors, type Shown } from '../../platform/http/problems.ts';
import { ZONE } from '../../platform/views/format.ts';
import { ME_READ, PRIVACY_LABEL_NAMES, PRIVACY_LABELS, type PrivacyLabel, registerNetworkView, registerPersonSource } from '../people/index.ts';
import { CARE_READ, CARE_WRITE } from './coordination.ts';
import {
  ATTENDANCE,
  addFollowUp,
  attendanceField,
  cancelMeeting,
  cancelSchema,
  coordinationMeetings,
  followUpSchema,
  inviteeIdsOf,
  meetingForm,
  meetingPage,
  meetingTimeline,
  myMeeting,
  myMeetings,
  onMeetingReminder,
  recordMeeting,
  REMINDER_TIMER,
  recordSchema,
  rescheduleMeeting,
  rescheduleSchema,
  scheduleForm,
  scheduleMeeting,
  scheduleSchema,
  sharedMeetings,
} from './meetings.ts';
import { hasSharedMeeting } from './network-view-store.ts';
import { paths } from './paths.ts';

type IdRequest = FastifyRequest<{ Params: { id: string } }>;
type MeetingRequest = FastifyRequest<{ Params: { id: string; meetingId: string } }>;

const read = { permission: CARE_READ } as const;
const write = { permission: CARE_WRITE } as const;
const labels = PRIVACY_LABELS.map((value) => ({ value, text: PRIVACY_LABEL_NAMES[value] }));

/** The date and time fields of a form, from an instant (London time). */
function whenValues(iso: string) {
  const d = DateTime.fromISO(iso, { zone: 'utc' }).setZone(ZONE);
  return { 'date[day]': String(d.day), 'date[month]': String(d.month), 'date[year]': String(d.year), time: d.toFormat('HH:mm') };
}

export default async function meetingRoutes(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  // Meetings planned, held and cancelled are entries of the person record's timeline.
  registerPersonSource(platform, { name: 'care-meetings', timeline: meetingTimeline });
  platform.timers.register(REMINDER_TIMER, (tx, payload) => onMeetingReminder(platform, tx, payload as { meetingId: string; startsAt: string }));
  // A network member sees meetings by label: 'general' gives when and where; each label gives the notes that carry it.
  for (const label of PRIVACY_LABELS) {
    registerNetworkView(platform, { name: `care-meetings-${label}`, label, title: `Network meetings (${PRIVACY_LABEL_NAMES[label].toLowerCase()})`, href: (personId) => paths.sharedMeetings(personId, label), shows: (db, person) => hasSharedMeeting(db, person.personIds, label) });
  }
  const now = () => platform.clock.now();
  const schedule = scheduleSchema(now);
  const reschedule = rescheduleSchema(now);
  const followUp = followUpSchema(now);

  // A coordination's meetings: upcoming, then past and cancelled.
  app.get(paths.meetings(), { config: read }, async (request: IdRequest, reply) => {
    const page = await coordinationMeetings(platform, request.actor, request.params.id, request.ip);
    return reply.view('care/views/meetings/index.njk', { title: `Network meetings: ${page.personName}`, hideCrisisPanel: true, ...page, backHref: paths.coordination(page.coordination.id), paths });
  });

  // Arrange a meeting: when, where, and whom to invite (the person, their network, professionals).
  const showNew = async (request: IdRequest, reply: FastifyReply, extra: Shown = {}) => {
    const form = await scheduleForm(platform, request.actor, request.params.id, request.ip);
    return reply.code(extra.status ?? 200).view('care/views/meetings/new.njk', {
      title: 'Arrange a network meeting',
      hideCrisisPanel: true,
      ...form,
      values: extra.values ?? { durationMinutes: '60', invitePerson: 'yes' },
      errors: extra.errors,
      backHref: paths.meetings(form.coordination.id),
    });
  };
  app.get(paths.meetingNew(), { config: write }, async (request: IdRequest, reply) => showNew(request, reply));
  app.post(paths.meetingNew(), { config: write }, async (request: IdRequest, reply) => {
    const parsed = parseInput(schedule, request.body);
    const show = (extra: Shown) => showNew(request, reply, extra);
    if (!parsed.ok) return show({ errors: parsed.errors, values: parsed.values, status: 400 });
    return orShowErrors(request, async () => {
      const meetingId = await scheduleMeeting(platform, request.actor, request.params.id, parsed.data, request.ip);
      return reply.redirect(paths.meeting(request.params.id, meetingId), 303);
    }, show);
  });

  // One meeting: when and where, who was invited and came, the notes, the follow-ups.
  app.get(paths.meeting(), { config: read }, async (request: MeetingRequest, reply) => {
    const page = await meetingPage(platform, request.actor, request.params.id, request.params.meetingId, request.ip);
    return reply.view('care/views/meetings/show.njk', { title: 'Network meeting', hideCrisisPanel: true, ...page, backHref: paths.meetings(page.coordination.id), paths });
  });

  /** A form about one meeting: the page, with the meeting and what was typed. */
  const meetingFormRoute = (
    url: string,
    template: string,
    title: string,
    audit: string,
    initial: (form: Awaited<ReturnType<typeof meetingForm>>) => Record<string, unknown>,
    save: (request: MeetingRequest) => Promise<{ errors?: FormErrors; values?: Record<string, unknown> } | undefined>,
  ) => {
    const show = async (request: MeetingRequest, reply: FastifyReply, extra: Shown = {}) => {
      const form = await meetingForm(platform, request.actor, request.params.id, request.params.meetingId, audit, request.ip);
      return reply.code(extra.status ?? 200).view(template, {
        title,
        hideCrisisPanel: true,
        ...form,
        labels,
        attendanceOptions: ATTENDANCE,
        values: extra.values ?? initial(form),
        errors: extra.errors,
        backHref: paths.meeting(form.coordination.id, form.meeting.id),
      });
    };
    app.get(url, { config: write }, async (request: MeetingRequest, reply) => show(request, reply));
    app.post(url, { config: write }, async (request: MeetingRequest, reply) =>
      orShowErrors(request, async () => {
        const failed = await save(request);
        if (failed) return show(request, reply, { errors: failed.errors, values: failed.values, status: 400 });
        return reply.redirect(paths.meeting(request.params.id, request.params.meetingId), 303);
      }, (extra) => show(request, reply, extra)),
    );
  };

  // Move a planned meeting: everyone invited is told.
  meetingFormRoute(paths.meetingReschedule(), 'care/views/meetings/reschedule.njk', 'Move the meeting', 'care.meeting.reschedule-form.view', (f) => ({ ...whenValues(f.meeting.starts_at), durationMinutes: String(f.meeting.duration_minutes), place: f.meeting.place, videoLink: f.meeting.video_link, version: f.meeting.version }), async (request) => {
    const parsed = parseInput(reschedule, request.body);
    if (!parsed.ok) return parsed;
    await rescheduleMeeting(platform, request.actor, request.params.id, request.params.meetingId, parsed.data, request.ip);
  });

  // Cancel a planned meeting, with the reason: everyone invited is told.
  meetingFormRoute(paths.meetingCancel(), 'care/views/meetings/cancel.njk', 'Cancel the meeting', 'care.meeting.cancel-form.view', (f) => ({ version: f.meeting.version }), async (request) => {
    const parsed = parseInput(cancelSchema, request.body);
    if (!parsed.ok) return parsed;
    await cancelMeeting(platform, request.actor, request.params.id, request.params.meetingId, parsed.data, request.ip);
  });

  // Who came, and the notes written in the room.
  meetingFormRoute(
    paths.meetingRecord(),
    'care/views/meetings/record.njk',
    'Who came, and the notes',
    'care.meeting.record-form.view',
    (f) => ({
      version: f.meeting.version,
      alsoPresent: f.meeting.also_present,
      reflections: f.meeting.reflections,
      decisions: f.meeting.decisions,
      nextSteps: f.meeting.next_steps,
      notesPrivacyLabel: f.meeting.notes_privacy_label,
      ...Object.fromEntries(f.invitees.filter((i) => i.attendance).map((i) => [attendanceField(i.id), i.attendance])),
    }),
    async (request) => {
      const inviteeIds = await inviteeIdsOf(platform, request.actor, request.params.id, request.params.meetingId);
      const parsed = parseInput(recordSchema(inviteeIds), request.body);
      if (!parsed.ok) return parsed;
      await recordMeeting(platform, request.actor, request.params.id, request.params.meetingId, parsed.data, request.ip);
    },
  );

  // A follow-up task from the meeting, for the team or one of its staff.
  meetingFormRoute(paths.meetingFollowUp(), 'care/views/meetings/follow-up.njk', 'Add a follow-up', 'care.meeting.follow-up-form.view', () => ({}), async (request) => {
    const parsed = parseInput(followUp, request.body);
    if (!parsed.ok) return parsed;
    await addFollowUp(platform, request.actor, request.params.id, request.params.meetingId, parsed.data, request.ip);
  });

  // The person's own meetings and their notes, in their portal.
  app.get(paths.myMeetings, { config: { permission: ME_READ } }, async (request, reply) => {
    const page = await myMeetings(platform, request.actor, request.ip);
    return reply.view('care/views/meetings/mine.njk', { title: 'Your network meetings', ...page, backHref: '/my-record', paths });
  });
  app.get(paths.myMeeting(), { config: { permission: ME_READ } }, async (request: FastifyRequest<{ Params: { meetingId: string } }>, reply) => {
    const page = await myMeeting(platform, request.actor, request.params.meetingId, request.ip);
    return reply.view('care/views/meetings/my-meeting.njk', { title: 'Network meeting', ...page, backHref: paths.myMeetings, paths });
  });

  // A network member's view: meetings (and their notes) with one of their labels.
  app.get(paths.sharedMeetings(), { config: { permission: 'me:network:read' } }, async (request: FastifyRequest<{ Params: { personId: string; label: string } }>, reply) => {
    const label = request.params.label as PrivacyLabel;
    if (!(PRIVACY_LABELS as readonly string[]).includes(label)) throw new NotFoundError();
    const page = await sharedMeetings(platform, request.actor, request.params.personId, label, request.ip);
    return reply.view('care/views/meetings/shared.njk', { title: 'Network meetings shared with you', ...page });
  });
}
