// The directory's domain: public search, "need help now", the service page. Plain functions over
// a database reader, a clock and a bank-holiday check; no HTTP here.
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { DB } from '../../platform/db/tables.ts';
import type { FieldError } from '../../platform/http/problems.ts';
import type { Clock } from '../../platform/time/clock.ts';
import {
  type BankHolidayCheck,
  describeOpenState,
  hoursInWords,
  isOpenAt,
  type OpenAtQuery,
  openAtQuery,
  openState,
  ZONE,
} from './hours.ts';
import type { AccessRoute, ServiceListing, ServiceRecord } from './model.ts';
import { locate, parsePlace } from './postcodes.ts';
import { SEARCH_DAYS, type SearchInput } from './schemas.ts';
import {
  COUNT_LIMIT,
  complexHoursCandidates,
  listTaxonomyTerms,
  loadServiceListings,
  loadServiceRecords,
  type ServiceSearch,
  searchServices,
  spokenLanguages,
} from './store.ts';
import needsTaxonomy from './data/needs-taxonomy.json' with { type: 'json' };

export interface DirectoryDeps {
  db: Kysely<DB>;
  clock: Clock;
  isBankHoliday: BankHolidayCheck;
}

export const NEEDS_TAXONOMY_ID: string = needsTaxonomy.taxonomy.id;
export const CRISIS_TERM_CODE = 'crisis-support';

const KM_PER_MILE = 1.609344;

export const ACCESS_LABELS: Record<AccessRoute, string> = {
  'self-referral': 'You can refer yourself',
  'via-front-door': 'Ask for it through the front door',
  'professional-referral': 'A professional, such as a GP, needs to refer you',
  'mutual-referral': 'Practitioners and champions can refer through Mutual',
};

export const NEED_GROUP_LABELS: Record<string, string> = {
  'getting-advice': 'Getting advice',
  'getting-help': 'Getting help',
  'getting-more-help': 'Getting more help',
  'getting-risk-support': 'Getting risk support',
};

/** "0.3 miles", "1 mile", "12 miles". */
export function milesText(km: number): string {
  const miles = km / KM_PER_MILE;
  if (miles < 0.1) return 'less than 0.1 miles';
  if (miles < 10) {
    const rounded = Math.round(miles * 10) / 10;
    return `${rounded} ${rounded === 1 ? 'mile' : 'miles'}`;
  }
  return `${Math.round(miles)} miles`;
}

export interface ResultCard {
  id: string;
  name: string;
  organisationName: string;
  summary: string;
  distance: string | null;
  openLine: string;
  open: boolean;
  access: string[];
  capacity: string | null;
  notices: string[];
  phone: string | null;
  address: string | null;
}

function summaryOf(text: string | null | undefined): string {
  const t = (text ?? '').replace(/\s+/g, ' ').trim();
  return t.length > 180 ? `${t.slice(0, 177).replace(/\s+\S*$/, '')}…` : t;
}

function capacityText(record: ServiceListing): string | null {
  const c = record.capacity[0];
  if (!c) return null;
  const of = c.maximum != null ? ` of ${c.maximum}` : '';
  const updated = DateTime.fromISO(c.updated, { zone: 'utc' }).setZone(ZONE).toFormat("d MMMM 'at' HH:mm");
  return `${c.available}${of} ${c.unit} available (updated ${updated})`;
}

function firstAddress(record: ServiceListing): string | null {
  for (const sal of record.serviceAtLocations) {
    const a = sal.location.addresses.find((x) => x.addressType === 'physical') ?? sal.location.addresses[0];
    if (a) return [a.address1, a.address2, a.city, a.postalCode].filter(Boolean).join(', ');
  }
  return null;
}

export function notices(record: ServiceListing): string[] {
  const out: string[] = [];
  if (record.status === 'temporarily closed') out.push('Temporarily closed');
  if (record.status === 'inactive' || record.status === 'defunct') out.push('No longer running');
  if (!record.acceptingNewReferrals) out.push('Not taking new referrals at the moment');
  if (record.alert) out.push(record.alert);
  return out;
}

