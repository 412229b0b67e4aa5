// Test factories for the front door: a hub team with a lead and practitioners, actors for them, and
// requests submitted through the real pipeline. Each call makes unique data.
import type { Actor } from '../../platform/access/policy.ts';
import { createOrganisation, createTeam, createUser } from '../../platform/auth/accounts.ts';
import type { Platform } from '../../platform/context.ts';
import { aServiceRunBy } from '../directory/testing.ts';
import { type Submission, submitRequest } from './submit.ts';

export const WEEKDAYS_9_TO_5 = {
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, [{ opens: '09:00', closes: '17:00' }]])),
  bankHolidays: 'closed',
};

let counter = 0;

export interface Hub {
  organisationId: string;
  teamId: string;
  lead: Extract<Actor, { kind: 'user' }> & { email: string };
  practitioner: Extract<Actor, { kind: 'user' }> & { email: string };
  /** A practitioner of another team: must not see or act on the hub's requests. */
  outsider: Extract<Actor, { kind: 'user' }> & { email: string };
}

export async function createHub(platform: Platform, openingHours: unknown = WEEKDAYS_9_TO_5): Promise<Hub> {
  const n = ++counter;
  const now = platform.clock.now();
  return platform.db.write(async (tx) => {
    const organisationId = await createOrganisation(tx, now, { name: `Test trust ${n}`, kind: 'nhs' });
    const teamId = await createTeam(tx, now, { organisationId, name: `Front door hub ${n}`, kind: 'front-door', openingHours });
    const otherTeam = await createTeam(tx, now, { organisationId, name: `Community team ${n}`, kind: 'community' });
    const make = async (role: 'team-lead' | 'practitioner', team: string, label: string) => {
      const email = `${label}-${n}-${process.pid}@example.test`;
      const userId = await createUser(tx, now, { email, displayName: `${label} ${n}`, passwordHash: null, memberships: [{ organisationId, teamId: team, role }] });
      return { kind: 'user' as const, userId, displayName: `${label} ${n}`, memberships: [{ organisationId, teamId: team, role }], personId: null, sessionRef: `test-${userId}`, email };
    };
    return {
      organisationId,
      teamId,
      lead: await make('team-lead', teamId, 'lead'),
      practitioner: await make('practitioner', teamId, 'practitioner'),
      outsider: await make('practitioner', otherTeam, 'outsider'),
    };
  });
}

export function aSubmission(overrides: Partial<Submission> = {}): Submission {
  const n = ++counter;
  return {
    source: 'self',
    channel: 'web',
    person: { givenName: 'Sam', familyName: `Example${n}`, dateOfBirth: '1992-04-18', postcode: 'SW9 9SL', phone: `0770090${String(n % 10_000).padStart(4, '0')}` },
    story: 'I have been feeling anxious and low since losing my job.',
    consentToShare: true,
    ...overrides,
  };
}

export function submit(platform: Platform, overrides: Partial<Submission> = {}) {
  return submitRequest(platform, aSubmission(overrides), { userId: null, role: null });
}

export interface Partner {
  organisationId: string;
  serviceId: string;
  serviceName: string;
  practitioner: Extract<Actor, { kind: 'user' }> & { email: string };
  lead: Extract<Actor, { kind: 'user' }> & { email: string };
}

/** A partner organisation (a charity) with a team, a practitioner and a lead, running one directory service that takes referrals through Mutual. */
export async function createPartner(platform: Platform, name = 'Peer support group'): Promise<Partner> {
  const n = ++counter;
  const now = platform.clock.now();
  const made = await platform.db.write(async (tx) => {
    const organisationId = await createOrganisation(tx, now, { name: `Test charity ${n}`, kind: 'voluntary' });
    const teamId = await createTeam(tx, now, { organisationId, name: `Charity team ${n}`, kind: 'community' });
    const make = async (role: 'team-lead' | 'practitioner', label: string) => {
      const email = `${label}-${n}-${process.pid}@example.test`;
      const userId = await createUser(tx, now, { email, displayName: `${label} ${n}`, passwordHash: null, memberships: [{ organisationId, teamId, role }] });
      return { kind: 'user' as const, userId, displayName: `${label} ${n}`, memberships: [{ organisationId, teamId, role }], personId: null, sessionRef: `test-${userId}`, email };
    };
    return { organisationId, practitioner: await make('practitioner', 'partner-practitioner'), lead: await make('team-lead', 'partner-lead') };
  });
  const serviceName = `${name} ${n}`;
  const serviceId = await aServiceRunBy(platform, made.organisationId, { name: serviceName });
  return { ...made, serviceId, serviceName };
}
