// Open Referral UK (HSDS 3.0 UK profile) ⇄ the directory's model.
// https://openreferraluk.org/ · https://docs.openreferral.org/en/latest/hsds/schema_reference.html
//
// In: a record that has passed the ORUK schema (oruk-validation.ts) becomes a `ServiceRecord`,
// `OrganisationRecord`, `TaxonomyRecord` or `TaxonomyTermRecord`. HSDS 3.0 fields the UK profile
// leaves out (alternate_name, application_process, eligibility_description, phones, language
// name/code, …) are read when a feed carries them, and HSDS 3.1 `capacities` too.
//
// Out: the same model becomes ORUK JSON. The ORUK schemas allow extra properties, so the HSDS 3.0
// fields the profile leaves out are given as well (a consumer of plain ORUK ignores them; another
// HSDS consumer, or Mutual itself, gets the whole service back). Values the schemas would reject
// (a web address without a scheme, a malformed email) are left out rather than published broken.
// Mutual's own extensions (how to access, accepting referrals, bank-holiday rule) are not published.
import { fullFormats } from 'ajv-formats/dist/formats.js';
import { v5 as uuidv5 } from 'uuid';
import type {
  Accessibility,
  Address,
  Contact,
  CostOption,
  Funding,
  Language,
  Location,
  OrganisationRecord,
  Phone,
  Schedule,
  ServiceArea,
  ServiceAttribute,
  ServiceCapacity,
  ServiceAtLocation,
  ServiceFields,
  ServiceRecord,
  ServiceStatus,
  TaxonomyRecord,
  TaxonomyTermRecord,
} from './model.ts';

type Json = Record<string, unknown>;

/** The HSDS version and profile we publish. */
export const ORUK_VERSION = '3.0';
export const ORUK_PROFILE_URL = 'https://openreferraluk.org/';

// ---- small readers --------------------------------------------------------------------------

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

function list(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x)) : [];
}

function obj(v: unknown): Json | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null;
}

const englishLanguageNames = new Intl.DisplayNames(['en'], { type: 'language' });

/** "pt" → "Portuguese"; null when the code is not a language code. */
function languageName(code: string): string | null {
  try {
    const name = englishLanguageNames.of(code);
    return name && name.toLowerCase() !== code.toLowerCase() ? name : null;
  } catch {
    return null;
  }
}

// ---- in: ORUK → model -----------------------------------------------------------------------

/** Something in a record we could not keep exactly, worth telling whoever runs the import. */
export interface MappingNote {
  pointer: string;
  message: string;
}

export function organisationFromOruk(o: Json): OrganisationRecord {
  return {
    id: String(o.id),
    name: String(o.name),
    description: String(o.description ?? ''),
    email: str(o.email),
    website: str(o.website),
    logo: str(o.logo),
    uri: str(o.uri),
    parentOrganisationId: str(o.parent_organization_id),
    identifiers: list(o.organization_identifiers).map((i) => ({
      id: String(i.id),
      identifierScheme: str(i.identifier_scheme),
      identifierType: String(i.identifier_type),
      identifier: String(i.identifier),
    })),
  };
}

export function taxonomyFromOruk(t: Json): TaxonomyRecord {
  return { id: String(t.id), name: String(t.name), description: String(t.description ?? ''), uri: str(t.uri), version: str(t.version) };
}

export function termFromOruk(t: Json, taxonomyId?: string): TaxonomyTermRecord {
  return {
    id: String(t.id),
    name: String(t.name),
    description: String(t.description ?? ''),
    code: str(t.code),
    parentId: str(t.parent_id),
    taxonomyId: str(t.taxonomy_id) ?? taxonomyId ?? null,
    taxonomy: str(t.taxonomy),
    termUri: str(t.term_uri),
  };
}