function card(record: ServiceListing, distanceKm: number | null, at: Date, isBankHoliday: BankHolidayCheck): ResultCard {
  const rule = record.bankHolidays ?? 'sunday-hours';
  const running = record.status === 'active';
  const state = openState(record.schedules, rule, at, isBankHoliday);
  return {
    id: record.id,
    name: record.name,
    organisationName: record.organisation.name,
    summary: summaryOf(record.description),
    distance: distanceKm == null ? null : milesText(distanceKm),
    openLine: running ? describeOpenState(state, at) : 'Closed',
    open: running && (state.kind === 'open' || state.kind === 'always'),
    access: record.howToAccess.map((a) => ACCESS_LABELS[a]),
    capacity: capacityText(record),
    notices: notices(record),
    phone: record.phones[0]?.number ?? record.contacts.flatMap((c) => c.phones)[0]?.number ?? null,
    address: firstAddress(record),
  };
}

/** The moment a search asks about: now, or the next given weekday (today counts) at a London time. */
export function searchMoment(now: Date, day: (typeof SEARCH_DAYS)[number], time: string): Date {
  const today = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
  let date = today;
  if (day === 'tomorrow') date = today.plus({ days: 1 });
  else if (day !== 'today') {
    const want = SEARCH_DAYS.indexOf(day) - 1; // monday → 1 … sunday → 7
    date = today.plus({ days: (want - today.weekday + 7) % 7 });
  }
  const [h, m] = time.split(':').map(Number);
  return date.set({ hour: h!, minute: m! }).toJSDate();
}

export interface SearchPage {
  /** How many services match, or null when more than COUNT_LIMIT (1,000) do. */
  total: number | null;
  /** In words: "3 services", "More than 1,000 services". */
  found: string;
  page: number;
  /** How many pages, when the total is known. */
  pages: number | null;
  /** Whether a next page exists. */
  more: boolean;
  size: number;
  results: ResultCard[];
  /** Set when a place was given: where we searched near, or why we could not. */
  place: { label: string; found: boolean; approximate: boolean; miles: string } | null;
  /** The moment "open" refers to, in words, when filtering by hours. */
  openAtText: string | null;
}

export interface SearchOptions {
  needs: { id: string; code: string; name: string; group: string }[];
  languages: readonly { code: string; name: string }[];
}

/** The needs and languages the search form offers. */
export async function searchOptions(db: Kysely<DB>): Promise<SearchOptions> {
  const [terms, languages] = await Promise.all([listTaxonomyTerms(db, { taxonomyId: NEEDS_TAXONOMY_ID }), spokenLanguages(db)]);
  const order = new Map(needsTaxonomy.terms.map((t, i) => [t.id, i]));
  const needs = terms
    .map((t) => ({ id: t.id, code: t.code ?? t.id, name: t.name, group: t.needGroup ?? '' }))
    .sort((a, b) => (order.get(a.id) ?? 999) - (order.get(b.id) ?? 999));
  return { needs, languages };
}

function withoutOpenAt(q: Omit<ServiceSearch, 'limit' | 'offset'>): Omit<ServiceSearch, 'openAt' | 'limit' | 'offset'> {
  const { openAt: _openAt, openComplexIds: _ids, ...rest } = q;
  return rest;
}

async function openComplexIds(deps: DirectoryDeps, q: Omit<ServiceSearch, 'openAt' | 'limit' | 'offset'>, at: Date): Promise<string[]> {
  const candidates = await complexHoursCandidates(deps.db, q);
  return candidates.filter((c) => isOpenAt(c.schedules, c.bankHolidays, at, deps.isBankHoliday)).map((c) => c.id);
}

export type SearchOutcome = { ok: true; page: SearchPage } | { ok: false; errors: FieldError[] };

