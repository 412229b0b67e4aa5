// Every query of the directory. Each function takes the database or a transaction first.
// Writing a service is `upsertServiceRecord`: whole, by id, idempotent (a record whose content has
// not changed is left alone: no new version, no history row, no search re-index).
import { createHash } from 'node:crypto';
import type { Expression, ExpressionBuilder, Kysely, Selectable, SelectQueryBuilder, SqlBool } from 'kysely';
import {
  type FulltextSpec,
  nextSearchKey,
  optimizeFulltextIndex,
  type SearchDocument,
  textMatches,
  textRank,
  writeSearchDocuments,
} from '../../platform/db/dialect/fulltext.ts';
import { vacuumAnalyze } from '../../platform/db/dialect/statistics.ts';
import { dialectOf } from '../../platform/db/dialect/types.ts';
import { newId, parseJson, toJson } from '../../platform/db/ids.ts';
import type { DB } from '../../platform/db/tables.ts';
import { LRUCache } from 'lru-cache';
import { type OpenAtQuery, openingSlots } from './hours.ts';
import {
  type AccessRoute,
  type BankHolidayRule,
  type Contact,
  type Location,
  type OrganisationRecord,
  type Phone,
  type Schedule,
  type ServiceFields,
  type ServiceListing,
  type ServiceRecord,
  type ServiceStatus,
  type TaxonomyRecord,
  type TaxonomyTermRecord,
  type UpsertResult,
  hasCoordinates,
  isFree,
} from './model.ts';

type Db = Kysely<DB>;

export const SERVICES_FULLTEXT: FulltextSpec = {
  table: 'directory_services',
  idColumn: 'id',
  keyColumn: 'search_key',
  vectorColumn: 'search_vector',
  ftsTable: 'directory_services_fts',
  columns: ['name', 'keywords', 'body'],
};

// ---- columns and rows: each table's columns are named here once ----------------------------
// Reading and writing share these lists and mappers, so a column added to a table is added in one
// place (the single upsert, the bulk insert, the loaders and the ORUK store all use them).

/** directory_organisations, as read into an `OrganisationRecord` (and compared on upsert). */
export const ORGANISATION_COLUMNS = [
  'id',
  'name',
  'description',
  'email',
  'website',
  'logo',
  'uri',
  'parent_organisation_id',
  'identifiers',
  'platform_organisation_id',
] as const;
type OrganisationRow = Pick<Selectable<DB['directory_organisations']>, (typeof ORGANISATION_COLUMNS)[number]>;

export function organisationFromRow(o: OrganisationRow): OrganisationRecord {
  return {
    id: o.id,
    name: o.name,
    description: o.description,
    email: o.email,
    website: o.website,
    logo: o.logo,
    uri: o.uri,
    parentOrganisationId: o.parent_organisation_id,
    identifiers: parseJson(o.identifiers) ?? [],
    platformOrganisationId: o.platform_organisation_id,
  };
}

/** directory_services, as read into the one-to-one part of a record (`ServiceFields`). */
const SERVICE_COLUMNS = [
  'id',
  'organisation_id',
  'name',
  'alternate_name',
  'description',
  'url',
  'email',
  'status',
  'interpretation_services',
  'application_process',
  'fees_description',
  'wait_time',
  'accreditations',
  'eligibility_description',
  'minimum_age',
  'maximum_age',
  'alert',
  'assured_date',
  'assurer_email',
  'last_modified',
  'access_self_referral',
  'access_front_door',
  'access_professional',
  'access_mutual',
  'accepting_new_referrals',
  'bank_holidays',
  'cost_options',
  'funding',
] as const;
type ServiceRowRead = Pick<Selectable<DB['directory_services']>, (typeof SERVICE_COLUMNS)[number]>;

function serviceFieldsFromRow(s: ServiceRowRead, organisation: OrganisationRecord): ServiceFields {
  const access: AccessRoute[] = [];
  if (s.access_self_referral) access.push('self-referral');
  if (s.access_front_door) access.push('via-front-door');
  if (s.access_professional) access.push('professional-referral');
  if (s.access_mutual) access.push('mutual-referral');
  return {
    id: s.id,
    organisation,
    name: s.name,
    alternateName: s.alternate_name,
    description: s.description,
    url: s.url,
    email: s.email,
    status: s.status as ServiceStatus,
    interpretationServices: s.interpretation_services,
    applicationProcess: s.application_process,
    feesDescription: s.fees_description,
    waitTime: s.wait_time,
    accreditations: s.accreditations,
    eligibilityDescription: s.eligibility_description,
    minimumAge: s.minimum_age,
    maximumAge: s.maximum_age,
    alert: s.alert,
    assuredDate: s.assured_date,
    assurerEmail: s.assurer_email,
    lastModified: s.last_modified,
    howToAccess: access,
    acceptingNewReferrals: s.accepting_new_referrals === 1,
    bankHolidays: s.bank_holidays as BankHolidayRule,
    costOptions: parseJson(s.cost_options) ?? [],
    funding: parseJson(s.funding) ?? [],
  };
}

/** directory_schedules (HSDS schedule), read and written. */
const SCHEDULE_COLUMNS = [
  'id',
  'service_id',
  'service_at_location_id',
  'freq',
  'interval',
  'byday',
  'bymonthday',
  'dtstart',
  'valid_from',
  'valid_to',
  'opens_at',
  'closes_at',
  'description',
  'attending_type',
  'notes',
  'schedule_link',
] as const;
type ScheduleRow = Pick<Selectable<DB['directory_schedules']>, (typeof SCHEDULE_COLUMNS)[number]>;

function scheduleFromRow(x: ScheduleRow): Schedule {
  return {
    id: x.id,
    freq: x.freq as Schedule['freq'],
    interval: x.interval,
    byday: x.byday,
    bymonthday: x.bymonthday,
    dtstart: x.dtstart,
    validFrom: x.valid_from,
    validTo: x.valid_to,
    opensAt: x.opens_at,
    closesAt: x.closes_at,
    description: x.description,
    attendingType: x.attending_type,
    notes: x.notes,
    scheduleLink: x.schedule_link,
    serviceAtLocationId: x.service_at_location_id,
  };
}

function scheduleRow(s: Schedule, serviceId: string, position: number): ScheduleRow & { position: number } {
  return {
    id: s.id,
    service_id: serviceId,
    service_at_location_id: s.serviceAtLocationId ?? null,
    freq: s.freq ?? null,
    interval: s.interval ?? null,
    byday: s.byday ?? null,
    bymonthday: s.bymonthday ?? null,
    dtstart: s.dtstart ?? null,
    valid_from: s.validFrom ?? null,
    valid_to: s.validTo ?? null,
    opens_at: s.opensAt ?? null,
    closes_at: s.closesAt ?? null,
    description: s.description ?? null,
    attending_type: s.attendingType ?? null,
    notes: s.notes ?? null,
    schedule_link: s.scheduleLink ?? null,
    position,
  };
}

/** directory_locations (HSDS location, addresses and accessibility as JSON), read and written. */
const LOCATION_COLUMNS = [
  'id',
  'location_type',
  'name',
  'alternate_name',
  'description',
  'transportation',
  'latitude',
  'longitude',
  'external_identifier',
  'external_identifier_type',
  'addresses',
  'accessibility',
] as const;
type LocationRowRead = Pick<Selectable<DB['directory_locations']>, (typeof LOCATION_COLUMNS)[number]>;

function locationFromRow(l: LocationRowRead): Location {
  return {
    id: l.id,
    locationType: l.location_type as Location['locationType'],
    name: l.name,
    alternateName: l.alternate_name,
    description: l.description,
    transportation: l.transportation,
    latitude: l.latitude,
    longitude: l.longitude,
    externalIdentifier: l.external_identifier,
    externalIdentifierType: l.external_identifier_type,
    addresses: parseJson(l.addresses) ?? [],
    accessibility: parseJson(l.accessibility) ?? [],
  };
}