function scheduleFromOruk(s: Json, serviceAtLocationId: string | null): Schedule {
  const freq = str(s.freq)?.toUpperCase();
  return {
    id: String(s.id),
    freq: freq === 'WEEKLY' || freq === 'DAILY' || freq === 'MONTHLY' || freq === 'YEARLY' ? freq : null,
    interval: num(s.interval),
    byday: str(s.byday),
    bymonthday: str(s.bymonthday),
    dtstart: str(s.dtstart),
    validFrom: str(s.valid_from),
    validTo: str(s.valid_to),
    opensAt: str(s.opens_at),
    closesAt: str(s.closes_at),
    description: str(s.description),
    attendingType: str(s.attending_type),
    notes: str(s.notes),
    scheduleLink: str(s.schedule_link),
    serviceAtLocationId: str(s.service_at_location_id) ?? serviceAtLocationId,
  };
}

function addressFromOruk(a: Json): Address {
  const type = str(a.address_type);
  return {
    id: String(a.id),
    attention: str(a.attention),
    address1: String(a.address_1 ?? ''),
    address2: str(a.address_2),
    city: String(a.city ?? ''),
    region: str(a.region),
    stateProvince: str(a.state_province),
    postalCode: String(a.postal_code ?? ''),
    country: String(a.country ?? ''),
    addressType: type === 'postal' || type === 'virtual' ? type : 'physical',
  };
}

function accessibilityFromOruk(a: Json): Accessibility {
  return { id: String(a.id), description: str(a.description) ?? str(a.accessibility), details: str(a.details), url: str(a.url) };
}

function locationFromOruk(l: Json, at: string, notes: MappingNote[]): Location {
  let latitude = num(l.latitude);
  let longitude = num(l.longitude);
  if ((latitude != null && Math.abs(latitude) > 90) || (longitude != null && Math.abs(longitude) > 180) || (latitude == null) !== (longitude == null)) {
    notes.push({ pointer: `${at}/latitude`, message: 'is not a place on Earth (latitude -90 to 90, longitude -180 to 180): the location is kept without coordinates' });
    latitude = null;
    longitude = null;
  }
  const type = str(l.location_type);
  return {
    id: String(l.id),
    locationType: type === 'postal' || type === 'virtual' ? type : 'physical',
    name: str(l.name),
    alternateName: str(l.alternate_name),
    description: str(l.description),
    transportation: str(l.transportation),
    latitude,
    longitude,
    externalIdentifier: str(l.external_identifier),
    externalIdentifierType: str(l.external_identifier_type),
    addresses: list(l.addresses).map(addressFromOruk),
    accessibility: list(l.accessibility).map(accessibilityFromOruk),
  };
}

function phoneFromOruk(p: Json): Phone {
  const languages = list(p.languages).flatMap((l) => {
    const name = str(l.name) ?? (str(l.code) ? languageName(String(l.code)) : null);
    return name ? [name] : [];
  });
  return { id: String(p.id), number: String(p.number), extension: num(p.extension), type: str(p.type), description: str(p.description), languages };
}

function languageFromOruk(l: Json, at: string, notes: MappingNote[]): Language | null {
  const code = str(l.code);
  const name = str(l.name) ?? (code ? languageName(code) : null);
  if (!name) {
    notes.push({ pointer: at, message: 'has neither a name nor a language code: left out' });
    return null;
  }
  return { id: String(l.id), name, code, note: str(l.note) };
}

function capacityFromOruk(c: Json, at: string, notes: MappingNote[]): ServiceCapacity | null {
  const available = num(c.available);
  const unit = str(obj(c.unit)?.name) ?? str(c.unit);
  const updated = str(c.updated);
  if (available == null || !unit || !updated) {
    notes.push({ pointer: at, message: 'needs available, unit and updated (HSDS 3.1 service_capacity): left out' });
    return null;
  }
  return { id: String(c.id), available, maximum: num(c.maximum), unit, description: str(c.description), updated };
}

/**
 * An ORUK service (already checked against the schema) as a `ServiceRecord`. The organisation and
 * the attributes' full terms are resolved by the caller, who knows the rest of the feed and the
 * directory: `organisation` is the one to use, `termFor` gives the full term for an attribute's
 * term id (or undefined when only the id is known).
 */