/** The public search. Input errors the schema cannot see (an unknown need or language, a non-postcode) come back as field errors. */
export async function searchDirectory(deps: DirectoryDeps, input: SearchInput, options?: SearchOptions): Promise<SearchOutcome> {
  const opts = options ?? (await searchOptions(deps.db));
  const errors: FieldError[] = [];
  const byCode = new Map(opts.needs.map((n) => [n.code, n]));
  const termIds: string[] = [];
  for (const code of input.need) {
    const need = byCode.get(code);
    if (need) termIds.push(need.id);
    else {
      errors.push({ field: 'need', message: 'Select a need from the list' });
      break;
    }
  }
  if (input.language && !opts.languages.some((l) => l.code === input.language)) {
    errors.push({ field: 'language', message: 'Select a language from the list' });
  }
  const parsed = input.postcode ? parsePlace(input.postcode) : null;
  if (input.postcode && !parsed) errors.push({ field: 'postcode', message: 'Enter a real postcode, like SW9 9SL, or the first part, like SW9' });
  if (errors.length) return { ok: false, errors };

  const now = deps.clock.now();
  const at = input.when === 'at' ? searchMoment(now, input.day!, input.time!) : now;
  const base: Omit<ServiceSearch, 'limit' | 'offset'> = {
    text: input.q,
    termIds: termIds.length ? termIds : undefined,
    age: input.age,
    languageCode: input.language,
    freeOnly: input.free === 'yes',
    selfReferral: input.self === 'yes',
  };
  let place: SearchPage['place'] = null;
  const radiusKm = Number(input.within) * KM_PER_MILE;
  if (parsed) {
    const found = await locate(deps.db, parsed);
    const miles = `${input.within} ${input.within === '1' ? 'mile' : 'miles'}`;
    if (found.found) {
      place = { label: found.place.label, found: true, approximate: found.place.approximate, miles };
      base.near = { latitude: found.place.latitude, longitude: found.place.longitude, radiusKm };
      base.includeRemote = true;
    } else {
      place = { label: found.label, found: false, approximate: false, miles };
    }
  }
  let openAt: OpenAtQuery | undefined;
  if (input.when !== 'any') {
    openAt = openAtQuery(at, deps.isBankHoliday);
    base.openAt = openAt;
    base.openComplexIds = await openComplexIds(deps, withoutOpenAt(base), at);
  }
  const { total, more, hits } = await searchServices(deps.db, { ...base, limit: input.size, offset: (input.page - 1) * input.size });
  const records = await loadServiceListings(deps.db, hits.map((h) => h.id));
  const byId = new Map(records.map((r) => [r.id, r]));
  const results = hits.flatMap((h) => {
    const r = byId.get(h.id);
    return r ? [card(r, h.distanceKm, now, deps.isBankHoliday)] : [];
  });
  return {
    ok: true,
    page: {
      total,
      found: total === null ? `More than ${COUNT_LIMIT.toLocaleString('en-GB')} services` : `${total} ${total === 1 ? 'service' : 'services'}`,
      page: input.page,
      size: input.size,
      pages: total === null ? null : Math.max(1, Math.ceil(total / input.size)),
      more,
      results,
      place,
      openAtText: input.when === 'now' ? 'now' : input.when === 'at' ? DateTime.fromJSDate(at, { zone: ZONE }).toFormat("cccc d MMMM 'at' HH:mm") : null,
    },
  };
}

export interface HelpNow {
  results: ResultCard[];
  place: SearchPage['place'];
}

/** Crisis options open at this moment: crisis support and every risk-support need, nearest first when a place is known. */
export async function needHelpNow(deps: DirectoryDeps, postcode: string | undefined): Promise<{ ok: true; help: HelpNow } | { ok: false; errors: FieldError[] }> {
  const parsed = postcode ? parsePlace(postcode) : null;
  if (postcode && !parsed) return { ok: false, errors: [{ field: 'postcode', message: 'Enter a real postcode, like SW9 9SL, or the first part, like SW9' }] };
  const terms = await listTaxonomyTerms(deps.db, { taxonomyId: NEEDS_TAXONOMY_ID });
  const termIds = terms.filter((t) => t.code === CRISIS_TERM_CODE || t.needGroup === 'getting-risk-support').map((t) => t.id);
  const now = deps.clock.now();
  const base: Omit<ServiceSearch, 'limit' | 'offset'> = { termIds, openAt: openAtQuery(now, deps.isBankHoliday) };
  let place: SearchPage['place'] = null;
  if (parsed) {
    const found = await locate(deps.db, parsed);
    if (found.found) {
      place = { label: found.place.label, found: true, approximate: found.place.approximate, miles: '25 miles' };
      base.near = { latitude: found.place.latitude, longitude: found.place.longitude, radiusKm: 25 * KM_PER_MILE };
      base.includeRemote = true;
    } else place = { label: found.label, found: false, approximate: false, miles: '25 miles' };
  }
  base.openComplexIds = await openComplexIds(deps, withoutOpenAt(base), now);
  const { hits } = await searchServices(deps.db, { ...base, limit: 30, offset: 0 });
  const records = await loadServiceListings(deps.db, hits.map((h) => h.id));
  const byId = new Map(records.map((r) => [r.id, r]));
  const results = hits.flatMap((h) => {
    const r = byId.get(h.id);
    return r ? [card(r, h.distanceKm, now, deps.isBankHoliday)] : [];
  });
  return { ok: true, help: { results, place } };
}