function locationRow(location: Location): Selectable<DB['directory_locations']> {
  return {
    id: location.id,
    location_type: location.locationType,
    name: location.name ?? null,
    alternate_name: location.alternateName ?? null,
    description: location.description ?? null,
    transportation: location.transportation ?? null,
    latitude: location.latitude ?? null,
    longitude: location.longitude ?? null,
    external_identifier: location.externalIdentifier ?? null,
    external_identifier_type: location.externalIdentifierType ?? null,
    addresses: toJson(location.addresses),
    accessibility: toJson(location.accessibility),
    postcode: locationPostcode(location),
  };
}

const PHONE_COLUMNS = ['id', 'service_id', 'contact_id', 'number', 'extension', 'type', 'description', 'languages'] as const;
type PhoneRow = Pick<Selectable<DB['directory_phones']>, (typeof PHONE_COLUMNS)[number]>;

function phoneFromRow(p: PhoneRow): Phone {
  return { id: p.id, number: p.number, extension: p.extension, type: p.type, description: p.description, languages: parseJson<string[]>(p.languages) ?? [] };
}

/** Every child row of the given services, table by table, as `insertChildRows` writes them. */
function childRows(records: readonly ServiceRecord[]) {
  const rows = {
    directory_service_at_locations: [] as Selectable<DB['directory_service_at_locations']>[],
    directory_schedules: [] as Selectable<DB['directory_schedules']>[],
    directory_opening_slots: [] as Selectable<DB['directory_opening_slots']>[],
    directory_contacts: [] as Selectable<DB['directory_contacts']>[],
    directory_phones: [] as Selectable<DB['directory_phones']>[],
    directory_languages: [] as Selectable<DB['directory_languages']>[],
    directory_service_areas: [] as Selectable<DB['directory_service_areas']>[],
    directory_service_taxonomy_terms: [] as Selectable<DB['directory_service_taxonomy_terms']>[],
    directory_service_capacity: [] as Selectable<DB['directory_service_capacity']>[],
  };
  for (const r of records) {
    const sid = r.id;
    for (const sal of r.serviceAtLocations) {
      rows.directory_service_at_locations.push({ id: sal.id, service_id: sid, location_id: sal.location.id, description: sal.description ?? null });
    }
    for (const [position, s] of r.schedules.entries()) rows.directory_schedules.push(scheduleRow(s, sid, position));
    const rule = r.bankHolidays ?? 'sunday-hours';
    for (const s of openingSlots(r.schedules).slots) {
      rows.directory_opening_slots.push({
        service_id: sid,
        day: s.day,
        origin_day: s.originDay,
        spill: flag(s.spill),
        opens_min: s.opensMin,
        closes_min: s.closesMin,
        valid_from: s.validFrom,
        valid_to: s.validTo,
        bank_holidays: rule,
      });
    }
    for (const [position, c] of r.contacts.entries()) {
      rows.directory_contacts.push({ id: c.id, service_id: sid, name: c.name ?? null, title: c.title ?? null, department: c.department ?? null, email: c.email ?? null, position });
    }
    const phones = [...r.phones.map((p) => ({ p, contactId: null as string | null })), ...r.contacts.flatMap((c) => c.phones.map((p) => ({ p, contactId: c.id })))];
    for (const [position, { p, contactId }] of phones.entries()) {
      rows.directory_phones.push({
        id: p.id,
        service_id: sid,
        contact_id: contactId,
        number: p.number,
        extension: p.extension ?? null,
        type: p.type ?? null,
        description: p.description ?? null,
        languages: p.languages?.length ? toJson(p.languages) : null,
        position,
      });
    }
    for (const [position, l] of r.languages.entries()) {
      rows.directory_languages.push({ id: l.id, service_id: sid, name: l.name, code: l.code ?? null, note: l.note ?? null, position });
    }
    for (const [position, a] of r.serviceAreas.entries()) {
      rows.directory_service_areas.push({
        id: a.id,
        service_id: sid,
        name: a.name ?? null,
        description: a.description ?? null,
        extent: a.extent ?? null,
        extent_type: a.extentType ?? null,
        uri: a.uri ?? null,
        position,
      });
    }
    for (const [position, a] of r.attributes.entries()) {
      rows.directory_service_taxonomy_terms.push({ id: a.id, service_id: sid, taxonomy_term_id: a.taxonomyTermId, link_type: a.linkType ?? null, position });
    }
    for (const c of r.capacity) {
      rows.directory_service_capacity.push({
        id: c.id,
        service_id: sid,
        available: c.available,
        maximum: c.maximum ?? null,
        unit: c.unit,
        description: c.description ?? null,
        updated: c.updated,
        live: 0,
      });
    }
  }
  return rows;
}

/** Inserts or updates locations by id (a location may be shared by several services). */
async function upsertLocations(db: Db, locations: readonly Location[]): Promise<void> {
  const CHUNK = 200;
  const unique = [...new Map(locations.map((l) => [l.id, l])).values()].map(locationRow);
  for (let i = 0; i < unique.length; i += CHUNK) {
    await db
      .insertInto('directory_locations')
      .values(unique.slice(i, i + CHUNK))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          location_type: eb.ref('excluded.location_type'),
          name: eb.ref('excluded.name'),
          alternate_name: eb.ref('excluded.alternate_name'),
          description: eb.ref('excluded.description'),
          transportation: eb.ref('excluded.transportation'),
          latitude: eb.ref('excluded.latitude'),
          longitude: eb.ref('excluded.longitude'),
          external_identifier: eb.ref('excluded.external_identifier'),
          external_identifier_type: eb.ref('excluded.external_identifier_type'),
          addresses: eb.ref('excluded.addresses'),
          accessibility: eb.ref('excluded.accessibility'),
          postcode: eb.ref('excluded.postcode'),
        })),
      )
      .execute();
  }
}

/** Writes the locations and every child row of the given services (their old child rows already gone). */
async function insertChildRows(db: Db, records: readonly ServiceRecord[]): Promise<void> {
  forgetReferenceData();
  await upsertLocations(
    db,
    records.flatMap((r) => r.serviceAtLocations.map((sal) => sal.location)),
  );
  const rows = childRows(records);
  if (rows.directory_service_capacity.length) {
    // A unit whose figure Mutual keeps live is not taken from the record (see the delete in upsertServiceRecord).
    const live = await db
      .selectFrom('directory_service_capacity')
      .select(['service_id', 'unit'])
      .where('live', '=', 1)
      .where('service_id', 'in', [...new Set(rows.directory_service_capacity.map((c) => c.service_id))])
      .execute();
    const kept = new Set(live.map((l) => `${l.service_id} ${l.unit}`));
    rows.directory_service_capacity = rows.directory_service_capacity.filter((c) => !kept.has(`${c.service_id} ${c.unit}`));
  }
  const CHUNK = 200;
  for (const [table, list] of Object.entries(rows) as [keyof typeof rows, Record<string, unknown>[]][]) {
    for (let i = 0; i < list.length; i += CHUNK) {
      // biome-ignore lint/suspicious/noExplicitAny: each list was built for its table by childRows.
      await db.insertInto(table).values(list.slice(i, i + CHUNK) as any).execute();
    }
  }
}

// ---- organisations and taxonomies ------------------------------------------------------------

/** Inserts or updates an HSDS organisation by id. A missing `platformOrganisationId` keeps the existing link. */
export async function upsertOrganisation(db: Db, org: OrganisationRecord, now?: Date): Promise<'created' | 'updated' | 'unchanged'> {
  const existing = await db.selectFrom('directory_organisations').select(ORGANISATION_COLUMNS).where('id', '=', org.id).executeTakeFirst();
  const row = {
    name: org.name,
    description: org.description,
    email: org.email ?? null,
    website: org.website ?? null,
    logo: org.logo ?? null,
    uri: org.uri ?? null,
    parent_organisation_id: org.parentOrganisationId ?? null,
    identifiers: org.identifiers?.length ? toJson(org.identifiers) : null,
    platform_organisation_id: org.platformOrganisationId ?? existing?.platform_organisation_id ?? null,
  };
  const at = now?.toISOString();
  if (!existing) {
    await db
      .insertInto('directory_organisations')
      .values({ id: org.id, ...row, ...(at ? { created_at: at, updated_at: at } : {}) })
      .execute();
    return 'created';
  }
  // JSON is compared as values: PostgreSQL gives jsonb back in its own spelling (key order, spaces).
  const same = (Object.keys(row) as (keyof typeof row)[]).every((k) =>
    k === 'identifiers' ? sameJson(existing.identifiers, row.identifiers) : (existing[k] ?? null) === row[k],
  );
  if (same) return 'unchanged';
  await db
    .updateTable('directory_organisations')
    .set({ ...row, ...(at ? { updated_at: at } : {}) })
    .where('id', '=', org.id)
    .execute();
  return 'updated';
}