export function serviceFromOruk(
  s: Json,
  context: { organisation: OrganisationRecord; termFor: (id: string, given: Json | null) => TaxonomyTermRecord | undefined; now: Date },
): { record: ServiceRecord; notes: MappingNote[] } {
  const notes: MappingNote[] = [];
  const serviceAtLocations: ServiceAtLocation[] = [];
  const schedules: Schedule[] = list(s.schedules).map((x) => scheduleFromOruk(x, null));
  list(s.service_at_locations).forEach((sal, i) => {
    const location = obj(sal.location);
    if (!location) {
      notes.push({ pointer: `/service_at_locations/${i}/location`, message: 'is missing (only location_id given): this service_at_location is left out' });
      return;
    }
    serviceAtLocations.push({ id: String(sal.id), description: str(sal.description), location: locationFromOruk(location, `/service_at_locations/${i}/location`, notes) });
    // HSDS 3.0 lets a service_at_location carry its own schedules.
    for (const x of list(sal.schedules)) schedules.push(scheduleFromOruk(x, String(sal.id)));
  });
  const attributes: ServiceAttribute[] = list(s.attributes).map((a) => {
    const given = obj(a.taxonomy_term);
    const termId = String(str(a.taxonomy_term_id) ?? given?.id);
    const term = context.termFor(termId, given);
    return { id: String(a.id), taxonomyTermId: termId, linkType: str(a.link_type), ...(term ? { taxonomyTerm: term } : {}) };
  });
  const capacity = list(s.capacities).flatMap((c, i) => capacityFromOruk(c, `/capacities/${i}`, notes) ?? []);
  const record: ServiceRecord = {
    id: String(s.id),
    organisation: context.organisation,
    name: String(s.name),
    alternateName: str(s.alternate_name),
    description: str(s.description),
    url: str(s.url),
    email: str(s.email),
    status: String(s.status) as ServiceStatus,
    interpretationServices: str(s.interpretation_services),
    applicationProcess: str(s.application_process),
    feesDescription: str(s.fees_description) ?? str(s.fees),
    waitTime: str(s.wait_time),
    accreditations: str(s.accreditations),
    eligibilityDescription: str(s.eligibility_description),
    minimumAge: num(s.minimum_age),
    maximumAge: num(s.maximum_age),
    alert: str(s.alert),
    assuredDate: str(s.assured_date),
    assurerEmail: str(s.assurer_email),
    lastModified: str(s.last_modified) ? new Date(String(s.last_modified)).toISOString() : context.now.toISOString(),
    // ORUK does not say how a person gets in; Mutual's defaults for imported services.
    howToAccess: [],
    acceptingNewReferrals: true,
    schedules,
    serviceAtLocations,
    phones: list(s.phones).map(phoneFromOruk),
    contacts: list(s.contacts).map(
      (c): Contact => ({
        id: String(c.id),
        name: str(c.name),
        title: str(c.title),
        department: str(c.department),
        email: str(c.email),
        phones: list(c.phones).map(phoneFromOruk),
      }),
    ),
    languages: list(s.languages).flatMap((l, i) => languageFromOruk(l, `/languages/${i}`, notes) ?? []),
    serviceAreas: list(s.service_areas).map(
      (a): ServiceArea => ({
        id: String(a.id),
        name: str(a.name),
        description: str(a.description) ?? str(a.service_area),
        extent: str(a.extent),
        extentType: str(a.extent_type),
        uri: str(a.uri),
      }),
    ),
    costOptions: list(s.cost_options).map(
      (c): CostOption => ({
        id: String(c.id),
        validFrom: str(c.valid_from),
        validTo: str(c.valid_to),
        option: str(c.option),
        amount: num(c.amount),
        currency: str(c.currency),
        amountDescription: str(c.amount_description),
      }),
    ),
    funding: list(s.funding).map((f): Funding => ({ id: String(f.id), source: str(f.source) })),
    attributes,
    capacity,
  };
  return { record, notes };
}

// ---- out: model → ORUK ----------------------------------------------------------------------

const isUri = fullFormats.uri as (s: string) => boolean;
const isUuid = (s: string) => (fullFormats.uuid as RegExp).test(s);
const isEmail = (s: string) => (fullFormats.email as RegExp).test(s);
const isDateTime = (fullFormats['date-time'] as { validate: (s: string) => boolean }).validate;

/** An object without its null and undefined fields (the ORUK schemas type every field, and null is not a string). */
function compact<T extends Json>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as T;
}

