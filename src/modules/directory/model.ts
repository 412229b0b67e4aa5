// The directory's model of a service: shaped like HSDS 3.0 and its UK profile (Open Referral UK),
// in camelCase, with the few things Mutual needs that HSDS 3.0 lacks:
// - capacity in the shape of HSDS 3.1 `service_capacity` (available, maximum, unit, updated);
// - how a person gets in (self-referral, the front door, a professional, a Mutual referral);
// - whether the service is accepting new referrals;
// - what happens on bank holidays (HSDS schedules are RFC 5545 rules and know no holidays).
// https://docs.openreferral.org/en/latest/hsds/schema_reference.html
// One `ServiceRecord` is one service with everything below it; `upsertServiceRecord` (store.ts)
// writes it whole, idempotently, by id.

/** HSDS service.status. */
export const SERVICE_STATUSES = ['active', 'inactive', 'defunct', 'temporarily closed'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

/** How a person can get to the service (a set). */
export const ACCESS_ROUTES = ['self-referral', 'via-front-door', 'professional-referral', 'mutual-referral'] as const;
export type AccessRoute = (typeof ACCESS_ROUTES)[number];

/**
 * What the schedules mean on a bank holiday in England and Wales:
 * - `sunday-hours`: the Sunday schedules apply (the default; the UK convention "bank holidays: Sunday hours");
 * - `as-usual`: the weekday's own schedules apply;
 * - `closed`: closed all day.
 */
export const BANK_HOLIDAY_RULES = ['sunday-hours', 'as-usual', 'closed'] as const;
export type BankHolidayRule = (typeof BANK_HOLIDAY_RULES)[number];

/** THRIVE-style need groups (Anna Freud Centre's THRIVE framework), carried by needs-taxonomy terms. */
export const NEED_GROUPS = ['getting-advice', 'getting-help', 'getting-more-help', 'getting-risk-support'] as const;
export type NeedGroup = (typeof NEED_GROUPS)[number];

export const ICAL_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type IcalDay = (typeof ICAL_DAYS)[number];

/** HSDS organization. `platformOrganisationId` links it to an alliance organisation, whose provider admins may edit its services. */
export interface OrganisationRecord {
  id: string;
  name: string;
  description: string;
  email?: string | null;
  website?: string | null;
  logo?: string | null;
  uri?: string | null;
  parentOrganisationId?: string | null;
  /** HSDS organization_identifier rows, kept as given. */
  identifiers?: { id: string; identifierScheme?: string | null; identifierType: string; identifier: string }[];
  /** The alliance organisation (platform `organisations.id`) that maintains this organisation's services, if any. */
  platformOrganisationId?: string | null;
}

/** HSDS taxonomy. */
export interface TaxonomyRecord {
  id: string;
  name: string;
  description: string;
  uri?: string | null;
  version?: string | null;
}

/** HSDS taxonomy_term, plus Mutual's need group for terms of the needs taxonomy. */
export interface TaxonomyTermRecord {
  id: string;
  name: string;
  description: string;
  code?: string | null;
  parentId?: string | null;
  taxonomyId?: string | null;
  /** HSDS free-text taxonomy name, for terms from a taxonomy with no record here. */
  taxonomy?: string | null;
  termUri?: string | null;
  needGroup?: NeedGroup | null;
}

/** HSDS attribute linking a service to a term. When `taxonomyTerm` is given it is upserted too. */
export interface ServiceAttribute {
  id: string;
  taxonomyTermId: string;
  linkType?: string | null;
  taxonomyTerm?: TaxonomyTermRecord;
}

/**
 * HSDS schedule (RFC 5545 recurrence). Times are "HH:MM" (or "HH:MM:SS") in Europe/London.
 * `closesAt` "00:00" or "24:00" after `opensAt` means midnight at the end of the day; a `closesAt`
 * earlier than `opensAt` runs past midnight into the next day (22:00–02:00). 24/7 is a WEEKLY schedule
 * on all seven days from 00:00 to 24:00.
 */
export interface Schedule {
  id: string;
  /** WEEKLY (with byday) or DAILY are searchable in SQL; MONTHLY and intervals are checked after narrowing. */
  freq?: 'WEEKLY' | 'DAILY' | 'MONTHLY' | 'YEARLY' | null;
  interval?: number | null;
  /** "MO,TU,WE"; for MONTHLY each day may carry an ordinal ("1MO", "-1FR"). */
  byday?: string | null;
  bymonthday?: string | null;
  dtstart?: string | null;
  /** ISO dates (YYYY-MM-DD), inclusive. */
  validFrom?: string | null;
  validTo?: string | null;
  opensAt?: string | null;
  closesAt?: string | null;
  description?: string | null;
  attendingType?: string | null;
  notes?: string | null;
  scheduleLink?: string | null;
  /** Set when the schedule applies at one service_at_location only. */
  serviceAtLocationId?: string | null;
}

/** HSDS address. */
export interface Address {
  id: string;
  attention?: string | null;
  address1: string;
  address2?: string | null;
  city: string;
  region?: string | null;
  stateProvince?: string | null;
  postalCode: string;
  country: string;
  addressType: 'physical' | 'postal' | 'virtual';
}

/** HSDS accessibility. */
export interface Accessibility {
  id: string;
  description?: string | null;
  details?: string | null;
  url?: string | null;
}

/** HSDS location. Latitude and longitude in WGS84 decimal degrees. */
export interface Location {
  id: string;
  locationType: 'physical' | 'postal' | 'virtual';
  name?: string | null;
  alternateName?: string | null;
  description?: string | null;
  transportation?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  externalIdentifier?: string | null;
  externalIdentifierType?: string | null;
  addresses: Address[];
  accessibility: Accessibility[];
}

/** HSDS service_at_location with its location in full. */
export interface ServiceAtLocation {
  id: string;
  description?: string | null;
  location: Location;
}

/** HSDS phone. */
export interface Phone {
  id: string;
  number: string;
  extension?: number | null;
  type?: string | null;
  description?: string | null;
  /** Language names spoken on this line. */
  languages?: string[];
}

/** HSDS contact with its phones. */
export interface Contact {
  id: string;
  name?: string | null;
  title?: string | null;
  department?: string | null;
  email?: string | null;
  phones: Phone[];
}

/** HSDS language: `name` in English ("Portuguese"), `code` ISO 639-1 where known ("pt"). */
export interface Language {
  id: string;
  name: string;
  code?: string | null;
  note?: string | null;
}

/** HSDS service_area. */
export interface ServiceArea {
  id: string;
  name?: string | null;
  description?: string | null;
  extent?: string | null;
  extentType?: string | null;
  uri?: string | null;
}

/** HSDS cost_option. A service with no option of a positive amount is free. */
export interface CostOption {
  id: string;
  validFrom?: string | null;
  validTo?: string | null;
  option?: string | null;
  amount?: number | null;
  currency?: string | null;
  amountDescription?: string | null;
}

/** HSDS funding. */
export interface Funding {
  id: string;
  source?: string | null;
}

/** HSDS 3.1 service_capacity (the unit flattened to its name: "beds", "places", "appointments"). */
export interface ServiceCapacity {
  id: string;
  available: number;
  maximum?: number | null;
  unit: string;
  description?: string | null;
  /** ISO-8601 UTC: when the figure was last updated. */
  updated: string;
  /** Kept live by Mutual itself (a crisis place's holds and stays), not by the service's record: read only. */
  live?: boolean;
}

export interface ServiceRecord {
  id: string;
  organisation: OrganisationRecord;
  name: string;
  alternateName?: string | null;
  description?: string | null;
  url?: string | null;
  email?: string | null;
  status: ServiceStatus;
  interpretationServices?: string | null;
  applicationProcess?: string | null;
  /** HSDS fees_description: cost in words. */
  feesDescription?: string | null;
  waitTime?: string | null;
  accreditations?: string | null;
  eligibilityDescription?: string | null;
  minimumAge?: number | null;
  maximumAge?: number | null;
  alert?: string | null;
  /** HSDS assured_date (YYYY-MM-DD): when the information was last checked ("last reviewed"). */
  assuredDate?: string | null;
  assurerEmail?: string | null;
  /** ISO-8601 UTC. Not part of the content compared for idempotence. */
  lastModified: string;
  // ---- Mutual's extensions ----
  howToAccess: AccessRoute[];
  acceptingNewReferrals: boolean;
  bankHolidays?: BankHolidayRule;
  // ---- children ----
  schedules: Schedule[];
  serviceAtLocations: ServiceAtLocation[];
  phones: Phone[];
  contacts: Contact[];
  languages: Language[];
  serviceAreas: ServiceArea[];
  costOptions: CostOption[];
  funding: Funding[];
  attributes: ServiceAttribute[];
  capacity: ServiceCapacity[];
}

/** A service's own fields and its organisation, without the child rows (what a page of services in brief needs). */
export type ServiceFields = Omit<ServiceRecord, 'schedules' | 'serviceAtLocations' | 'phones' | 'contacts' | 'languages' | 'serviceAreas' | 'attributes' | 'capacity'>;

/** What a result in a list of services shows: its own fields, places, hours, phones, contacts and capacity. */
export type ServiceListing = ServiceFields & Pick<ServiceRecord, 'schedules' | 'serviceAtLocations' | 'phones' | 'contacts' | 'capacity'>;

/** A service is free when no cost option asks for a positive amount. */
export function isFree(record: Pick<ServiceRecord, 'costOptions'>): boolean {
  return record.costOptions.every((c) => c.amount == null || c.amount <= 0);
}

/** A location counts for distance when it is physical and has coordinates. */
export function hasCoordinates(location: Location): location is Location & { latitude: number; longitude: number } {
  return location.locationType === 'physical' && typeof location.latitude === 'number' && typeof location.longitude === 'number';
}

/** The result of writing a record: what happened and the version now stored. */
export interface UpsertResult {
  id: string;
  outcome: 'created' | 'updated' | 'unchanged';
  version: number;
}
