// The demo alliance: a plausible, entirely synthetic mental-health alliance in south London, so that
// `npm start` shows a working product and every role can be tried. Every organisation, person, email
// address and number here is invented (emails at example.org, RFC 2606).
//
// Ids are fixed (derived from stable keys), so module seeds can refer to the demo organisations,
// teams and users (`DEMO.orgs.trust`, `DEMO.teams.frontDoor`, `DEMO.users.practitioner`), and so can
// documentation and tests of the demo. Everything here is written in one unit of work, with its audit
// event. The seed refuses to run in production and on a database that already holds accounts.
import { createHash } from 'node:crypto';
import { type Role, ROLES, STAFF_ROLES } from '../access/policy.ts';
import { recordAudit } from '../access/audit.ts';
import { createOrganisation, createTeam, createUser, type NewOrganisation } from '../auth/accounts.ts';
import { hashPassword } from '../auth/passwords.ts';
import type { Platform } from '../context.ts';
import type { OpeningHours, Session } from '../time/calendar.ts';
import { holdsAccounts, organisationExists } from './store.ts';

/** The one password of every demo account. Printed at start; never valid in production (the seed refuses there). */
export const DEMO_PASSWORD = 'mutual-demo-2026';

/** A UUID derived from a stable key (SHA-1, shaped like a version 5 UUID), so demo ids never change. */
export function demoId(key: string): string {
  const h = createHash('sha1').update(`mutual-demo-alliance:${key}`).digest('hex');
  const variant = ((Number.parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

// ---- opening hours ------------------------------------------------------------------------------

const s = (opens: string, closes: string): Session[] => [{ opens, closes }];
const weekdays = (sessions: Session[]) => ({ mon: sessions, tue: sessions, wed: sessions, thu: sessions, fri: sessions });
const everyDay = (sessions: Session[]) => ({ ...weekdays(sessions), sat: sessions, sun: sessions });

export const DEMO_HOURS = {
  /** The front door hub answers by phone and online 08:00–20:00 every day, 10:00–16:00 on bank holidays. */
  frontDoor: { weekly: everyDay(s('08:00', '20:00')), bankHolidays: s('10:00', '16:00') },
  officeHours: { weekly: weekdays(s('09:00', '17:00')), bankHolidays: 'closed' },
  peerSupport: { weekly: { ...weekdays(s('10:00', '18:00')), sat: s('10:00', '14:00') }, bankHolidays: 'closed' },
  /** The evening sanctuary: 18:00 to midnight every day of the year. */
  sanctuary: { weekly: everyDay(s('18:00', '24:00')), bankHolidays: 'open' },
  barbers: { weekly: { tue: s('09:00', '18:00'), wed: s('09:00', '18:00'), thu: s('09:00', '19:00'), fri: s('09:00', '19:00'), sat: s('08:00', '17:00') }, bankHolidays: 'closed' },
  debtAdvice: { weekly: { mon: s('09:30', '16:30'), tue: s('09:30', '16:30'), wed: s('09:30', '16:30'), thu: s('09:30', '19:00'), fri: s('09:30', '13:00') }, bankHolidays: 'closed' },
} satisfies Record<string, OpeningHours>;

// ---- organisations, teams and people ------------------------------------------------------------

const ORGS = {
  trust: { name: 'Thameside NHS Foundation Trust', kind: 'nhs', description: 'The NHS mental health trust for Lambeth and Southwark (fictional).' },
  council: { name: 'Lambeth Borough Council', kind: 'council', description: 'The council: adult social care, housing and public health commissioning (fictional).' },
  wellbeing: { name: 'Brixton Wellbeing Collective', kind: 'voluntary', description: 'A community mental health charity run with and for local people.' },
  barbers: { name: 'Chair Talk Barbers Network', kind: 'community', description: 'Barbers and hairdressers trained to listen, and to help someone find support.' },
  crisisHouse: { name: 'Hollybrook Crisis House', kind: 'voluntary', description: 'A short-stay crisis house: an alternative to hospital admission.' },
  sanctuary: { name: 'South London Sanctuary Trust', kind: 'voluntary', description: 'An evening sanctuary and crisis cafés: somewhere safe to go in the evening.' },
  university: { name: 'South Bank Metropolitan University', kind: 'university', description: 'A university in Elephant and Castle, with a student wellbeing service.' },
  peerSupport: { name: 'Living Well Peer Network', kind: 'voluntary', description: 'Peer support led by people with lived experience of mental ill health.' },
  debtAdvice: { name: 'South London Advice Centre', kind: 'voluntary', description: 'Free, independent advice on debt, benefits, housing and work.' },
} as const satisfies Record<string, Omit<NewOrganisation, 'id'>>;
type OrgKey = keyof typeof ORGS;

interface TeamSpec {
  org: OrgKey;
  name: string;
  kind: string;
  /** null: open 24 hours, every day. */
  hours: OpeningHours | null;
}

const TEAMS = {
  frontDoor: { org: 'trust', name: 'Front door hub', kind: 'front-door', hours: DEMO_HOURS.frontDoor },
  crisis: { org: 'trust', name: 'Crisis and home treatment team', kind: 'crisis', hours: null },
  communityNorth: { org: 'trust', name: 'Community mental health team: Brixton and Stockwell', kind: 'community', hours: DEMO_HOURS.officeHours },
  communitySouth: { org: 'trust', name: 'Community mental health team: Streatham and Norwood', kind: 'community', hours: DEMO_HOURS.officeHours },
  peerSupport: { org: 'peerSupport', name: 'Peer support team', kind: 'peer-support', hours: DEMO_HOURS.peerSupport },
  crisisHouse: { org: 'crisisHouse', name: 'Hollybrook crisis house', kind: 'crisis-house', hours: null },
  sanctuary: { org: 'sanctuary', name: 'Brixton Evening Sanctuary', kind: 'sanctuary', hours: DEMO_HOURS.sanctuary },
  barbers: { org: 'barbers', name: 'Barbershop champions', kind: 'champions', hours: DEMO_HOURS.barbers },
  studentWellbeing: { org: 'university', name: 'Student wellbeing service', kind: 'wellbeing', hours: DEMO_HOURS.officeHours },
  debtAdvice: { org: 'debtAdvice', name: 'Debt and benefits advice', kind: 'advice', hours: DEMO_HOURS.debtAdvice },
  commissioning: { org: 'council', name: 'Mental health commissioning', kind: 'commissioning', hours: DEMO_HOURS.officeHours },
} as const satisfies Record<string, TeamSpec>;
type TeamKey = keyof typeof TEAMS;

interface UserSpec {
  role: Role;
  email: string;
  displayName: string;
  org: OrgKey;
  team: TeamKey | null;
  note: string;
}

/** One account for every role, and a few more practitioners so the crisis, care and community demos have people. */
const USERS = {
  person: { role: 'person', email: 'person@demo.example.org', displayName: 'Jordan Reid', org: 'trust', team: null, note: 'A person using services: their own record, plan and safety plan' },
  networkMember: { role: 'network-member', email: 'network@demo.example.org', displayName: 'Chris Reid', org: 'trust', team: null, note: 'Jordan’s brother, in Jordan’s chosen network' },
  champion: { role: 'champion', email: 'champion@demo.example.org', displayName: 'Marcus Bennett', org: 'barbers', team: 'barbers', note: 'A barber and trained champion: conversations and warm referrals' },
  practitioner: { role: 'practitioner', email: 'practitioner@demo.example.org', displayName: 'Priya Shah', org: 'trust', team: 'frontDoor', note: 'Front door hub practitioner: the request queue' },
  teamLead: { role: 'team-lead', email: 'lead@demo.example.org', displayName: 'Grace Okafor', org: 'trust', team: 'frontDoor', note: 'Front door hub team lead: targets, breaches and escalations' },
  providerAdmin: { role: 'provider-admin', email: 'provider@demo.example.org', displayName: 'Tomasz Nowak', org: 'sanctuary', team: null, note: 'South London Sanctuary Trust: keeps its directory entries up to date' },
  commissioner: { role: 'commissioner', email: 'commissioner@demo.example.org', displayName: 'Helen Carter', org: 'council', team: 'commissioning', note: 'Council commissioner: alliance dashboards (aggregates only)' },
  admin: { role: 'admin', email: 'admin@demo.example.org', displayName: 'Sam Adeyemi', org: 'trust', team: null, note: 'Alliance administrator: accounts, audit and the outbox' },
  crisisPractitioner: { role: 'practitioner', email: 'crisis@demo.example.org', displayName: 'Daniel Price', org: 'trust', team: 'crisis', note: 'Crisis and home treatment practitioner: the crisis board' },
  careCoordinator: { role: 'practitioner', email: 'community@demo.example.org', displayName: 'Aisha Rahman', org: 'trust', team: 'communityNorth', note: 'Community team care coordinator: plans, notes and reviews' },
  peerWorker: { role: 'practitioner', email: 'peer@demo.example.org', displayName: 'Leon Clarke', org: 'peerSupport', team: 'peerSupport', note: 'Peer support worker at the Living Well Peer Network: referrals to its groups' },
} as const satisfies Record<string, UserSpec>;
type UserKey = keyof typeof USERS;

function ids<K extends string>(prefix: string, keys: readonly K[]): Record<K, string> {
  return Object.fromEntries(keys.map((k) => [k, demoId(`${prefix}:${k}`)])) as Record<K, string>;
}

/** The fixed ids of the demo alliance, for module seeds. */
export const DEMO = Object.freeze({
  orgs: ids('org', Object.keys(ORGS) as OrgKey[]),
  teams: ids('team', Object.keys(TEAMS) as TeamKey[]),
  users: ids('user', Object.keys(USERS) as UserKey[]),
  /** Emails of the demo users, by the same keys. */
  emails: Object.fromEntries(Object.entries(USERS).map(([k, u]) => [k, u.email])) as Record<UserKey, string>,
  hours: DEMO_HOURS,
  password: DEMO_PASSWORD,
});
export type DemoAlliance = typeof DEMO;

export interface DemoSignIn {
  role: Role;
  email: string;
  password: string;
  note: string;
}

/** The demo sign-ins, one line per account, in the order of ROLES. */
export function demoSignIns(): DemoSignIn[] {
  const order = (r: Role) => ROLES.indexOf(r);
  return Object.values(USERS)
    .map((u) => ({ role: u.role as Role, email: u.email, password: DEMO_PASSWORD, note: `${u.displayName}. ${u.note}` }))
    .sort((a, b) => order(a.role) - order(b.role));
}

export class DemoSeedRefused extends Error {
  constructor(
    readonly reason: 'production' | 'not-empty',
    message: string,
  ) {
    super(message);
    this.name = 'DemoSeedRefused';
  }
}

export const REFUSED_IN_PRODUCTION =
  'Mutual will not create the demo alliance when NODE_ENV=production: its accounts share a published password.';
export const REFUSED_NOT_EMPTY =
  'The database already holds organisations, teams or users, so the demo alliance was not created. Use an empty database (for example DATABASE_URL=sqlite:data/demo.db).';

/**
 * Creates the demo alliance: organisations, teams with their opening hours, and a user for every role
 * with memberships, in one unit of work. Returns the demo sign-ins. Throws DemoSeedRefused in
 * production and when the database already holds accounts (nothing is written then).
 */
export async function seedDemo(platform: Platform): Promise<DemoSignIn[]> {
  if (platform.config.env === 'production') throw new DemoSeedRefused('production', REFUSED_IN_PRODUCTION);
  if (await holdsAccounts(platform.db.read)) throw new DemoSeedRefused('not-empty', REFUSED_NOT_EMPTY);
  // argon2id takes tens of milliseconds: hash once, before the unit of work.
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await platform.db.write(async (tx) => {
    // Checked again inside the unit: another process may have seeded since.
    if (await holdsAccounts(tx)) throw new DemoSeedRefused('not-empty', REFUSED_NOT_EMPTY);
    const now = platform.clock.now();
    for (const [key, org] of Object.entries(ORGS) as [OrgKey, (typeof ORGS)[OrgKey]][]) {
      await createOrganisation(tx, now, { id: DEMO.orgs[key], ...org, website: null });
    }
    for (const [key, team] of Object.entries(TEAMS) as [TeamKey, TeamSpec][]) {
      await createTeam(tx, now, { id: DEMO.teams[key], organisationId: DEMO.orgs[team.org], name: team.name, kind: team.kind, openingHours: team.hours });
    }
    for (const [key, user] of Object.entries(USERS) as [UserKey, UserSpec][]) {
      await createUser(tx, now, {
        id: DEMO.users[key],
        email: user.email,
        displayName: user.displayName,
        passwordHash,
        memberships: [{ organisationId: DEMO.orgs[user.org], teamId: user.team ? DEMO.teams[user.team] : null, role: user.role }],
      });
    }
    await recordAudit(tx, {
      at: now,
      actorUserId: null,
      actorRole: null,
      action: 'demo.seeded',
      entityType: 'organisation',
      entityId: DEMO.orgs.trust,
      purpose: 'demonstration',
      outcome: 'success',
    });
  });
  return demoSignIns();
}

/** Whether the demo alliance is in this database. */
export function holdsDemoAlliance(platform: Pick<Platform, 'db'>): Promise<boolean> {
  return organisationExists(platform.db.read, DEMO.orgs.trust);
}

/** The sign-ins as lines for a terminal: role, email, password, and who the account is. */
export function formatDemoSignIns(signIns: readonly DemoSignIn[]): string[] {
  const roleWidth = Math.max(...signIns.map((s) => s.role.length));
  const emailWidth = Math.max(...signIns.map((s) => s.email.length));
  return [
    'Demo sign-ins (synthetic accounts; all use the same password):',
    ...signIns.map((s) => `  ${s.role.padEnd(roleWidth)}  ${s.email.padEnd(emailWidth)}  ${s.password}  ${s.note}`),
    `Staff accounts (${STAFF_ROLES.join(', ')}) set up an authenticator app at first sign-in.`,
  ];
}
