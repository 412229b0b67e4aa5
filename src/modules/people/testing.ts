// Test factories for the person record: a trust with a front door hub and a community team, a
// signed-in-able user of each role that matters, people (with and without a front door request), and
// actors for domain calls. Each call makes unique data.
import type { Actor, Role } from '../../platform/access/policy.ts';
import { createOrganisation, createTeam } from '../../platform/auth/accounts.ts';
import { nhsCheckDigit } from '../../platform/identifiers/nhs-number.ts';
import type { TestApp } from '../../testing/app.ts';
import { createTestUser, type TestUser } from '../../testing/auth.ts';
import { type Submission, submitRequest } from '../front-door/index.ts';
import { findOrCreatePerson } from './people.ts';
import type { NewPerson } from './store.ts';

export type UserActor = Extract<Actor, { kind: 'user' }>;

export interface Member extends TestUser {
  role: Role;
  teamId: string | null;
  actor: UserActor;
}

export interface Alliance {
  organisationId: string;
  /** The front door hub: its open requests make it involved with their people. */
  hubTeamId: string;
  communityTeamId: string;
  hubPractitioner: Member;
  hubLead: Member;
  /** A practitioner of the community team: not involved with the hub's people. */
  outsider: Member;
  communityLead: Member;
  providerAdmin: Member;
  commissioner: Member;
}

let counter = 0;

async function member(t: TestApp, role: Role, organisationId: string, teamId: string | null, label: string): Promise<Member> {
  const user = await createTestUser(t.db, t.clock, { role, organisationId, teamId, displayName: `${label} ${counter}` });
  const memberships = [{ organisationId, teamId, role }];
  return { ...user, role, teamId, actor: { kind: 'user', userId: user.userId, displayName: `${label} ${counter}`, memberships, personId: null, sessionRef: `test-${user.userId}` } };
}

/** A trust whose hub runs the front door (made first, so the front door picks it), a community team, and their people. */
export async function createAlliance(t: TestApp): Promise<Alliance> {
  const n = ++counter;
  const { organisationId, hubTeamId, communityTeamId } = await t.db.write(async (tx) => {
    const now = t.clock.now();
    const organisationId = await createOrganisation(tx, now, { name: `Test trust ${n}`, kind: 'nhs' });
    const hubTeamId = await createTeam(tx, now, { organisationId, name: `Front door hub ${n}`, kind: 'front-door', openingHours: null });
    const communityTeamId = await createTeam(tx, now, { organisationId, name: `Community team ${n}`, kind: 'community', openingHours: null });
    return { organisationId, hubTeamId, communityTeamId };
  });
  const councilId = await t.db.write((tx) => createOrganisation(tx, t.clock.now(), { name: `Test council ${n}`, kind: 'council' }));
  return {
    organisationId,
    hubTeamId,
    communityTeamId,
    hubPractitioner: await member(t, 'practitioner', organisationId, hubTeamId, 'Hub practitioner'),
    hubLead: await member(t, 'team-lead', organisationId, hubTeamId, 'Hub lead'),
    outsider: await member(t, 'practitioner', organisationId, communityTeamId, 'Community practitioner'),
    communityLead: await member(t, 'team-lead', organisationId, communityTeamId, 'Community lead'),
    providerAdmin: await member(t, 'provider-admin', organisationId, null, 'Provider admin'),
    commissioner: await member(t, 'commissioner', councilId, null, 'Commissioner'),
  };
}

/** A valid NHS number (modulus 11) not used before in this process. */
export function aNhsNumber(): string {
  for (;;) {
    const nine = String(400_000_000 + ((++counter * 7919 + process.pid * 104_729) % 500_000_000)).padStart(9, '0');
    const check = nhsCheckDigit(nine);
    if (check !== null) return `${nine}${check}`;
  }
}

export function aPerson(overrides: Partial<NewPerson> = {}): NewPerson {
  const n = ++counter;
  return {
    givenName: 'Alex',
    familyName: `Person${n}x${process.pid}`,
    dateOfBirth: '1990-03-27',
    postcode: 'SW9 9SL',
    phone: `0770090${String(n % 10_000).padStart(4, '0')}`,
    preferredLanguage: 'English',
    contactPreferences: { methods: ['phone'], safeTimes: 'After 6pm', mayLeaveMessage: false },
    equality: { ethnicity: 'M', gender: 'Z' },
    ...overrides,
  };
}

/** A person record with no request: no team is involved. */
export async function personWithoutRequest(t: TestApp, person: NewPerson = aPerson()): Promise<string> {
  return t.db.write(async (tx) => (await findOrCreatePerson(tx, t.clock.now(), person)).personId);
}

/** A person who asked the front door for help: the hub is involved while the request is open. */
export async function personWithRequest(t: TestApp, person: NewPerson = aPerson(), overrides: Partial<Submission> = {}) {
  return submitRequest(t.platform, { source: 'self', channel: 'web', person, story: 'I have not been sleeping and feel very low.', consentToShare: true, ...overrides }, { userId: null, role: null });
}