/** Two JSON texts (or nulls) holding the same value, whatever their key order and spacing. */
function sameJson(a: string | null, b: string | null): boolean {
  return canonicalJson(parseJson(a)) === canonicalJson(parseJson(b));
}

export async function upsertTaxonomy(db: Db, taxonomy: TaxonomyRecord): Promise<void> {
  const row = { name: taxonomy.name, description: taxonomy.description, uri: taxonomy.uri ?? null, version: taxonomy.version ?? null };
  await db
    .insertInto('directory_taxonomies')
    .values({ id: taxonomy.id, ...row })
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute();
}

/** Inserts or updates taxonomy terms by id. A term's need group is kept when the incoming term has none. */
export async function upsertTaxonomyTerms(db: Db, terms: readonly TaxonomyTermRecord[]): Promise<void> {
  forgetReferenceData();
  for (const term of terms) {
    const row = {
      code: term.code ?? null,
      name: term.name,
      description: term.description,
      parent_id: term.parentId ?? null,
      taxonomy_id: term.taxonomyId ?? null,
      taxonomy: term.taxonomy ?? null,
      term_uri: term.termUri ?? null,
    };
    await db
      .insertInto('directory_taxonomy_terms')
      .values({ id: term.id, ...row, need_group: term.needGroup ?? null })
      .onConflict((oc) => oc.column('id').doUpdateSet(term.needGroup ? { ...row, need_group: term.needGroup } : row))
      .execute();
  }
}

// ---- reference data, remembered ----------------------------------------------------------------

/**
 * Every search reads lists that change only when the directory is loaded or edited: the needs, the
 * languages services speak, the postcode searched near. They are remembered per database for a
 * minute (at most 10,000 answers each), which spares a search three of its twelve statements. A
 * write through this store, in this process, forgets them at once (`forgetReferenceData`); a write
 * by another process (`mutual import` run beside the server, a second server) shows within
 * REFERENCE_TTL_MS. Answers read inside a transaction are never remembered or served from memory,
 * and what is remembered is frozen, so no caller can change it for the next.
 */
const REFERENCE_TTL_MS = 60_000;
let referenceGeneration = 0;
const referenceCaches = new WeakMap<object, LRUCache<string, { generation: number; value: unknown }>>();

/** Forgets the remembered lists, in every database of this process (a write changed them). */
function forgetReferenceData(): void {
  referenceGeneration++;
}

async function remembered<T>(db: Db, key: string, read: () => Promise<T>): Promise<T> {
  if (db.isTransaction) return read();
  let cache = referenceCaches.get(db);
  if (!cache) {
    cache = new LRUCache({ max: 10_000, ttl: REFERENCE_TTL_MS });
    referenceCaches.set(db, cache);
  }
  const hit = cache.get(key);
  if (hit && hit.generation === referenceGeneration) return hit.value as T;
  // The generation before the read: a write that lands meanwhile makes this answer stale at once.
  const generation = referenceGeneration;
  const value = deepFreeze(await read());
  cache.set(key, { generation, value });
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export async function listTaxonomies(db: Db) {
  return db.selectFrom('directory_taxonomies').select(['id', 'name', 'description', 'uri', 'version']).orderBy('name').execute();
}

/** Terms of one taxonomy, or with these ids, or all, by name. A whole taxonomy's terms are remembered (see `remembered`). */
export async function listTaxonomyTerms(db: Db, filter: { taxonomyId?: string; ids?: string[] } = {}): Promise<readonly TaxonomyTermRecord[]> {
  if (filter.taxonomyId && !filter.ids) return remembered(db, `terms:${filter.taxonomyId}`, () => readTaxonomyTerms(db, filter));
  return readTaxonomyTerms(db, filter);
}

async function readTaxonomyTerms(db: Db, filter: { taxonomyId?: string; ids?: string[] }): Promise<TaxonomyTermRecord[]> {
  let q = db
    .selectFrom('directory_taxonomy_terms')
    .select(['id', 'code', 'name', 'description', 'parent_id', 'taxonomy_id', 'taxonomy', 'term_uri', 'need_group'])
    .orderBy('name')
    .orderBy('id');
  if (filter.taxonomyId) q = q.where('taxonomy_id', '=', filter.taxonomyId);
  if (filter.ids) {
    if (filter.ids.length === 0) return [];
    q = q.where('id', 'in', filter.ids);
  }
  const rows = await q.execute();
  return rows.map(termFromRow);
}

function termFromRow(r: {
  id: string;
  code: string | null;
  name: string;
  description: string;
  parent_id: string | null;
  taxonomy_id: string | null;
  taxonomy: string | null;
  term_uri: string | null;
  need_group: string | null;
}): TaxonomyTermRecord {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    description: r.description,
    parentId: r.parent_id,
    taxonomyId: r.taxonomy_id,
    taxonomy: r.taxonomy,
    termUri: r.term_uri,
    needGroup: r.need_group as TaxonomyTermRecord['needGroup'],
  };
}

// ---- services: write -------------------------------------------------------------------------

export interface UpsertOptions {
  /** When the change happened (history's recorded_at); defaults to the record's lastModified. */
  now?: Date;
  /** Who made it (history); null for imports and seeds. */
  actorUserId?: string | null;
  /** What the history row calls it; defaults to created/updated. */
  change?: 'created' | 'updated' | 'imported' | 'archived' | 'reviewed' | 'seeded';
}

