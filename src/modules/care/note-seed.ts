// The notes and tasks part of the demo (issue 5, items 7 and 8): about Jordan Reid, the demo person,
// a note shared with them (in their portal at /my-record/notes), a note withheld for information about
// someone else that waits for a team lead to confirm it (the lead's task and /care/withheld-notes),
// and tasks for the demo practitioner: one overdue, one due tomorrow, and one the team has not taken.
// Written through the same domain calls as the pages, as a practitioner whose team is involved with
// Jordan: the front door hub (its lead is the demo team lead) while Jordan's request is open, else
// the community team's care coordinator.
import type { Actor, Role } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { DemoAlliance } from '../../platform/seed/demo-alliance.ts';
import { accessTo, PEOPLE_WRITE } from '../people/index.ts';
import { writeNote } from './notes.ts';
import { createTask } from './tasks.ts';

const DAY = 86_400_000;

function staff(demo: DemoAlliance, user: 'practitioner' | 'careCoordinator', team: 'frontDoor' | 'communityNorth', displayName: string): Actor {
  return { kind: 'user', userId: demo.users[user], displayName, memberships: [{ organisationId: demo.orgs.trust, teamId: demo.teams[team], role: 'practitioner' as Role }], personId: null, sessionRef: 'demo-seed' };
}

export async function seedNotesDemo(platform: Platform, demo: DemoAlliance): Promise<string | undefined> {
  const db = platform.db.read;
  const jordan = (await db.selectFrom('users').select(['person_id']).where('id', '=', demo.users.person).executeTakeFirst())?.person_id;
  if (!jordan) return undefined;
  if (await db.selectFrom('care_notes').select(['id']).where('person_id', '=', jordan).executeTakeFirst()) return undefined;
  const candidates = [staff(demo, 'practitioner', 'frontDoor', 'Priya Shah'), staff(demo, 'careCoordinator', 'communityNorth', 'Aisha Rahman')];
  let writer: Actor | undefined;
  for (const c of candidates) {
    if (await accessTo(platform, db, c, jordan, PEOPLE_WRITE)) {
      writer = c;
      break;
    }
  }
  if (writer?.kind !== 'user') return undefined;
  const now = platform.clock.now();
  const earlier = (hours: number) => new Date(now.getTime() - hours * 3_600_000);
  await writeNote(platform, writer, jordan, {
    contact: 'phone',
    occurredAt: earlier(26),
    body: 'Called Jordan as agreed. Sleep is still poor (about four hours a night) but Jordan went back to work on Monday and found the phased return helpful. Jordan would like to try the Tuesday walking group at the Living Well Peer Network; I will send the details by text. We agreed to speak again next week.',
    privacyLabel: 'mental-health',
    visibility: 'shared',
  });
  await writeNote(platform, writer, jordan, {
    contact: 'none',
    occurredAt: earlier(3),
    body: 'Jordan’s brother phoned the team. He is worried about money problems they share and asked us not to tell Jordan he called until he has spoken to Jordan himself.',
    privacyLabel: 'mental-health',
    visibility: 'withheld',
    reasonKind: 'third-party',
    explanation: 'Contains what Jordan’s brother told us in confidence about their shared debts; he has not agreed to it being shared yet.',
    personExplanation: 'Please ask us if you would like to talk about it.',
  });
  const teamId = writer.memberships[0]!.teamId!;
  await platform.db.write(async (tx) => {
    const task = { teamId, personId: jordan, source: 'care', sourceKind: 'manual', createdBy: writer.userId, at: now };
    await createTask(tx, { ...task, assigneeId: writer.userId, title: 'Text Jordan the walking group details', dueAt: new Date(now.getTime() - 2 * DAY) });
    await createTask(tx, { ...task, assigneeId: writer.userId, title: 'Call Jordan back about sleep', detail: 'As agreed on the phone: how the phased return is going.', dueAt: new Date(now.getTime() + DAY) });
    await createTask(tx, { ...task, title: 'Check Jordan’s GP has the latest letter', dueAt: new Date(now.getTime() + 5 * DAY) });
  });
  return 'notes about Jordan Reid (one shared, one withheld awaiting a lead) and 3 tasks';
}
