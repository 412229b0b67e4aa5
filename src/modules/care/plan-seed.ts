// The care coordination and shared plan part of the demo (issue 5, item 4): Jordan Reid, the demo
// person, has an open coordination with the community team (Brixton and Stockwell), opened twelve
// weeks ago, with Aisha Rahman (the demo care coordinator) as key worker, and a shared plan with
// three versions: written together, changed after a review, and an action marked done. Synthetic
// only. The plan is saved through the same calls as the pages, each at its own time in the past (a
// clock fixed at that moment), so its tasks and the review reminder are real. The seed runs without the app, so it registers the
// care person source itself (it makes the coordinating team involved, as the module does).
import type { Actor } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { DemoAlliance } from '../../platform/seed/demo-alliance.ts';
import { londonDate } from '../../platform/time/calendar.ts';
import { KEY_WORKER_ROLE } from './coordination.ts';
import { markActionDone, registerCarePersonSource, savePlan } from './plan.ts';
import type { PlanForm } from './plan-schemas.ts';
import { actionsOf, coordinationsOf, insertCoordination, insertPlan, insertTeamMember, planOfCoordination } from './plan-store.ts';

const DAY = 86_400_000;

const WHAT_MATTERS = 'Being well enough to go back to work, and to see my friends again. Sleeping properly. Not feeling like I am letting everyone down.';
const STRENGTHS = 'I am organised and I like to cook. My brother Chris checks in on me. I used to run and I want to again.';
const GOALS_1 = 'Sleep at least six hours most nights. Get out of the flat every day, even for a short walk.';
const GOALS_2 = 'Sleep at least six hours most nights. Get out every day. Talk to work about a phased return by the spring.';
const IF_WORSE =
  'Signs: I stop answering my phone, I stay in bed all day, I stop eating. What helps: Chris coming round, a walk, music. Call Aisha on the team number in office hours; out of hours call NHS 111 and choose the mental health option, or go to the Brixton Evening Sanctuary (18:00 to midnight). If I am not safe, 999.';

export async function seedPlansDemo(platform: Platform, demo: DemoAlliance): Promise<string | undefined> {
  // On the seed's platform too, for the parts that run after this one (reviews, meetings) and check access the same way.
  registerCarePersonSource(platform);
  const db = platform.db.read;
  const jordan = (await db.selectFrom('users').select(['person_id']).where('id', '=', demo.users.person).executeTakeFirst())?.person_id;
  if (!jordan) return undefined;
  if ((await coordinationsOf(db, [jordan])).length > 0) return undefined;
  const teamId = demo.teams.communityNorth;
  const worker = demo.users.careCoordinator;
  const now = platform.clock.now();
  const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY);
  const on = (daysFromNow: number) => londonDate(new Date(now.getTime() + daysFromNow * DAY));
  // The platform at a moment in the past (person sources are registered per platform, so again on each).
  const when = (moment: Date): Platform => {
    const then = { ...platform, clock: { now: () => moment } };
    registerCarePersonSource(then);
    return then;
  };

  // Opened twelve weeks ago by the care coordinator, as key worker.
  const coordinationId = await platform.db.write(async (tx) => {
    const opened = at(84);
    const id = await insertCoordination(tx, { personId: jordan, teamId, keyWorkerId: worker, requestId: null, by: worker, at: opened });
    await insertPlan(tx, { coordinationId: id, personId: jordan, at: opened });
    await insertTeamMember(tx, { coordinationId: id, userId: worker, role: KEY_WORKER_ROLE, by: worker, at: opened });
    return id;
  });
  const aisha: Actor = { kind: 'user', userId: worker, displayName: 'Aisha Rahman', memberships: [{ organisationId: demo.orgs.trust, teamId, role: 'practitioner' }], personId: null, sessionRef: 'demo-seed' };
  const base = { whatMatters: WHAT_MATTERS, strengths: STRENGTHS, ifWorse: IF_WORSE, privacyLabel: 'mental-health' as const };

  // Version 1, written together twelve weeks ago.
  const first: PlanForm = {
    ...base,
    version: 0,
    goals: GOALS_1,
    reviewDate: londonDate(at(42)),
    note: 'Written together at our first meeting',
    actions: [
      { index: 0, id: null, what: 'Ask the GP about a sleep review', who: 'Aisha (key worker)', assigneeId: null, dueOn: londonDate(at(70)), remove: false },
      { index: 1, id: null, what: 'Try the Tuesday peer group at the Living Well Peer Network', who: 'Jordan, with Leon from the peer network', assigneeId: null, dueOn: on(7), remove: false },
    ],
  };
  await savePlan(when(at(84)), aisha, coordinationId, first);
  // Version 2, after the review six weeks later: a goal about work, an action for Jordan, the next review in two weeks.
  const plan = await planOfCoordination(db, coordinationId);
  const actions = plan ? await actionsOf(db, plan.id) : [];
  const keep = actions.map((a, index) => ({ index, id: a.id, what: a.what, who: a.who, assigneeId: a.assignee_id, dueOn: a.due_on, remove: false }));
  await savePlan(when(at(42)), aisha, coordinationId, {
    ...base,
    version: 1,
    goals: GOALS_2,
    reviewDate: on(14),
    note: 'Reviewed together: added the goal about work',
    actions: [...keep, { index: keep.length, id: null, what: 'Call the college about a part-time cookery course', who: 'Jordan', assigneeId: null, dueOn: on(10), remove: false }],
  });
  // Version 3: the GP action done.
  const gp = actions.find((a) => a.what.startsWith('Ask the GP'));
  if (gp) await markActionDone(when(at(30)), aisha, coordinationId, gp.id);
  return 'Jordan Reid’s care coordination with the Brixton and Stockwell community team, and a shared plan in 3 versions';
}