/** The record's content, without lastModified: what idempotence compares. */
export function contentHash(record: ServiceRecord): string {
  const { lastModified: _ignored, ...content } = record;
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function flag(b: boolean): number {
  return b ? 1 : 0;
}

/** The first physical address's postcode, normalised for display and filters. */
function locationPostcode(location: Location): string | null {
  const address = location.addresses.find((a) => a.addressType === 'physical') ?? location.addresses[0];
  return address?.postalCode ? address.postalCode.toUpperCase().replace(/\s+/g, ' ').trim() : null;
}

function serviceRow(record: ServiceRecord) {
  const access = new Set<AccessRoute>(record.howToAccess);
  return {
    organisation_id: record.organisation.id,
    name: record.name,
    alternate_name: record.alternateName ?? null,
    description: record.description ?? null,
    url: record.url ?? null,
    email: record.email ?? null,
    status: record.status,
    interpretation_services: record.interpretationServices ?? null,
    application_process: record.applicationProcess ?? null,
    fees_description: record.feesDescription ?? null,
    wait_time: record.waitTime ?? null,
    accreditations: record.accreditations ?? null,
    eligibility_description: record.eligibilityDescription ?? null,
    minimum_age: record.minimumAge ?? null,
    maximum_age: record.maximumAge ?? null,
    alert: record.alert ?? null,
    assured_date: record.assuredDate ?? null,
    assurer_email: record.assurerEmail ?? null,
    last_modified: record.lastModified,
    access_self_referral: flag(access.has('self-referral')),
    access_front_door: flag(access.has('via-front-door')),
    access_professional: flag(access.has('professional-referral')),
    access_mutual: flag(access.has('mutual-referral')),
    accepting_new_referrals: flag(record.acceptingNewReferrals),
    bank_holidays: record.bankHolidays ?? 'sunday-hours',
    is_free: flag(isFree(record)),
    located: flag(record.serviceAtLocations.some((sal) => hasCoordinates(sal.location))),
    complex_hours: flag(openingSlots(record.schedules).complex),
    cost_options: record.costOptions.length ? toJson(record.costOptions) : null,
    funding: record.funding.length ? toJson(record.funding) : null,
  };
}

/** The words search looks at: the name; then organisation, other names, needs and languages; then the rest. */
function searchDocument(record: ServiceRecord, termNames: string[], key: number | null): SearchDocument {
  const keywords = [record.organisation.name, record.alternateName, ...termNames, ...record.languages.map((l) => l.name)];
  const body = [
    record.description,
    record.eligibilityDescription,
    record.applicationProcess,
    ...record.serviceAreas.map((a) => a.name ?? a.description),
    ...record.serviceAtLocations.flatMap((sal) => [sal.location.name, ...sal.location.addresses.map((a) => `${a.address1} ${a.city} ${a.postalCode}`)]),
  ];
  const join = (xs: (string | null | undefined)[]) => xs.filter(Boolean).join(' \n');
  return { id: record.id, key, texts: [record.name, join(keywords), join(body)] };
}

const CHILD_TABLES = [
  'directory_service_capacity',
  'directory_service_taxonomy_terms',
  'directory_service_areas',
  'directory_languages',
  'directory_phones',
  'directory_contacts',
  'directory_opening_slots',
  'directory_schedules',
  'directory_service_at_locations',
] as const;

/**
 * Writes a whole service by id: the organisation (upserted), taxonomy terms given in full, the
 * service row, and its child rows (replaced), its search document and a history row. A record whose
 * content (everything but lastModified) equals what is stored changes nothing: `unchanged`.
 * Run inside `db.write` so the record is written whole or not at all.
 */
export async function upsertServiceRecord(db: Db, record: ServiceRecord, options: UpsertOptions = {}): Promise<UpsertResult> {
  const hash = contentHash(record);
  const existing = await db
    .selectFrom('directory_services')
    .select(['content_hash', 'version', 'search_key'])
    .where('id', '=', record.id)
    .executeTakeFirst();
  if (existing && existing.content_hash === hash) return { id: record.id, outcome: 'unchanged', version: existing.version };

  await upsertOrganisation(db, record.organisation, options.now);
  const fullTerms = record.attributes.flatMap((a) => (a.taxonomyTerm ? [{ ...a.taxonomyTerm, id: a.taxonomyTermId }] : []));
  if (fullTerms.length) await upsertTaxonomyTerms(db, fullTerms);

  const version = existing ? existing.version + 1 : 1;
  const at = (options.now?.toISOString() ?? record.lastModified) as string;
  const row = { ...serviceRow(record), version, content_hash: hash, updated_at: at };
  let key = existing?.search_key ?? null;
  if (existing) {
    await db.updateTable('directory_services').set(row).where('id', '=', record.id).execute();
    for (const table of CHILD_TABLES) {
      // A live figure (kept by Mutual itself: `setServiceCapacity`) stays; the record's own rows are replaced.
      if (table === 'directory_service_capacity') await db.deleteFrom(table).where('service_id', '=', record.id).where('live', '=', 0).execute();
      else await db.deleteFrom(table).where('service_id', '=', record.id).execute();
    }
  } else {
    key = await nextSearchKey(db, SERVICES_FULLTEXT);
    await db
      .insertInto('directory_services')
      .values({ id: record.id, ...row, search_key: key, created_at: at })
      .execute();
  }
  await insertChildRows(db, [record]);

  const termIds = record.attributes.map((a) => a.taxonomyTermId);
  const termNames = termIds.length
    ? (await db.selectFrom('directory_taxonomy_terms').select(['name']).where('id', 'in', termIds).execute()).map((t) => t.name)
    : [];
  await writeSearchDocuments(db, SERVICES_FULLTEXT, [searchDocument(record, termNames, key)]);

  await db
    .insertInto('directory_service_history')
    .values({
      id: newId(),
      service_id: record.id,
      version,
      change: options.change ?? (existing ? 'updated' : 'created'),
      actor_user_id: options.actorUserId ?? null,
      recorded_at: at,
      snapshot: toJson(record),
    })
    .execute();
  return { id: record.id, outcome: existing ? 'updated' : 'created', version };
}

/**
 * Inserts many new services at once (the scale seed): multi-row inserts, no history diffing.
 * Records whose id is already stored are skipped. Returns how many were inserted.
 */
export async function insertServiceRecordsBulk(db: Db, records: readonly ServiceRecord[], now: Date): Promise<number> {
  if (records.length === 0) return 0;
  const ids = records.map((r) => r.id);
  const present = new Set(
    (await db.selectFrom('directory_services').select(['id']).where('id', 'in', ids).execute()).map((r) => r.id),
  );
  const fresh = records.filter((r) => !present.has(r.id));
  if (fresh.length === 0) return 0;
  const orgs = new Map(fresh.map((r) => [r.organisation.id, r.organisation]));
  const knownOrgs = new Set(
    (await db.selectFrom('directory_organisations').select(['id']).where('id', 'in', [...orgs.keys()]).execute()).map((o) => o.id),
  );
  for (const org of orgs.values()) if (!knownOrgs.has(org.id)) await upsertOrganisation(db, org, now);
  let key = await nextSearchKey(db, SERVICES_FULLTEXT);
  const at = now.toISOString();
  const rows = fresh.map((r) => ({
    id: r.id,
    ...serviceRow(r),
    version: 1,
    content_hash: contentHash(r),
    search_key: key == null ? null : key++,
    created_at: at,
    updated_at: at,
  }));
  const CHUNK = 200;
  for (let i = 0; i < rows.length; i += CHUNK) await db.insertInto('directory_services').values(rows.slice(i, i + CHUNK)).execute();

  await insertChildRows(db, fresh);
  const termNames = new Map((await db.selectFrom('directory_taxonomy_terms').select(['id', 'name']).execute()).map((t) => [t.id, t.name]));
  await writeSearchDocuments(
    db,
    SERVICES_FULLTEXT,
    fresh.map((r, i) =>
      searchDocument(
        r,
        r.attributes.map((a) => termNames.get(a.taxonomyTermId) ?? ''),
        rows[i]!.search_key,
      ),
    ),
  );
  return fresh.length;
}

/** The directory's tables a bulk load writes and searches and pages read, for vacuuming after a bulk load. */
const BULK_LOADED_TABLES = [
  'directory_organisations',
  'directory_services',
  'directory_locations',
  'directory_service_at_locations',
  'directory_schedules',
  'directory_opening_slots',
  'directory_contacts',
  'directory_phones',
  'directory_languages',
  'directory_service_areas',
  'directory_service_taxonomy_terms',
  'directory_service_capacity',
] as const;

// After many services were written at once (the scale seed, a large import), so searches run as
// they would on a directory grown a service at a time.

/** Merges the full-text index (run in a unit of work). */
export async function optimizeSearchIndex(tx: Db): Promise<void> {
  await optimizeFulltextIndex(tx, SERVICES_FULLTEXT);
}

/**
 * PostgreSQL: vacuums and analyses the directory's tables (without fresh statistics, a look-up of 20
 * services' phones may scan every phone). Outside any transaction: pass the writer itself.
 */
export async function vacuumDirectoryTables(db: Db): Promise<void> {
  await vacuumAnalyze(db, BULK_LOADED_TABLES);
}

// ---- services: read --------------------------------------------------------------------------

/** In the order of `ids` (duplicates and missing ids left out). */
function inOrder<T extends { id: string }>(ids: readonly string[], items: readonly T[]): T[] {
  const byId = new Map(items.map((x) => [x.id, x]));
  return [...new Set(ids)].flatMap((id) => byId.get(id) ?? []);
}

/** Rows of one child table for the given services, grouped by service. */
function groupByService<T extends { service_id: string }>(rows: readonly T[]): (serviceId: string) => T[] {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const list = m.get(r.service_id);
    if (list) list.push(r);
    else m.set(r.service_id, [r]);
  }
  return (id) => m.get(id) ?? [];
}