const uri = (v: string | null | undefined) => (v && isUri(v) ? v : undefined);
const uuid = (v: string | null | undefined) => (v && isUuid(v) ? v : undefined);
const email = (v: string | null | undefined) => (v && isEmail(v) ? v : undefined);

/** A stable id for a capacity unit named in words (HSDS 3.1 unit records have ids). */
const UNIT_NAMESPACE = 'b7d3c0e2-5a3f-4c1e-9f0e-6d2a8e4b1c57';

export function organisationToOruk(o: OrganisationRecord, brief = false): Json {
  return compact({
    id: o.id,
    name: o.name,
    description: o.description,
    email: email(o.email),
    website: uri(o.website),
    logo: o.logo,
    uri: uri(o.uri),
    parent_organization_id: uuid(o.parentOrganisationId),
    organization_identifiers: brief
      ? undefined
      : (o.identifiers ?? []).map((i) => compact({ id: i.id, organization_id: o.id, identifier_scheme: i.identifierScheme, identifier_type: i.identifierType, identifier: i.identifier })),
  });
}

export function taxonomyToOruk(t: TaxonomyRecord): Json {
  return compact({ id: t.id, name: t.name, description: t.description, uri: uri(t.uri), version: t.version });
}

export function termToOruk(t: TaxonomyTermRecord): Json {
  return compact({
    id: t.id,
    code: t.code,
    name: t.name,
    description: t.description,
    parent_id: uuid(t.parentId),
    taxonomy: t.taxonomy,
    taxonomy_id: uuid(t.taxonomyId),
    term_uri: uri(t.termUri),
  });
}

/** ORUK schedules know WEEKLY and MONTHLY; a DAILY rule is published as WEEKLY on every day. */
function scheduleToOruk(s: Schedule, serviceId: string): Json {
  let freq: string | undefined = s.freq ?? undefined;
  let byday = s.byday;
  if (freq === 'DAILY' && !byday) {
    freq = 'WEEKLY';
    byday = 'MO,TU,WE,TH,FR,SA,SU';
  } else if (freq !== 'WEEKLY' && freq !== 'MONTHLY') freq = undefined;
  return compact({
    id: s.id,
    service_id: serviceId,
    service_at_location_id: uuid(s.serviceAtLocationId),
    valid_from: s.validFrom,
    valid_to: s.validTo,
    dtstart: s.dtstart,
    freq,
    interval: s.interval,
    byday,
    bymonthday: s.bymonthday,
    description: s.description,
    opens_at: s.opensAt,
    closes_at: s.closesAt,
    schedule_link: uri(s.scheduleLink),
    attending_type: s.attendingType,
    notes: s.notes,
  });
}

function locationToOruk(l: Location, brief: boolean): Json {
  return compact({
    id: l.id,
    location_type: l.locationType,
    name: l.name,
    alternate_name: l.alternateName,
    description: l.description,
    transportation: l.transportation,
    latitude: l.latitude,
    longitude: l.longitude,
    external_identifier: l.externalIdentifier,
    external_identifier_type: l.externalIdentifierType,
    addresses: brief
      ? undefined
      : l.addresses.map((a) =>
          compact({
            id: a.id,
            location_id: l.id,
            attention: a.attention,
            address_1: a.address1,
            address_2: a.address2,
            city: a.city,
            region: a.region,
            // Required by ORUK; UK addresses often have none, and an empty string says so honestly.
            state_province: a.stateProvince ?? '',
            postal_code: a.postalCode,
            country: a.country,
            address_type: a.addressType,
          }),
        ),
    accessibility: brief
      ? undefined
      : l.accessibility.map((a) => compact({ id: a.id, location_id: l.id, description: a.description, details: a.details, url: uri(a.url) })),
  });
}

function phoneToOruk(p: Phone, owner: { service_id?: string; contact_id?: string }): Json {
  return compact({
    id: p.id,
    ...owner,
    number: p.number,
    extension: p.extension,
    type: p.type,
    description: p.description,
    languages: p.languages?.length ? p.languages.map((name, i) => ({ id: uuidv5(`${p.id}:${i}`, UNIT_NAMESPACE), phone_id: p.id, name })) : undefined,
  });
}

