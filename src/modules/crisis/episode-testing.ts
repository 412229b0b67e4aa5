// Test factories for crisis episodes: the people module's test alliance (a front door hub, a community
// team) plus a crisis team with a practitioner and a lead, and a sanctuary team whose worker can be
// made a responder. Each call makes unique data.
import type { Role } from '../../platform/access/policy.ts';
import { createTeam } from '../../platform/auth/accounts.ts';
import type { TestApp } from '../../testing/app.ts';
import { createTestUser } from '../../testing/auth.ts';
import { type Alliance, createAlliance, type Member } from '../people/testing.ts';
import { outboxMessagesTo } from './test-store.ts';

export interface CrisisAlliance extends Alliance {
  crisisTeamId: string;
  sanctuaryTeamId: string;
  crisisPractitioner: Member;
  crisisColleague: Member;
  crisisLead: Member;
  sanctuaryWorker: Member;
}

let counter = 0;

async function member(t: TestApp, role: Role, organisationId: string, teamId: string, label: string): Promise<Member> {
  const n = ++counter;
  const displayName = `${label} ${n}`;
  const user = await createTestUser(t.db, t.clock, { role, organisationId, teamId, displayName });
  return { ...user, role, teamId, actor: { kind: 'user', userId: user.userId, displayName, memberships: [{ organisationId, teamId, role }], personId: null, sessionRef: `test-${user.userId}` } };
}

export async function createCrisisAlliance(t: TestApp): Promise<CrisisAlliance> {
  const a = await createAlliance(t);
  const n = ++counter;
  const { crisisTeamId, sanctuaryTeamId } = await t.db.write(async (tx) => ({
    // "A" first, so a front door decision of this alliance finds this crisis team before older ones of other tests.
    crisisTeamId: await createTeam(tx, t.clock.now(), { organisationId: a.organisationId, name: `A crisis team ${n}`, kind: 'crisis', openingHours: null }),
    sanctuaryTeamId: await createTeam(tx, t.clock.now(), { organisationId: a.organisationId, name: `Sanctuary ${n}`, kind: 'sanctuary', openingHours: null }),
  }));
  return {
    ...a,
    crisisTeamId,
    sanctuaryTeamId,
    crisisPractitioner: await member(t, 'practitioner', a.organisationId, crisisTeamId, 'Crisis practitioner'),
    crisisColleague: await member(t, 'practitioner', a.organisationId, crisisTeamId, 'Crisis colleague'),
    crisisLead: await member(t, 'team-lead', a.organisationId, crisisTeamId, 'Crisis lead'),
    sanctuaryWorker: await member(t, 'practitioner', a.organisationId, sanctuaryTeamId, 'Sanctuary worker'),
  };
}

/** Messages of a kind to a recipient. */
export async function messagesTo(t: TestApp, to: string, kind: string) {
  return outboxMessagesTo(t.db.read, to, kind);
}