/**
 * The one-to-one part of services (their own fields and their organisation), by id, in the order
 * asked: one query whatever the number of ids. What a page of services in brief needs (ORUK
 * `/services`), without the children `loadServiceRecords` reads.
 */
export async function loadServiceFields(db: Db, ids: readonly string[]): Promise<ServiceFields[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('directory_services as s')
    .innerJoin('directory_organisations as o', 'o.id', 's.organisation_id')
    .select(SERVICE_COLUMNS.map((c) => `s.${c}` as const))
    .select(ORGANISATION_COLUMNS.map((c) => `o.${c} as org_${c}` as const))
    .where('s.id', 'in', [...new Set(ids)])
    .execute();
  const fields = rows.map((r) => {
    const byName = r as unknown as Record<string, unknown>;
    const organisation = organisationFromRow(Object.fromEntries(ORGANISATION_COLUMNS.map((c) => [c, byName[`org_${c}`]])) as OrganisationRow);
    return serviceFieldsFromRow(r, organisation);
  });
  return inOrder(ids, fields);
}

// Each kind of child row, for many services in one query, grouped by service.

async function locationsOf(db: Db, list: readonly string[]) {
  const rows = await db
    .selectFrom('directory_service_at_locations as sal')
    .innerJoin('directory_locations as l', 'l.id', 'sal.location_id')
    .select(['sal.id as sal_id', 'sal.service_id', 'sal.description as sal_description'])
    .select(LOCATION_COLUMNS.map((c) => `l.${c}` as const))
    .where('sal.service_id', 'in', list)
    .orderBy('sal.id')
    .execute();
  const of = groupByService(rows);
  return (id: string): ServiceRecord['serviceAtLocations'] => of(id).map((l) => ({ id: l.sal_id, description: l.sal_description, location: locationFromRow(l) }));
}

async function schedulesOf(db: Db, list: readonly string[]) {
  const of = groupByService(await db.selectFrom('directory_schedules').select(SCHEDULE_COLUMNS).where('service_id', 'in', list).orderBy('position').execute());
  return (id: string): Schedule[] => of(id).map(scheduleFromRow);
}

/** A service's own phones, and its contacts with theirs. */
async function phonesAndContactsOf(db: Db, list: readonly string[]) {
  const [contacts, phones] = await Promise.all([
    db.selectFrom('directory_contacts').select(['id', 'service_id', 'name', 'title', 'department', 'email']).where('service_id', 'in', list).orderBy('position').execute(),
    db.selectFrom('directory_phones').select(PHONE_COLUMNS).where('service_id', 'in', list).orderBy('position').execute(),
  ]);
  const contactsOf = groupByService(contacts);
  const phonesOf = groupByService(phones);
  return (id: string): Pick<ServiceRecord, 'phones' | 'contacts'> => {
    const servicePhones = phonesOf(id);
    return {
      phones: servicePhones.filter((p) => p.contact_id == null).map(phoneFromRow),
      contacts: contactsOf(id).map(
        (c): Contact => ({
          id: c.id,
          name: c.name,
          title: c.title,
          department: c.department,
          email: c.email,
          phones: servicePhones.filter((p) => p.contact_id === c.id).map(phoneFromRow),
        }),
      ),
    };
  };
}

async function capacityOf(db: Db, list: readonly string[]) {
  const of = groupByService(
    await db
      .selectFrom('directory_service_capacity')
      .select(['id', 'service_id', 'available', 'maximum', 'unit', 'description', 'updated', 'live'])
      .where('service_id', 'in', list)
      .orderBy('id')
      .execute(),
  );
  return (id: string): ServiceRecord['capacity'] =>
    of(id).map((c) => ({ id: c.id, available: c.available, maximum: c.maximum, unit: c.unit, description: c.description, updated: c.updated, ...(c.live ? { live: true } : {}) }));
}

/**
 * Sets a service's live capacity in one unit (HSDS 3.1 service_capacity): the row of that unit is
 * updated, or added when the service has none. For figures kept elsewhere in real time (crisis places):
 * no new version of the service is written, as a count changing is not the service changing. False
 * when there is no such service.
 */
/**
 * Sets a service's capacity in a unit as a live figure, kept by Mutual itself (a crisis place's holds
 * and stays): writing the service's record again (an import, the provider admin's form) leaves it.
 */
export async function setServiceCapacity(db: Db, serviceId: string, capacity: { available: number; maximum: number | null; unit: string; updated: string }): Promise<boolean> {
  const updated = await db
    .updateTable('directory_service_capacity')
    .set({ available: capacity.available, maximum: capacity.maximum, updated: capacity.updated, live: 1 })
    .where('service_id', '=', serviceId)
    .where('unit', '=', capacity.unit)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) > 0) return true;
  const service = await db.selectFrom('directory_services').select(['id']).where('id', '=', serviceId).executeTakeFirst();
  if (!service) return false;
  await db
    .insertInto('directory_service_capacity')
    .values({ id: newId(), service_id: serviceId, available: capacity.available, maximum: capacity.maximum, unit: capacity.unit, description: null, updated: capacity.updated, live: 1 })
    .execute();
  return true;
}

/** A service's figure in this unit is no longer kept live (its place was unlinked): the next record written for it sets it again. */
export async function releaseServiceCapacity(db: Db, serviceId: string, unit: string): Promise<void> {
  await db.updateTable('directory_service_capacity').set({ live: 0 }).where('service_id', '=', serviceId).where('unit', '=', unit).execute();
}

async function languagesOf(db: Db, list: readonly string[]) {
  const of = groupByService(await db.selectFrom('directory_languages').select(['id', 'service_id', 'name', 'code', 'note']).where('service_id', 'in', list).orderBy('position').execute());
  return (id: string): ServiceRecord['languages'] => of(id).map((l) => ({ id: l.id, name: l.name, code: l.code, note: l.note }));
}

async function serviceAreasOf(db: Db, list: readonly string[]) {
  const of = groupByService(
    await db
      .selectFrom('directory_service_areas')
      .select(['id', 'service_id', 'name', 'description', 'extent', 'extent_type', 'uri'])
      .where('service_id', 'in', list)
      .orderBy('position')
      .execute(),
  );
  return (id: string): ServiceRecord['serviceAreas'] =>
    of(id).map((a) => ({ id: a.id, name: a.name, description: a.description, extent: a.extent, extentType: a.extent_type, uri: a.uri }));
}

/** The needs and other taxonomy terms a service is linked to, each with its full term. */
async function attributesOf(db: Db, list: readonly string[]) {
  const links = await db
    .selectFrom('directory_service_taxonomy_terms')
    .select(['id', 'service_id', 'taxonomy_term_id', 'link_type'])
    .where('service_id', 'in', list)
    .orderBy('position')
    .execute();
  const terms = new Map((await listTaxonomyTerms(db, { ids: [...new Set(links.map((l) => l.taxonomy_term_id))] })).map((t) => [t.id, t]));
  const of = groupByService(links);
  return (id: string): ServiceRecord['attributes'] =>
    of(id).map((l) => {
      const term = terms.get(l.taxonomy_term_id);
      return { id: l.id, taxonomyTermId: l.taxonomy_term_id, linkType: l.link_type, ...(term ? { taxonomyTerm: term } : {}) };
    });
}

/**
 * What a result in a list of services shows (a search result, a "need help now" card): the
 * service's own fields, its places, hours, phones and contacts, and capacity, by id, in the order
 * asked. A fixed number of queries whatever the number of ids; fewer than a whole record needs.
 */
export async function loadServiceListings(db: Db, ids: readonly string[]): Promise<ServiceListing[]> {
  const services = await loadServiceFields(db, ids);
  if (services.length === 0) return [];
  const list = services.map((s) => s.id);
  const [locations, schedules, phones, capacity] = await Promise.all([locationsOf(db, list), schedulesOf(db, list), phonesAndContactsOf(db, list), capacityOf(db, list)]);
  return services.map((s) => ({ ...s, serviceAtLocations: locations(s.id), schedules: schedules(s.id), ...phones(s.id), capacity: capacity(s.id) }));
}