/** The one-to-one fields of a service (a `/services` page entry), with its organisation in brief. */
export function serviceBriefToOruk(r: ServiceFields): Json {
  return compact({
    id: r.id,
    organization_id: r.organisation.id,
    name: r.name,
    alternate_name: r.alternateName,
    description: r.description,
    url: uri(r.url),
    email: email(r.email),
    status: r.status,
    interpretation_services: r.interpretationServices,
    application_process: r.applicationProcess,
    fees: r.feesDescription,
    fees_description: r.feesDescription,
    wait_time: r.waitTime,
    accreditations: r.accreditations,
    eligibility_description: r.eligibilityDescription,
    minimum_age: r.minimumAge,
    maximum_age: r.maximumAge,
    assured_date: r.assuredDate,
    assurer_email: email(r.assurerEmail),
    alert: r.alert,
    last_modified: isDateTime(r.lastModified) ? r.lastModified : undefined,
    organization: organisationToOruk(r.organisation, true),
  });
}

/** The fully nested service (`/services/{id}`). */
export function serviceToOruk(r: ServiceRecord): Json {
  return compact({
    ...serviceBriefToOruk(r),
    organization: organisationToOruk(r.organisation),
    schedules: r.schedules.map((s) => scheduleToOruk(s, r.id)),
    service_areas: r.serviceAreas.map((a) =>
      compact({ id: a.id, service_id: r.id, name: a.name, description: a.description, service_area: a.description, extent: a.extent, extent_type: a.extentType, uri: a.uri }),
    ),
    service_at_locations: r.serviceAtLocations.map((sal) =>
      compact({ id: sal.id, service_id: r.id, location_id: sal.location.id, description: sal.description, location: locationToOruk(sal.location, false) }),
    ),
    languages: r.languages.map((l) => compact({ id: l.id, service_id: r.id, name: l.name, code: l.code, note: l.note })),
    phones: r.phones.map((p) => phoneToOruk(p, { service_id: r.id })),
    funding: r.funding.map((f) => compact({ id: f.id, service_id: r.id, source: f.source })),
    cost_options: r.costOptions.map((c) =>
      compact({
        id: c.id,
        service_id: r.id,
        valid_from: c.validFrom,
        valid_to: c.validTo,
        option: c.option,
        amount: c.amount,
        currency: c.currency,
        amount_description: c.amountDescription,
      }),
    ),
    contacts: r.contacts.map((c) =>
      compact({
        id: c.id,
        service_id: r.id,
        name: c.name,
        title: c.title,
        department: c.department,
        email: email(c.email),
        phones: c.phones.map((p) => phoneToOruk(p, { contact_id: c.id })),
      }),
    ),
    attributes: r.attributes.map((a) =>
      compact({
        id: a.id,
        link_id: r.id,
        link_type: a.linkType,
        link_entity: 'service',
        taxonomy_term_id: a.taxonomyTermId,
        taxonomy_term: a.taxonomyTerm ? termToOruk({ ...a.taxonomyTerm, id: a.taxonomyTermId }) : undefined,
      }),
    ),
    // HSDS 3.1 service_capacity, beyond ORUK 3.0.
    capacities: r.capacity.map((c) =>
      compact({
        id: c.id,
        service_id: r.id,
        available: c.available,
        maximum: c.maximum,
        unit: { id: uuidv5(c.unit.toLowerCase(), UNIT_NAMESPACE), name: c.unit },
        description: c.description,
        updated: c.updated,
      }),
    ),
  });
}

/** A `/service_at_locations` page entry: the location in brief and the service in brief. */
export function serviceAtLocationBriefToOruk(r: ServiceRecord, sal: ServiceAtLocation): Json {
  return compact({
    id: sal.id,
    service_id: r.id,
    location_id: sal.location.id,
    description: sal.description,
    location: locationToOruk(sal.location, true),
    service: serviceBriefToOruk(r),
  });
}

/** A fully nested organisation with its services. */
export function organisationWithServicesToOruk(o: OrganisationRecord, services: ServiceRecord[]): Json {
  return { ...organisationToOruk(o), services: services.map((s) => serviceToOruk(s)) };
}