export interface ServicePage {
  record: ServiceRecord;
  openLine: string;
  hours: string[];
  access: string[];
  notices: string[];
  cost: string;
  ages: string | null;
  lastChecked: string | null;
  needs: string[];
  capacity: string | null;
  languages: string;
  areas: string;
}

/** Everything a person needs to go or call; null when the service is not public (archived or gone). */
export async function servicePage(deps: DirectoryDeps, id: string): Promise<ServicePage | null> {
  const [record] = await loadServiceRecords(deps.db, [id]);
  if (!record || record.status === 'defunct') return null;
  const now = deps.clock.now();
  const rule = record.bankHolidays ?? 'sunday-hours';
  const running = record.status === 'active';
  const free = record.costOptions.every((c) => c.amount == null || c.amount <= 0);
  const cost = record.feesDescription ?? (free ? 'Free' : record.costOptions.map((c) => `${c.option ?? 'Cost'}: £${c.amount}${c.amountDescription ? ` ${c.amountDescription}` : ''}`).join('; '));
  const ages =
    record.minimumAge != null && record.maximumAge != null
      ? `Ages ${record.minimumAge} to ${record.maximumAge}`
      : record.minimumAge != null
        ? `Ages ${record.minimumAge} and over`
        : record.maximumAge != null
          ? `Ages up to ${record.maximumAge}`
          : null;
  return {
    record,
    openLine: running ? describeOpenState(openState(record.schedules, rule, now, deps.isBankHoliday), now) : 'Closed',
    hours: hoursInWords(record.schedules, rule),
    access: record.howToAccess.map((a) => ACCESS_LABELS[a]),
    notices: notices(record),
    cost,
    ages,
    lastChecked: record.assuredDate ? DateTime.fromISO(record.assuredDate.slice(0, 10), { zone: ZONE }).toFormat('d MMMM yyyy') : null,
    needs: record.attributes.flatMap((a) => (a.taxonomyTerm ? [a.taxonomyTerm.name] : [])),
    capacity: capacityText(record),
    languages: record.languages.map((l) => l.name).join(', '),
    areas: record.serviceAreas.map((a) => a.name ?? a.description ?? '').filter(Boolean).join(', '),
  };
}

export interface ServiceSummary {
  id: string;
  name: string;
  organisationName: string;
  summary: string;
  phone: string | null;
  openLine: string;
  access: string[];
}

function summaryCard(deps: DirectoryDeps, record: ServiceListing): ServiceSummary {
  const c = card(record, null, deps.clock.now(), deps.isBankHoliday);
  return { id: c.id, name: c.name, organisationName: c.organisationName, summary: c.summary, phone: c.phone, openLine: c.openLine, access: c.access };
}

/** Active services that may fit a free-text story (any of its words, best first), for the front door's triage. */
export async function suggestServices(deps: DirectoryDeps, input: { text: string; postcode?: string | null; limit?: number }): Promise<ServiceSummary[]> {
  const { hits } = await searchServices(deps.db, { text: input.text, anyWord: true, statuses: ['active'], limit: input.limit ?? 8, offset: 0 });
  const records = await loadServiceListings(deps.db, hits.map((h) => h.id));
  return records.map((r) => summaryCard(deps, r));
}

/** The services with these ids that exist and are running (in the order asked). */
export async function serviceSummaries(deps: DirectoryDeps, ids: readonly string[]): Promise<ServiceSummary[]> {
  const records = await loadServiceListings(deps.db, ids);
  return records.filter((r) => r.status === 'active').map((r) => summaryCard(deps, r));
}