/**
 * Loads whole services by id, in the order asked (missing ids are left out): a fixed number of
 * queries (the services with their organisations, then one or two per kind of child), whatever the
 * number of ids.
 */
export async function loadServiceRecords(db: Db, ids: readonly string[]): Promise<ServiceRecord[]> {
  const services = await loadServiceFields(db, ids);
  if (services.length === 0) return [];
  const list = services.map((s) => s.id);
  const [locations, schedules, phones, capacity, languages, areas, attributes] = await Promise.all([
    locationsOf(db, list),
    schedulesOf(db, list),
    phonesAndContactsOf(db, list),
    capacityOf(db, list),
    languagesOf(db, list),
    serviceAreasOf(db, list),
    attributesOf(db, list),
  ]);
  return services.map((s) => ({
    ...s,
    schedules: schedules(s.id),
    serviceAtLocations: locations(s.id),
    ...phones(s.id),
    languages: languages(s.id),
    serviceAreas: areas(s.id),
    attributes: attributes(s.id),
    capacity: capacity(s.id),
  }));
}

export async function loadServiceRecord(db: Db, id: string): Promise<ServiceRecord | null> {
  return (await loadServiceRecords(db, [id]))[0] ?? null;
}

/** The alliance organisation that maintains a service (for provider-admin checks), or undefined if the service does not exist. */
export async function serviceOwner(db: Db, serviceId: string): Promise<{ platformOrganisationId: string | null } | undefined> {
  const row = await db
    .selectFrom('directory_services as s')
    .innerJoin('directory_organisations as o', 'o.id', 's.organisation_id')
    .select(['o.platform_organisation_id'])
    .where('s.id', '=', serviceId)
    .executeTakeFirst();
  return row ? { platformOrganisationId: row.platform_organisation_id } : undefined;
}

export async function serviceHistory(db: Db, serviceId: string) {
  return db
    .selectFrom('directory_service_history')
    .select(['id', 'version', 'change', 'actor_user_id', 'recorded_at'])
    .where('service_id', '=', serviceId)
    .orderBy('version', 'desc')
    .execute();
}

/** Whether a service with this id is stored (any status). */
export async function serviceExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('directory_services').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function countServices(db: Db): Promise<number> {
  const row = await db.selectFrom('directory_services').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- postcodes -------------------------------------------------------------------------------

export interface PostcodeRow {
  /** Normalised ("SW9 9SL"). */
  postcode: string;
  latitude: number;
  longitude: number;
}

/** Inserts or updates postcodes (normalised by the caller); the outcode is derived. */
export async function upsertPostcodes(db: Db, rows: readonly PostcodeRow[]): Promise<void> {
  forgetReferenceData();
  const CHUNK = 500;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const batch = [...new Map(rows.slice(i, i + CHUNK).map((r) => [r.postcode, r])).values()].map((r) => ({
      postcode: r.postcode,
      outcode: r.postcode.split(' ')[0]!,
      latitude: r.latitude,
      longitude: r.longitude,
    }));
    await db
      .insertInto('postcodes')
      .values(batch)
      .onConflict((oc) =>
        oc.column('postcode').doUpdateSet((eb) => ({
          outcode: eb.ref('excluded.outcode'),
          latitude: eb.ref('excluded.latitude'),
          longitude: eb.ref('excluded.longitude'),
        })),
      )
      .execute();
  }
}

export interface OutcodeCentroid {
  outcode: string;
  latitude: number;
  longitude: number;
  postcodes: number;
}

/**
 * Inserts or updates outcode centroids. Without rows, derives them from the postcodes table
 * (the mean of each outcode's postcodes) for every outcode, or for the outcodes given.
 */
export async function upsertOutcodeCentroids(db: Db, rows?: readonly OutcodeCentroid[], onlyOutcodes?: readonly string[]): Promise<number> {
  forgetReferenceData();
  let list = rows;
  if (!list) {
    let q = db
      .selectFrom('postcodes')
      .select((eb) => [
        'outcode',
        eb.fn.avg<number>('latitude').as('latitude'),
        eb.fn.avg<number>('longitude').as('longitude'),
        eb.fn.countAll<number>().as('postcodes'),
      ])
      .groupBy('outcode');
    if (onlyOutcodes) {
      if (onlyOutcodes.length === 0) return 0;
      q = q.where('outcode', 'in', onlyOutcodes);
    }
    list = (await q.execute()).map((r) => ({ outcode: r.outcode, latitude: Number(r.latitude), longitude: Number(r.longitude), postcodes: Number(r.postcodes) }));
  }
  const CHUNK = 500;
  for (let i = 0; i < list.length; i += CHUNK) {
    await db
      .insertInto('outcode_centroids')
      .values(list.slice(i, i + CHUNK).map((r) => ({ ...r })))
      .onConflict((oc) =>
        oc.column('outcode').doUpdateSet((eb) => ({
          latitude: eb.ref('excluded.latitude'),
          longitude: eb.ref('excluded.longitude'),
          postcodes: eb.ref('excluded.postcodes'),
        })),
      )
      .execute();
  }
  return list.length;
}

/** A postcode's place (remembered, found or not: see `remembered`). */
export async function findPostcode(db: Db, postcode: string) {
  return remembered(db, `postcode:${postcode}`, () =>
    db.selectFrom('postcodes').select(['postcode', 'outcode', 'latitude', 'longitude']).where('postcode', '=', postcode).executeTakeFirst(),
  );
}

/** An outcode's centre (remembered, found or not). */
export async function findOutcodeCentroid(db: Db, outcode: string) {
  return remembered(db, `outcode:${outcode}`, () =>
    db.selectFrom('outcode_centroids').select(['outcode', 'latitude', 'longitude']).where('outcode', '=', outcode).executeTakeFirst(),
  );
}

// ---- search ---------------------------------------------------------------------------------

export interface ServiceSearch {
  text?: string;
  /** Match any word of `text` (suggestions from a story), ranked; default: every word. */
  anyWord?: boolean;
  /** Any of these terms. */
  termIds?: string[];
  near?: { latitude: number; longitude: number; radiusKm: number };
  /** Include services with no physical location (phone, online) after the located ones when `near` is set. */
  includeRemote?: boolean;
  openAt?: OpenAtQuery;
  /** Service ids with complex hours already found open at `openAt` (checked in code). */
  openComplexIds?: string[];
  age?: number;
  languageCode?: string;
  freeOnly?: boolean;
  selfReferral?: boolean;
  organisationIds?: string[];
  modifiedAfter?: string;
  statuses?: ServiceStatus[];
  limit: number;
  offset: number;
}

export interface SearchHit {
  id: string;
  /** Kilometres to the nearest location, when searching near a place and the service has one. */
  distanceKm: number | null;
}

const EARTH_RADIUS_KM = 6371.0088;
/**
 * How far a search counts its matches. Counting every match of a common word among 100,000 services
 * costs more than the number tells a person, so past this a search says "more than 1,000".
 */
export const COUNT_LIMIT = 1000;
/** The most text matches ranked by relevance (scoring is per match); past it the order is by name. */
export const RANK_LIMIT = COUNT_LIMIT;

export interface SearchResult {
  /** How many services match, or null when more than COUNT_LIMIT do. */
  total: number | null;
  /** Whether any match lies past this page. */
  more: boolean;
  hits: SearchHit[];
}

