// Provider admin: a provider-admin maintains their own organisation's services (create, edit,
// archive, mark as reviewed). Another organisation's service is not found, never forbidden.
// Every change is one unit of work: the service (with its history row), the audit event and the
// review timer commit together.
import { DateTime } from 'luxon';
import { type Actor, authorize, organisationsWhere } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { newId } from '../../platform/db/ids.ts';
import { type FieldError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { isSimpleSchedule, ZONE } from './hours.ts';
import { ICAL_DAYS, type Schedule, type ServiceRecord } from './model.ts';
import { locate, parsePlace } from './postcodes.ts';
import { DAY_FIELDS, type ServiceForm } from './schemas.ts';
import {
  directoryOrganisationFor,
  listTaxonomyTerms,
  loadServiceRecord,
  referralTeamsOf,
  serviceOwner,
  servicesOfPlatformOrganisations,
  setServiceArchived,
  setServiceReferralTeam,
  teamsOfOrganisation,
  upsertServiceRecord,
} from './store.ts';
import { NEEDS_TAXONOMY_ID } from './directory.ts';

export const MANAGE = 'directory:services:manage';
/** A service not reviewed for this long gets a nudge (and the public page says when it was last checked). */
export const REVIEW_AFTER_MONTHS = 6;

/** Runs after each change inside its unit of work: audit event, review timer (wired in index.ts). */
export interface ManageEffects {
  changed(tx: Tx, event: { actor: Actor; action: string; serviceId: string; at: Date; reviewDue?: Date }): Promise<void>;
}

export async function listManaged(platform: Platform, actor: Actor) {
  const orgs = organisationsWhere(actor, MANAGE);
  const rows = await servicesOfPlatformOrganisations(platform.db.read, orgs);
  const today = DateTime.fromJSDate(platform.clock.now(), { zone: ZONE }).toISODate()!;
  return rows.map((r) => ({
    ...r,
    reviewDue: !r.archived_at && (!r.assured_date || reviewDueDate(r.assured_date) <= today),
  }));
}

/** The date a review falls due: six months after the last one. */
export function reviewDueDate(assuredDate: string): string {
  return DateTime.fromISO(assuredDate.slice(0, 10), { zone: ZONE }).plus({ months: REVIEW_AFTER_MONTHS }).toISODate()!;
}

/** The moment the nudge fires: 09:00 London on the due date. */
export function reviewDueAt(assuredDate: string): Date {
  return DateTime.fromISO(reviewDueDate(assuredDate), { zone: ZONE }).set({ hour: 9 }).toJSDate();
}

/** Loads a service the actor may manage; anything else is not found. */
export async function loadManaged(platform: Platform, actor: Actor, id: string): Promise<ServiceRecord> {
  const owner = await serviceOwner(platform.db.read, id);
  if (!owner || !authorize(actor, MANAGE, { organisationId: owner.platformOrganisationId })) throw new NotFoundError();
  const record = await loadServiceRecord(platform.db.read, id);
  if (!record) throw new NotFoundError();
  return record;
}

/** The alliance organisations the actor can add services for, with names. */
export function manageableOrganisations(actor: Actor): string[] {
  return organisationsWhere(actor, MANAGE);
}

/** Form values from a stored service (for the edit page). */
export function formValues(record: ServiceRecord): Record<string, unknown> {
  const loc = record.serviceAtLocations[0]?.location;
  const address = loc?.addresses[0];
  const values: Record<string, unknown> = {
    organisationId: record.organisation.platformOrganisationId ?? '',
    name: record.name,
    description: record.description ?? '',
    status: record.status,
    eligibility: record.eligibilityDescription ?? '',
    minimumAge: record.minimumAge ?? '',
    maximumAge: record.maximumAge ?? '',
    fees: record.feesDescription ?? '',
    free: record.costOptions.every((c) => c.amount == null || c.amount <= 0) ? 'yes' : 'no',
    waitTime: record.waitTime ?? '',
    applicationProcess: record.applicationProcess ?? '',
    howToAccess: record.howToAccess,
    accepting: record.acceptingNewReferrals ? 'yes' : 'no',
    phone: record.phones[0]?.number ?? '',
    email: record.email ?? '',
    website: record.url ?? '',
    locationName: loc?.name ?? '',
    address1: address?.address1 ?? '',
    town: address?.city ?? '',
    postcode: address?.postalCode ?? '',
    accessibility: loc?.accessibility[0]?.description ?? '',
    languages: record.languages.map((l) => l.name).join(', '),
    needs: record.attributes.map((a) => a.taxonomyTermId),
    bankHolidays: record.bankHolidays ?? 'sunday-hours',
    capacityAvailable: record.capacity[0]?.available ?? '',
    capacityMaximum: record.capacity[0]?.maximum ?? '',
    capacityUnit: record.capacity[0]?.unit ?? '',
  };
  for (const s of record.schedules.filter(isSimpleSchedule)) {
    const days = s.freq === 'DAILY' && !s.byday ? ICAL_DAYS.join(',') : (s.byday ?? '');
    for (const d of days.split(',')) {
      values[`opens_${d.toLowerCase()}`] = s.opensAt?.slice(0, 5) ?? '';
      values[`closes_${d.toLowerCase()}`] = s.closesAt?.slice(0, 5) ?? '';
    }
  }
  return values;
}

const LANGUAGE_CODES: Record<string, string> = {
  english: 'en',
  portuguese: 'pt',
  spanish: 'es',
  polish: 'pl',
  somali: 'so',
  yoruba: 'yo',
  twi: 'tw',
  bengali: 'bn',
  arabic: 'ar',
  french: 'fr',
  turkish: 'tr',
  urdu: 'ur',
  tigrinya: 'ti',
  amharic: 'am',
  lithuanian: 'lt',
  romanian: 'ro',
  'british sign language': 'bfi',
};

/** Weekly schedules from the form's day rows: days with the same hours share one schedule. */
function schedulesFromForm(form: ServiceForm, keep: Schedule[]): Schedule[] {
  const groups = new Map<string, string[]>();
  for (const d of DAY_FIELDS) {
    const f = form as Record<string, unknown>;
    const opens = f[`opens_${d}`] as string | undefined;
    const closes = f[`closes_${d}`] as string | undefined;
    if (!opens || !closes) continue;
    const key = `${opens.padStart(5, '0')}-${closes.padStart(5, '0')}`;
    groups.set(key, [...(groups.get(key) ?? []), d.toUpperCase()]);
  }
  const simple = [...groups].map(([key, days]) => {
    const [opensAt, closesAt] = key.split('-');
    const previous = keep.find((s) => s.byday === days.join(',') && s.opensAt?.slice(0, 5) === opensAt);
    return { id: previous?.id ?? newId(), freq: 'WEEKLY' as const, byday: days.join(','), opensAt: opensAt!, closesAt: closesAt! };
  });
  // Schedules the form cannot show (monthly, fortnightly) are kept as they were.
  return [...simple, ...keep.filter((s) => !isSimpleSchedule(s))];
}

/** Builds the record a form describes, on top of the stored one (ids kept stable) or a new one. */
async function recordFromForm(platform: Platform, actor: Actor, form: ServiceForm, base: ServiceRecord | null): Promise<ServiceRecord> {
  const now = platform.clock.now();
  const errors: FieldError[] = [];
  const allowed = manageableOrganisations(actor);
  const platformOrgId = base?.organisation.platformOrganisationId ?? (form.organisationId && allowed.includes(form.organisationId) ? form.organisationId : allowed.length === 1 ? allowed[0] : undefined);
  if (!platformOrgId) errors.push({ field: 'organisationId', message: 'Select the organisation that runs the service' });
  const needs = await listTaxonomyTerms(platform.db.read, { taxonomyId: NEEDS_TAXONOMY_ID });
  const needIds = form.needs.filter((id) => needs.some((n) => n.id === id));
  if (needIds.length !== form.needs.length) errors.push({ field: 'needs', message: 'Select needs from the list' });
  let coords: { latitude: number | null; longitude: number | null } = { latitude: null, longitude: null };
  let postcode = form.postcode;
  if (form.postcode) {
    const parsed = parsePlace(form.postcode);
    if (parsed?.kind !== 'postcode') errors.push({ field: 'postcode', message: 'Enter a full postcode, like SW9 9SL' });
    else {
      postcode = parsed.postcode;
      const found = await locate(platform.db.read, parsed);
      if (found.found) coords = { latitude: found.place.latitude, longitude: found.place.longitude };
    }
  }
  if (errors.length) throw new InputError(errors);
  const org = base?.organisation ?? (await platform.db.write((tx) => directoryOrganisationFor(tx, platformOrgId!, now)));
  if (!org) throw new NotFoundError();
  const oldLoc = base?.serviceAtLocations[0];
  const location = form.address1
    ? {
        id: oldLoc?.location.id ?? newId(),
        locationType: 'physical' as const,
        name: form.locationName ?? null,
        latitude: coords.latitude,
        longitude: coords.longitude,
        addresses: [
          {
            id: oldLoc?.location.addresses[0]?.id ?? newId(),
            address1: form.address1,
            city: form.town!,
            postalCode: postcode!,
            country: 'GB',
            stateProvince: 'Greater London',
            addressType: 'physical' as const,
          },
        ],
        accessibility: form.accessibility ? [{ id: oldLoc?.location.accessibility[0]?.id ?? newId(), description: form.accessibility }] : [],
      }
    : null;
  const languageNames = (form.languages ?? '')
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter(Boolean);
  const nowIso = now.toISOString();
  return {
    ...(base ?? {
      id: newId(),
      contacts: [],
      serviceAreas: [],
      funding: [],
      alert: null,
      assuredDate: DateTime.fromJSDate(now, { zone: ZONE }).toISODate(),
    }),
    organisation: org,
    name: form.name,
    description: form.description,
    status: form.status,
    eligibilityDescription: form.eligibility ?? null,
    minimumAge: form.minimumAge ?? null,
    maximumAge: form.maximumAge ?? null,
    feesDescription: form.fees ?? (form.free === 'yes' ? 'Free' : null),
    costOptions:
      form.free === 'yes'
        ? []
        : base?.costOptions.some((c) => (c.amount ?? 0) > 0)
          ? base.costOptions
          : [{ id: newId(), option: 'Charge', amount: 1, amountDescription: form.fees ?? 'There is a charge' }],
    waitTime: form.waitTime ?? null,
    applicationProcess: form.applicationProcess ?? null,
    howToAccess: form.howToAccess,
    acceptingNewReferrals: form.accepting === 'yes',
    bankHolidays: form.bankHolidays,
    url: form.website ?? null,
    email: form.email ?? null,
    lastModified: nowIso,
    phones: form.phone ? [{ id: base?.phones[0]?.id ?? newId(), number: form.phone }] : [],
    serviceAtLocations: location ? [{ id: oldLoc?.id ?? newId(), location }] : [],
    languages: languageNames.map((name) => {
      const previous = base?.languages.find((l) => l.name.toLowerCase() === name.toLowerCase());
      return { id: previous?.id ?? newId(), name, code: previous?.code ?? LANGUAGE_CODES[name.toLowerCase()] ?? null };
    }),
    attributes: needIds.map((id) => ({ id: base?.attributes.find((a) => a.taxonomyTermId === id)?.id ?? newId(), taxonomyTermId: id, linkType: 'need' })),
    schedules: schedulesFromForm(form, base?.schedules ?? []),
    // A unit whose figure the availability board keeps live is left as it is by the store (`live`).
    capacity:
      form.capacityAvailable != null
        ? [
            {
              id: base?.capacity[0]?.id ?? newId(),
              available: form.capacityAvailable,
              maximum: form.capacityMaximum ?? null,
              unit: form.capacityUnit!,
              updated:
                base?.capacity[0] && base.capacity[0].available === form.capacityAvailable && (base.capacity[0].maximum ?? null) === (form.capacityMaximum ?? null)
                  ? base.capacity[0].updated
                  : nowIso,
            },
          ]
        : [],
  };
}

/** Creates a service for one of the actor's organisations. */
export async function createService(platform: Platform, effects: ManageEffects, actor: Actor, form: ServiceForm): Promise<string> {
  const record = await recordFromForm(platform, actor, form, null);
  const now = platform.clock.now();
  await platform.db.write(async (tx) => {
    await upsertServiceRecord(tx, record, { now, actorUserId: actor.kind === 'user' ? actor.userId : null, change: 'created' });
    await effects.changed(tx, { actor, action: 'directory.service.create', serviceId: record.id, at: now, reviewDue: reviewDueAt(record.assuredDate!) });
  });
  return record.id;
}

export async function updateService(platform: Platform, effects: ManageEffects, actor: Actor, id: string, form: ServiceForm): Promise<void> {
  const base = await loadManaged(platform, actor, id);
  const record = await recordFromForm(platform, actor, form, base);
  const now = platform.clock.now();
  await platform.db.write(async (tx) => {
    const result = await upsertServiceRecord(tx, record, { now, actorUserId: actor.kind === 'user' ? actor.userId : null, change: 'updated' });
    if (result.outcome !== 'unchanged') await effects.changed(tx, { actor, action: 'directory.service.update', serviceId: id, at: now });
  });
}

/** Archives a service: it leaves search (status inactive) and the history says who and when. */
export async function archiveService(platform: Platform, effects: ManageEffects, actor: Actor, id: string): Promise<void> {
  const base = await loadManaged(platform, actor, id);
  const now = platform.clock.now();
  await platform.db.write(async (tx) => {
    await upsertServiceRecord(tx, { ...base, status: 'inactive', lastModified: now.toISOString() }, { now, actorUserId: actor.kind === 'user' ? actor.userId : null, change: 'archived' });
    await setServiceArchived(tx, id, now.toISOString());
    await effects.changed(tx, { actor, action: 'directory.service.archive', serviceId: id, at: now });
  });
}

/** "Mark as reviewed": last checked today, and the next nudge six months on. */
export async function markReviewed(platform: Platform, effects: ManageEffects, actor: Actor, id: string): Promise<void> {
  const base = await loadManaged(platform, actor, id);
  const now = platform.clock.now();
  const today = DateTime.fromJSDate(now, { zone: ZONE }).toISODate()!;
  await platform.db.write(async (tx) => {
    await upsertServiceRecord(tx, { ...base, assuredDate: today, lastModified: now.toISOString() }, { now, actorUserId: actor.kind === 'user' ? actor.userId : null, change: 'reviewed' });
    await effects.changed(tx, { actor, action: 'directory.service.review', serviceId: id, at: now, reviewDue: reviewDueAt(today) });
  });
}

/** The teams of the service's organisation that may answer its referrals, and the one named now (null: anyone of the organisation). */
export async function referralTeamChoice(platform: Platform, actor: Actor, id: string): Promise<{ teams: { id: string; name: string }[]; current: string | null }> {
  const owner = await serviceOwner(platform.db.read, id);
  if (!owner?.platformOrganisationId || !authorize(actor, MANAGE, { organisationId: owner.platformOrganisationId })) throw new NotFoundError();
  const [teams, current] = await Promise.all([teamsOfOrganisation(platform.db.read, owner.platformOrganisationId), referralTeamsOf(platform.db.read, [id])]);
  return { teams, current: current.get(id) ?? null };
}

/**
 * Names the team that answers the service's referrals through Mutual (hazard H10): only its members
 * see them and are involved with the person while one runs. Null: anyone of the organisation who
 * answers referrals. The team must be one of the service's organisation.
 */
export async function setReferralTeam(platform: Platform, effects: ManageEffects, actor: Actor, id: string, teamId: string | null): Promise<void> {
  const { teams } = await referralTeamChoice(platform, actor, id);
  if (teamId && !teams.some((t) => t.id === teamId)) throw new InputError([{ field: 'referralTeamId', message: 'Choose one of your organisation’s teams' }]);
  const now = platform.clock.now();
  await platform.db.write(async (tx) => {
    await setServiceReferralTeam(tx, id, teamId);
    await effects.changed(tx, { actor, action: 'directory.service.referral-team', serviceId: id, at: now });
  });
}
