// The reviews and network meetings part of the demo (issue 5, items 5 and 6), for Jordan Reid, the demo
// person, on their open care coordination (made by the plans part, which runs first; found by person):
// three DIALOG-style reviews over the last three months (so the trend chart has a story: mood and
// sleep improving, work still hard), a network meeting two weeks ago with who came, the notes and a
// follow-up, and one in five days with invitations in the outbox (to Jordan, Chris and the key worker).
// The past rows are written through the store (a meeting cannot be arranged in the past through the
// page); the coming meeting through the same call as the page.
import type { Actor, Role } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { DemoAlliance } from '../../platform/seed/demo-alliance.ts';
import { networkMembersOf } from '../people/index.ts';
import { insertInvitee, insertMeeting, meetingById, setAttendance, updateMeeting } from './meeting-store.ts';
import { FOLLOW_UP_KIND, scheduleMeeting } from './meetings.ts';
import { coordinationsOf, teamStaff } from './plan-store.ts';
import { insertReview } from './review-store.ts';
import { allItems, REVIEW_ITEMS } from './reviews.ts';
import { createTask } from './tasks.ts';

const DAY = 86_400_000;

/** Jordan's ratings at each review, oldest first: item key → [rating, wants more help]. */
const STORY: Record<string, [number, boolean]>[] = [
  { 'mental-health': [2, true], 'physical-health': [3, true], 'daily-activity': [2, true], accommodation: [4, false], leisure: [2, false], friendships: [3, false], 'partner-family': [4, false], 'personal-safety': [4, true], medication: [3, true], 'practical-help': [3, false], 'professional-meetings': [4, false] },
  { 'mental-health': [3, true], 'physical-health': [4, false], 'daily-activity': [3, true], accommodation: [4, false], leisure: [3, false], friendships: [4, false], 'partner-family': [5, false], 'personal-safety': [5, false], medication: [4, false], 'practical-help': [3, true], 'professional-meetings': [5, false] },
  { 'mental-health': [5, false], 'physical-health': [5, false], 'daily-activity': [3, true], accommodation: [5, false], leisure: [4, false], friendships: [5, false], 'partner-family': [5, false], 'personal-safety': [6, false], medication: [5, false], 'practical-help': [4, true], 'professional-meetings': [6, false] },
];
const COMMENTS = ['I am not sleeping and work feels impossible.', null, 'Sleeping better. Still worried about going back to work full time.'];