/** Great-circle distance (haversine), in kilometres. */
export function distanceKm(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLng = (lng2 - lng1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** A box around a point that contains every point within the radius. */
export function boundingBox(lat: number, lng: number, radiusKm: number) {
  const dLat = (radiusKm / EARTH_RADIUS_KM) * (180 / Math.PI);
  const dLng = dLat / Math.max(0.01, Math.cos((lat * Math.PI) / 180));
  return { minLat: lat - dLat, maxLat: lat + dLat, minLng: lng - dLng, maxLng: lng + dLng };
}

/** The narrowing predicates on directory_services, built from a search (text included). */
function narrowing(db: Db, q: ServiceSearch, placeFirst = false) {
  const kind = dialectOf(db);
  return (eb: ExpressionBuilder<DB, 'directory_services'>): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [];
    all.push(eb('directory_services.status', 'in', q.statuses ?? ['active', 'temporarily closed']));
    if (q.termIds?.length) {
      all.push(
        eb.exists(
          eb
            .selectFrom('directory_service_taxonomy_terms as stt')
            .select('stt.service_id')
            .whereRef('stt.service_id', '=', 'directory_services.id')
            .where('stt.taxonomy_term_id', 'in', q.termIds),
        ),
      );
    }
    if (q.age != null) {
      all.push(eb.or([eb('directory_services.minimum_age', 'is', null), eb('directory_services.minimum_age', '<=', q.age)]));
      all.push(eb.or([eb('directory_services.maximum_age', 'is', null), eb('directory_services.maximum_age', '>=', q.age)]));
    }
    if (q.languageCode) {
      all.push(
        eb.exists(
          eb
            .selectFrom('directory_languages as lang')
            .select('lang.service_id')
            .whereRef('lang.service_id', '=', 'directory_services.id')
            .where('lang.code', '=', q.languageCode),
        ),
      );
    }
    if (q.freeOnly) all.push(eb('directory_services.is_free', '=', 1));
    if (q.selfReferral) all.push(eb('directory_services.access_self_referral', '=', 1));
    if (q.organisationIds) all.push(eb('directory_services.organisation_id', 'in', q.organisationIds.length ? q.organisationIds : ['']));
    if (q.modifiedAfter) all.push(eb('directory_services.last_modified', '>', q.modifiedAfter));
    if (q.openAt) {
      const o = q.openAt;
      type SlotEb = ExpressionBuilder<DB & { slot: DB['directory_opening_slots'] }, 'slot'>;
      const slot = (sb: SlotEb, spill: 0 | 1, dayCol: 'day' | 'origin_day', date: string, day: number, bankHoliday: boolean) => {
        const dayMatch = bankHoliday
          ? sb.or([
              sb.and([sb('slot.bank_holidays', '=', 'as-usual'), sb(`slot.${dayCol}`, '=', day)]),
              sb.and([sb('slot.bank_holidays', '=', 'sunday-hours'), sb(`slot.${dayCol}`, '=', 6)]),
            ])
          : sb(`slot.${dayCol}`, '=', day);
        return sb.and([
          sb('slot.spill', '=', spill),
          dayMatch,
          sb.or([sb('slot.valid_from', 'is', null), sb('slot.valid_from', '<=', date)]),
          sb.or([sb('slot.valid_to', 'is', null), sb('slot.valid_to', '>=', date)]),
        ]);
      };
      const openSlots = eb
        .selectFrom('directory_opening_slots as slot')
        .select('slot.service_id')
        .whereRef('slot.service_id', '=', 'directory_services.id')
        .where('slot.opens_min', '<=', o.minute)
        .where('slot.closes_min', '>', o.minute)
        .where((sb) =>
          sb.or([
            slot(sb, 0, 'day', o.date, o.day, o.bankHoliday),
            // The part after midnight of a session that started the day before.
            slot(sb, 1, 'origin_day', o.previousDate, o.previousDay, o.previousBankHoliday),
          ]),
        );
      const open: Expression<SqlBool>[] = [eb.exists(openSlots)];
      if (q.openComplexIds?.length) open.push(eb('directory_services.id', 'in', q.openComplexIds));
      all.push(eb.and([eb('directory_services.status', '=', 'active'), eb.or(open)]));
    }
    if (q.text) {
      const match = textMatches(kind, SERVICES_FULLTEXT, q.text, { perRow: placeFirst, anyWord: q.anyWord });
      if (match) all.push(match);
    }
    return eb.and(all);
  };
}

/** Ids of active services whose hours SQL cannot read, with their schedules, passing the other filters (for open-at checks in code). */
export async function complexHoursCandidates(db: Db, q: Omit<ServiceSearch, 'openAt' | 'limit' | 'offset'>) {
  const ids = (
    await db
      .selectFrom('directory_services')
      .select(['directory_services.id'])
      .where('directory_services.complex_hours', '=', 1)
      .where(narrowing(db, { ...q, limit: 0, offset: 0, statuses: ['active'] }))
      .execute()
  ).map((r) => r.id);
  if (ids.length === 0) return [];
  const [schedules, rules] = await Promise.all([
    db.selectFrom('directory_schedules').select(SCHEDULE_COLUMNS).where('service_id', 'in', ids).orderBy('position').execute(),
    db.selectFrom('directory_services').select(['id', 'bank_holidays']).where('id', 'in', ids).execute(),
  ]);
  const scheduleRowsOf = groupByService(schedules);
  return rules.map((r) => ({ id: r.id, bankHolidays: r.bank_holidays as BankHolidayRule, schedules: scheduleRowsOf(r.id).map(scheduleFromRow) }));
}

type ServicesQuery = SelectQueryBuilder<DB, 'directory_services', object>;

/** How many services a query finds, counting no further than `limit + 1`: `null` means more than `limit`. */
async function countUpTo(db: Db, query: ServicesQuery, limit: number): Promise<number | null> {
  const row = await db
    .selectFrom(query.select('directory_services.id').limit(limit + 1).as('found'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const n = Number(row.n);
  return n > limit ? null : n;
}

/** Of the given services, those whose words match (checked row by row: the caller has narrowed them). */
async function matchingText(db: Db, q: ServiceSearch, ids: readonly string[]): Promise<Set<string>> {
  const match = q.text ? textMatches(dialectOf(db), SERVICES_FULLTEXT, q.text, { perRow: true, anyWord: q.anyWord }) : null;
  if (!match) return new Set(ids);
  const out = new Set<string>();
  const CHUNK = 500;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db.selectFrom('directory_services').select('id').where('id', 'in', ids.slice(i, i + CHUNK)).where(match).execute();
    for (const r of rows) out.add(r.id);
  }
  return out;
}

/**
 * Searches services: narrows by every filter in SQL (need, place box, hours, age, language, cost,
 * access, text match), then orders: nearest first (exact great-circle distance, computed on the
 * narrowed rows) when near a place; else by text rank when there is text; else by name.
 * Counts go no further than COUNT_LIMIT (`total: null` past it); `more` says whether a next page exists.
 */
export async function searchServices(db: Db, q: ServiceSearch): Promise<SearchResult> {
  const kind = dialectOf(db);
  const limit = Math.min(q.limit, Number.MAX_SAFE_INTEGER - 1);
  if (q.near) {
    const { latitude, longitude, radiusKm } = q.near;
    const box = boundingBox(latitude, longitude, radiusKm);
    // The place box first (an index range on latitude and longitude), with the other filters. On
    // PostgreSQL the words are one more condition on the service row read anyway. On SQLite each
    // full-text check is a look-up in the FTS5 index (15 µs), so the words are checked afterwards, for
    // the services within the radius that every cheaper filter (hours, needs, access) kept.
    const wordsApart = kind === 'sqlite' && q.text !== undefined;
    const pairs = await db
      .selectFrom('directory_locations as loc')
      .innerJoin('directory_service_at_locations as sal', 'sal.location_id', 'loc.id')
      .innerJoin('directory_services', 'directory_services.id', 'sal.service_id')
      .select(['directory_services.id', 'directory_services.name', 'loc.latitude', 'loc.longitude'])
      .where('loc.latitude', '>=', box.minLat)
      .where('loc.latitude', '<=', box.maxLat)
      .where('loc.longitude', '>=', box.minLng)
      .where('loc.longitude', '<=', box.maxLng)
      .where('loc.location_type', '=', 'physical')
      .where(narrowing(db, wordsApart ? { ...q, text: undefined } : q))
      .execute();
    const best = new Map<string, { id: string; name: string; d: number }>();
    for (const p of pairs) {
      const d = distanceKm(latitude, longitude, p.latitude!, p.longitude!);
      if (d > radiusKm) continue;
      const seen = best.get(p.id);
      if (!seen || d < seen.d) best.set(p.id, { id: p.id, name: p.name, d });
    }
    const words = wordsApart ? await matchingText(db, q, [...best.keys()]) : null;
    const located = [...best.values()]
      .filter((x) => !words || words.has(x.id))
      .sort((a, b) => a.d - b.d || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
    const hits: SearchHit[] = located.slice(q.offset, q.offset + limit).map((x) => ({ id: x.id, distanceKm: x.d }));
    let total: number | null = located.length;
    if (q.includeRemote) {
      // Services with no place (phone, online) are few: each is checked on its own row, words included.
      const remote = db.selectFrom('directory_services').where('directory_services.located', '=', 0).where(narrowing(db, q, true));
      const remoteTotal = await countUpTo(db, remote, COUNT_LIMIT);
      total = remoteTotal === null ? null : total + remoteTotal;
      const want = limit - hits.length;
      if (want > 0 && remoteTotal !== 0) {
        const skip = Math.max(0, q.offset - located.length);
        const rows = await remote.select(['directory_services.id']).orderBy('directory_services.name').orderBy('directory_services.id').limit(want).offset(skip).execute();
        hits.push(...rows.map((r) => ({ id: r.id, distanceKm: null })));
      }
    }
    if (total !== null && total > COUNT_LIMIT) total = null;
    return { total, more: total === null || q.offset + hits.length < total, hits };
  }

  const base: ServicesQuery = db.selectFrom('directory_services').where(narrowing(db, q));
  // Rank only a narrowed set: past RANK_LIMIT matches (a common word and no other filter) the score of
  // every match would cost more than it tells, so the order falls back to the name.
  const counted = q.text ? await countUpTo(db, base, RANK_LIMIT) : undefined;
  const rank = q.text && counted != null ? textRank(kind, SERVICES_FULLTEXT, q.text, { anyWord: q.anyWord }) : null;
  let page = base.select(['directory_services.id']);
  if (rank) page = page.orderBy(rank);
  const rows = await page
    .orderBy('directory_services.name')
    .orderBy('directory_services.id')
    .limit(limit + 1)
    .offset(q.offset)
    .execute();
  const more = rows.length > limit;
  const hits = rows.slice(0, limit).map((r) => ({ id: r.id, distanceKm: null }));
  let total: number | null;
  if (counted !== undefined) total = counted;
  // The last page tells the total without counting.
  else if (!more && (hits.length > 0 || q.offset === 0)) total = q.offset + hits.length > COUNT_LIMIT ? null : q.offset + hits.length;
  else total = await countUpTo(db, base, COUNT_LIMIT);
  return { total, more, hits };
}

/**
 * Languages services speak, for the search form's list: each code once, with its first name. Read
 * by skipping through the (code, name) index from one code to the next (a recursive query), so the
 * cost grows with the number of languages, not of services: grouping 100,000 services' language rows
 * took 100 ms a search.
 */
export async function spokenLanguages(db: Db): Promise<readonly { code: string; name: string }[]> {
  return remembered(db, 'languages', () => readSpokenLanguages(db));
}

async function readSpokenLanguages(db: Db): Promise<{ code: string; name: string }[]> {
  const rows = await db
    .withRecursive('spoken(code)', (qc) =>
      qc
        .selectNoFrom((eb) =>
          eb.selectFrom('directory_languages as l').select('l.code').where('l.code', 'is not', null).orderBy('l.code').limit(1).as('code'),
        )
        .unionAll((qu) =>
          qu
            .selectFrom('spoken')
            .select((eb) =>
              eb
                .selectFrom('directory_languages as l')
                .select('l.code')
                .whereRef('l.code', '>', 'spoken.code')
                .orderBy('l.code')
                .limit(1)
                .as('code'),
            )
            .where('spoken.code', 'is not', null),
        ),
    )
    .selectFrom('spoken')
    .select((eb) => [
      'spoken.code',
      eb.selectFrom('directory_languages as l').select('l.name').whereRef('l.code', '=', 'spoken.code').orderBy('l.name').limit(1).as('name'),
    ])
    .where('spoken.code', 'is not', null)
    .execute();
  return rows
    .flatMap((r) => (r.code && r.name ? [{ code: r.code, name: r.name }] : []))
    .sort((a, b) => a.name.localeCompare(b.name));
}

// ---- provider admin ---------------------------------------------------------------------------

/** Services maintained by the given alliance organisations, archived last. */
export async function servicesOfPlatformOrganisations(db: Db, platformOrganisationIds: readonly string[]) {
  if (platformOrganisationIds.length === 0) return [];
  return db
    .selectFrom('directory_services as s')
    .innerJoin('directory_organisations as o', 'o.id', 's.organisation_id')
    .select(['s.id', 's.name', 's.status', 's.assured_date', 's.archived_at', 's.last_modified', 's.accepting_new_referrals', 's.referral_team_id', 'o.name as organisation_name', 'o.platform_organisation_id'])
    .where('o.platform_organisation_id', 'in', platformOrganisationIds)
    .orderBy('s.archived_at', 'desc')
    .orderBy('s.name')
    .execute();
}

/** The directory organisation an alliance organisation publishes as; made from the alliance record the first time. */
export async function directoryOrganisationFor(db: Db, platformOrganisationId: string, now: Date): Promise<OrganisationRecord | null> {
  const existing = await db
    .selectFrom('directory_organisations')
    .select(['id', 'name', 'description', 'email', 'website'])
    .where('platform_organisation_id', '=', platformOrganisationId)
    .orderBy('created_at')
    .executeTakeFirst();
  if (existing) return { ...existing, platformOrganisationId };
  const org = await db.selectFrom('organisations').select(['id', 'name', 'description', 'website']).where('id', '=', platformOrganisationId).executeTakeFirst();
  if (!org) return null;
  const record: OrganisationRecord = { id: org.id, name: org.name, description: org.description ?? org.name, website: org.website, platformOrganisationId };
  await upsertOrganisation(db, record, now);
  return record;
}

export async function setServiceArchived(db: Db, serviceId: string, archivedAt: string | null): Promise<void> {
  await db.updateTable('directory_services').set({ archived_at: archivedAt }).where('id', '=', serviceId).execute();
}

/** Users holding a role in an alliance organisation (for review nudges). */
export async function membersWithRole(db: Db, platformOrganisationId: string, role: string): Promise<{ id: string; email: string }[]> {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email'])
    .where('m.organisation_id', '=', platformOrganisationId)
    .where('m.role', '=', role)
    .where('u.disabled_at', 'is', null)
    .execute();
}

/** Names of alliance organisations, for the provider admin's organisation choice. */
export async function platformOrganisationNames(db: Db, ids: readonly string[]): Promise<{ id: string; name: string }[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('organisations').select(['id', 'name']).where('id', 'in', ids).orderBy('name').execute();
}

// ---- who answers referrals (Mutual's own, outside the ORUK record) ----

/** The team that answers each service's referrals through Mutual, where one is named. */
export async function referralTeamsOf(db: Db, serviceIds: readonly string[]): Promise<Map<string, string>> {
  if (serviceIds.length === 0) return new Map();
  const rows = await db.selectFrom('directory_services').select(['id', 'referral_team_id']).where('id', 'in', serviceIds).where('referral_team_id', 'is not', null).execute();
  return new Map(rows.map((r) => [r.id, r.referral_team_id as string]));
}

export async function setServiceReferralTeam(db: Db, serviceId: string, teamId: string | null): Promise<void> {
  await db.updateTable('directory_services').set({ referral_team_id: teamId }).where('id', '=', serviceId).execute();
}

/** The teams of an alliance organisation, by name (the teams a service's referrals may go to). */
export async function teamsOfOrganisation(db: Db, platformOrganisationId: string): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('teams').select(['id', 'name']).where('organisation_id', '=', platformOrganisationId).orderBy('name').orderBy('id').execute();
}
