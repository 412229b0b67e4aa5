// The directory: every service and community offer, searchable by need, place and "open now".
// Public pages need no sign-in; provider admins maintain their own organisation's services.
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Platform } from '../../platform/context.ts';
import type { DB } from '../../platform/db/tables.ts';
import type { ModuleSeed } from '../../platform/seed/module-seed.ts';
import { isBankHoliday } from '../../platform/time/calendar.ts';
import * as domain from './directory.ts';
import { handleReviewDue, manageEffects, REVIEW_TIMER, type ReviewPayload } from './effects.ts';
import type { BankHolidayCheck } from './hours.ts';
import { manageRoutes } from './manage-routes.ts';
import { publicRoutes } from './routes.ts';
import { fixedId, seedDirectoryDemo, seedDirectoryScale } from './seed.ts';
import { loadServiceRecords, referralTeamsOf, releaseServiceCapacity, serviceOwner, servicesOfPlatformOrganisations, setServiceCapacity, setServiceReferralTeam } from './store.ts';

export type { ServiceRecord } from './model.ts';
export type { ResultCard, ServiceSummary } from './directory.ts';
export { paths as directoryPaths } from './paths.ts';

/** Bank holidays in England and Wales, from the platform calendar. */
export const bankHolidays: BankHolidayCheck = (isoDate) => isBankHoliday(isoDate);

/** The directory's dependencies for domain calls (search, service pages). */
export function directoryDeps(platform: Platform): domain.DirectoryDeps {
  return { db: platform.db.read, clock: platform.clock, isBankHoliday: bankHolidays };
}

/** Active services that may fit what a person wrote (any of its words, best first): for triage. */
export function suggestServices(platform: Platform, input: { text: string; postcode?: string | null; limit?: number }): Promise<domain.ServiceSummary[]> {
  return domain.suggestServices(directoryDeps(platform), input);
}

/** Running services by id, with name, summary, phone and open line (missing or archived ones left out). */
export function serviceSummaries(platform: Platform, ids: readonly string[]): Promise<domain.ServiceSummary[]> {
  return domain.serviceSummaries(directoryDeps(platform), ids);
}

/** A crisis service open now, as the "Need help now?" page lists it. */
export interface CrisisServiceNow extends domain.ResultCard {
  /** Anyone may call or go without a referral (a safety plan lists these for the person to contact). */
  selfReferral: boolean;
}

/**
 * Crisis support open at this moment: the list of the public "Need help now?" page (crisis support and
 * every risk-support need, open now by the clock), nearest first when a postcode is given and found.
 * A postcode that is not a real one is ignored rather than refused: the list is still wanted.
 */
export async function crisisServicesOpenNow(platform: Platform, postcode?: string | null): Promise<CrisisServiceNow[]> {
  const deps = directoryDeps(platform);
  const near = postcode ? await domain.needHelpNow(deps, postcode) : null;
  const found = near?.ok ? near : await domain.needHelpNow(deps, undefined);
  const self = domain.ACCESS_LABELS['self-referral'];
  return found.ok ? found.help.results.map((r) => ({ ...r, selfReferral: r.access.includes(self) })) : [];
}

/**
 * Each service's name and the alliance organisation that runs it (null when none is linked), archived
 * services included: for records that point at services (a person's referrals, and whose they are).
 */
export async function serviceOwners(platform: Platform, ids: readonly string[]): Promise<Map<string, { name: string; organisationId: string | null; referralTeamId: string | null }>> {
  const [records, teams] = await Promise.all([loadServiceRecords(platform.db.read, ids), referralTeamsOf(platform.db.read, ids)]);
  return new Map(records.map((r) => [r.id, { name: r.name, organisationId: r.organisation.platformOrganisationId ?? null, referralTeamId: teams.get(r.id) ?? null }]));
}

/** The directory services these alliance organisations run (the partner's side of a referral): id, name and organisation, by name. */
export async function servicesRunBy(platform: Platform, organisationIds: readonly string[]): Promise<{ id: string; name: string; organisationId: string; referralTeamId: string | null }[]> {
  const rows = await servicesOfPlatformOrganisations(platform.db.read, organisationIds);
  return rows.map((r) => ({ id: r.id, name: r.name, organisationId: r.platform_organisation_id as string, referralTeamId: r.referral_team_id }));
}

/** Who answers a service's referrals: its alliance organisation, and the team it names (null: anyone of the organisation); undefined for no such service. */
export async function referralAnswerer(platform: Platform, serviceId: string): Promise<{ organisationId: string | null; teamId: string | null } | undefined> {
  const [owner, teams] = await Promise.all([serviceOwner(platform.db.read, serviceId), referralTeamsOf(platform.db.read, [serviceId])]);
  return owner ? { organisationId: owner.platformOrganisationId, teamId: teams.get(serviceId) ?? null } : undefined;
}

/** Names the team that answers a service's referrals, for seeds and tests (a provider admin does it on the service's page: manage.ts). */
export function nameReferralTeam(platform: Platform, serviceId: string, teamId: string): Promise<void> {
  return platform.db.write((tx) => setServiceReferralTeam(tx, serviceId, teamId));
}

/**
 * Sets a service's live capacity (HSDS 3.1 service_capacity: available, maximum, unit, updated) in the
 * caller's unit of work, so a figure kept elsewhere (a crisis place's holds and stays) and the
 * directory change together. False when the service does not exist.
 */
export function updateServiceCapacity(tx: Kysely<DB>, serviceId: string, capacity: { available: number; maximum: number | null; unit: string; updated: string }): Promise<boolean> {
  return setServiceCapacity(tx, serviceId, capacity);
}

/** The service's figure in this unit is no longer kept by the caller (a place unlinked): the next record written for the service sets it. */
export function releaseServiceCapacityFigure(tx: Kysely<DB>, serviceId: string, unit: string): Promise<void> {
  return releaseServiceCapacity(tx, serviceId, unit);
}

/** The fixed id of a demo directory service ("sanctuary", "brixton"), for other modules' demo data to link to. */
export function demoServiceId(template: string, area: string): string {
  return fixedId(`service:${template}:${area}`);
}

// Which directory organisations of the demo the alliance's demo organisations maintain.
const DEMO_LINKS = {
  trust: 'trust',
  lambeth: 'council',
  'wellbeing-collective': 'wellbeing',
  barbertalk: 'barbers',
  'sanctuary-trust': 'sanctuary',
  university: 'university',
  'peer-network': 'peerSupport',
  advice: 'debtAdvice',
} as const;

/** The directory's part of `mutual seed` and the demo. */
export const seed: ModuleSeed = {
  name: 'directory',
  async seedDemo(platform, demo) {
    const organisations = Object.fromEntries(Object.entries(DEMO_LINKS).map(([key, org]) => [key, demo.orgs[org]]));
    const result = await seedDirectoryDemo(platform, { organisations });
    return `${result.services} services, ${result.postcodes} postcodes`;
  },
  async seedScale(platform, n, onProgress) {
    const inserted = await seedDirectoryScale(platform, n, (done) => onProgress?.(done, n));
    return `${inserted} services`;
  },
};

export default async function directory(app: FastifyInstance, opts: { platform: Platform }) {
  const { platform } = opts;
  platform.timers.register(REVIEW_TIMER, (tx, payload) => handleReviewDue(platform, tx, payload as ReviewPayload));
  publicRoutes(app, directoryDeps(platform));
  manageRoutes(app, platform, manageEffects());
}