export async function seedReviewsAndMeetingsDemo(platform: Platform, demo: DemoAlliance): Promise<string | undefined> {
  const db = platform.db.read;
  const jordan = (await db.selectFrom('users').select(['person_id']).where('id', '=', demo.users.person).executeTakeFirst())?.person_id;
  if (!jordan) return undefined;
  const coordination = (await coordinationsOf(db, [jordan])).find((c) => c.status === 'open');
  if (!coordination) return undefined;
  if (await db.selectFrom('care_reviews').select(['id']).where('coordination_id', '=', coordination.id).executeTakeFirst()) return undefined;
  const staff = await teamStaff(db, coordination.team_id);
  const worker = staff.find((s) => s.id === coordination.key_worker_id) ?? staff[0];
  if (!worker) return undefined;
  const role = ((await db.selectFrom('memberships').select(['role']).where('user_id', '=', worker.id).where('team_id', '=', coordination.team_id).executeTakeFirst())?.role ?? 'practitioner') as Role;
  const actor: Actor = { kind: 'user', userId: worker.id, displayName: worker.display_name, memberships: [{ organisationId: demo.orgs.trust, teamId: coordination.team_id, role }], personId: null, sessionRef: 'demo-seed' };
  const now = platform.clock.now();
  const ago = (days: number, hour = 11) => {
    const d = new Date(now.getTime() - days * DAY);
    d.setUTCHours(hour, 0, 0, 0);
    return d;
  };
  const keys = new Set(allItems().map((i) => i.key));
  const past = ago(14, 14);

  await platform.db.write(async (tx) => {
    // Three reviews: twelve, seven and two weeks ago, the last one entered by Jordan in their portal.
    const when = [ago(84), ago(49), ago(15, 19)];
    for (const [i, story] of STORY.entries()) {
      const byJordan = i === 2;
      await insertReview(tx, {
        coordinationId: coordination.id,
        personId: coordination.person_id,
        reviewedAt: when[i]!,
        enteredBy: byJordan ? demo.users.person : worker.id,
        enteredByRole: byJordan ? 'person' : role,
        teamId: byJordan ? null : coordination.team_id,
        comment: COMMENTS[i] ?? null,
        itemsVersion: REVIEW_ITEMS.version,
        privacyLabel: 'mental-health',
        ratings: Object.entries(story)
          .filter(([key]) => keys.has(key))
          .map(([itemKey, [rating, wantsMoreHelp]]) => ({ itemKey, rating, wantsMoreHelp })),
        at: when[i]!,
      });
    }

    // The meeting two weeks ago: Jordan, Chris and the key worker came; the notes written in the room.
    const meetingId = await insertMeeting(tx, {
      coordinationId: coordination.id,
      personId: coordination.person_id,
      teamId: coordination.team_id,
      startsAt: past,
      durationMinutes: 60,
      place: 'Jordan’s home',
      videoLink: null,
      purpose: 'Getting back to work, and sleep',
      by: worker.id,
      at: ago(21),
    });
    const members = (await networkMembersOf(tx, [jordan])).filter((m) => m.status !== 'removed');
    const invited = [
      await insertInvitee(tx, meetingId, { kind: 'person', networkMemberId: null, userId: null, name: 'Jordan Reid', email: demo.emails.person, phone: null }, ago(21)),
      ...(await Promise.all(members.map((m) => insertInvitee(tx, meetingId, { kind: 'network-member', networkMemberId: m.id, userId: null, name: m.name, email: m.email, phone: m.phone }, ago(21))))),
      await insertInvitee(tx, meetingId, { kind: 'professional', networkMemberId: null, userId: worker.id, name: worker.display_name, email: worker.email, phone: null }, ago(21)),
    ];
    const meeting = (await meetingById(tx, meetingId))!;
    await updateMeeting(tx, meetingId, meeting.version, {
      status: 'held',
      attendance_recorded_at: past.toISOString(),
      attendance_recorded_by: worker.id,
      reflections:
        'Jordan said the nights are the hardest part and that going back to work all at once felt like too much. Chris said he has noticed Jordan is more like himself at weekends. Everyone agreed that a slower return could work.',
      decisions: 'Jordan will ask work for a phased return over four weeks. Chris will come to the next meeting.',
      next_steps: 'Aisha to write to Jordan’s GP about sleep. Jordan to try the Tuesday walking group.',
      notes_privacy_label: 'mental-health',
      notes_written_by: worker.id,
      notes_written_at: past.toISOString(),
    });
    // Everyone came but the last network member (Sam, the friend, in the demo), who sent apologies.
    for (const [i, id] of invited.entries()) await setAttendance(tx, meetingId, id, members.length > 1 && i === members.length ? 'apologies' : 'attended');
    await createTask(tx, {
      teamId: coordination.team_id,
      assigneeId: worker.id,
      personId: coordination.person_id,
      title: 'Write to Jordan’s GP about sleep',
      detail: 'From the network meeting two weeks ago',
      dueAt: new Date(now.getTime() + 2 * DAY),
      source: 'care',
      sourceKind: FOLLOW_UP_KIND,
      sourceId: meetingId,
      createdBy: worker.id,
      at: past,
    });
  });

  // The next meeting, in five days at 16:00, arranged as the page does: invitations go through the outbox.
  const next = new Date(now.getTime() + 5 * DAY);
  next.setUTCHours(16, 0, 0, 0);
  const members = (await networkMembersOf(db, [jordan])).filter((m) => m.status !== 'removed' && m.relationship === 'family');
  await scheduleMeeting(platform, actor, coordination.id, {
    startsAt: next,
    durationMinutes: 60,
    place: 'Brixton and Stockwell team base, room 2',
    videoLink: 'https://video.example.nhs.uk/join/demo-network-meeting',
    purpose: 'How the phased return is going',
    invitePerson: 'yes',
    networkMemberIds: members.map((m) => m.id),
    staffIds: [worker.id],
    otherEmails: [],
  });
  return `Jordan's reviews (3, with a trend) and network meetings (one held with notes, one in five days)`;
}
