// Reading an Open Referral UK feed: a JSON file, a folder of JSON files, or an http(s) URL.
// A document may be one object (a service, an organisation, a service_at_location, a taxonomy or a
// term), an array of them, or an ORUK page ({ total_items, total_pages, page_number, size,
// contents }). Over http the pages are followed (`page=2`, `page=3`, …) and, where a `/services`
// page lists services in brief (the ORUK API lists one-to-one fields only), each service is fetched
// in full from `/services/{id}`.
//
// Nested records are unpacked: an organisation's `services` become service items that know their
// organisation, a taxonomy's `taxonomy_terms` become term items that know their taxonomy.
import fs from 'node:fs';
import path from 'node:path';

export type FeedKind = 'service' | 'organization' | 'service_at_location' | 'taxonomy' | 'taxonomy_term';

export interface FeedItem {
  kind: FeedKind;
  /** The record as read (for nested records, without the nested lists that were unpacked). */
  value: Record<string, unknown>;
  /** Where it came from, for the report: "service_full.json", "organization_full.json#/services/0", a URL. */
  source: string;
  /** For a service listed inside an organisation: that organisation (without its services). */
  parentOrganization?: Record<string, unknown>;
  /** For a term listed inside a taxonomy: the taxonomy's id. */
  parentTaxonomyId?: string;
}

/** A document or page that could not be read (not JSON, an http error): reported, and the rest goes on. */
export interface FeedProblem {
  source: string;
  message: string;
}

export interface FeedReadResult {
  items: FeedItem[];
  problems: FeedProblem[];
  /** How many documents (files or http pages) were read. */
  documents: number;
}

export interface FeedReadOptions {
  /** Called as each document or page is read. */
  onDocument?: (source: string, pageNumber: number | null, totalPages: number | null) => void;
  /** At most this many pages of one paged URL (a guard against a feed that never ends). */
  maxPages?: number;
  fetch?: typeof fetch;
  /** Per-request timeout, milliseconds. */
  timeoutMs?: number;
}

type Json = Record<string, unknown>;

const SERVICE_LISTS = ['schedules', 'service_areas', 'service_at_locations', 'languages', 'funding', 'cost_options', 'contacts', 'attributes', 'phones'];

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPage(v: unknown): v is Json & { contents: unknown[] } {
  return isObject(v) && Array.isArray(v.contents);
}

/** A service with none of its lists: a `/services` page entry, to be fetched in full when we can. */
export function isBriefService(v: Json): boolean {
  return !SERVICE_LISTS.some((k) => k in v);
}

/** The kind a file name or URL path names ("service_at_location_list.json", ".../organizations"). */
export function kindFromName(name: string): FeedKind | null {
  const base = name.toLowerCase().replace(/\.json$/, '');
  const last = base.split(/[/\\]/).filter(Boolean).pop() ?? '';
  if (/service_at_location/.test(last)) return 'service_at_location';
  if (/taxonomy_term/.test(last)) return 'taxonomy_term';
  if (/^taxonom/.test(last)) return 'taxonomy';
  if (/^organi[sz]ation/.test(last)) return 'organization';
  if (/^service/.test(last)) return 'service';
  return null;
}

/** The kind of a record from its shape, when the name says nothing. */
export function kindFromShape(v: Json): FeedKind | null {
  if ('location' in v && 'service' in v) return 'service_at_location';
  if ('status' in v || 'service_at_locations' in v || 'schedules' in v || 'organization' in v) return 'service';
  if (Array.isArray(v.taxonomy_terms) || ('version' in v && !('status' in v))) return 'taxonomy';
  if ('term' in v || 'parent_id' in v || 'taxonomy' in v || 'taxonomy_id' in v || 'term_uri' in v) return 'taxonomy_term';
  if (Array.isArray(v.services) || 'organization_identifiers' in v || 'website' in v || 'logo' in v) return 'organization';
  return null;
}

/** Turns one record into items, unpacking nested services and terms. */
function unpack(kind: FeedKind, value: Json, source: string, out: FeedItem[], problems: FeedProblem[]): void {
  if (kind === 'organization' && Array.isArray(value.services)) {
    const { services, ...org } = value;
    out.push({ kind, value: org, source });
    (services as unknown[]).forEach((s, i) => {
      if (isObject(s)) out.push({ kind: 'service', value: s, source: `${source}#/services/${i}`, parentOrganization: org });
      else problems.push({ source: `${source}#/services/${i}`, message: 'is not an object' });
    });
    return;
  }
  if (kind === 'taxonomy' && Array.isArray(value.taxonomy_terms)) {
    const { taxonomy_terms: terms, ...taxonomy } = value;
    out.push({ kind, value: taxonomy, source });
    (terms as unknown[]).forEach((t, i) => {
      const parentTaxonomyId = typeof taxonomy.id === 'string' ? taxonomy.id : undefined;
      if (isObject(t)) out.push({ kind: 'taxonomy_term', value: t, source: `${source}#/taxonomy_terms/${i}`, parentTaxonomyId });
      else problems.push({ source: `${source}#/taxonomy_terms/${i}`, message: 'is not an object' });
    });
    return;
  }
  out.push({ kind, value, source });
}

/** The items of one parsed document (an object, an array, or a page). */
export function itemsOfDocument(doc: unknown, source: string, hint: FeedKind | null): { items: FeedItem[]; problems: FeedProblem[] } {
  const items: FeedItem[] = [];
  const problems: FeedProblem[] = [];
  const list: { value: unknown; at: string }[] = isPage(doc)
    ? doc.contents.map((value, i) => ({ value, at: `${source}#/contents/${i}` }))
    : Array.isArray(doc)
      ? doc.map((value, i) => ({ value, at: `${source}#/${i}` }))
      : [{ value: doc, at: source }];
  for (const { value, at } of list) {
    if (!isObject(value)) {
      problems.push({ source: at, message: 'is not a JSON object' });
      continue;
    }
    const kind = hint ?? kindFromShape(value);
    if (!kind) {
      problems.push({ source: at, message: 'is not a record we can tell the kind of (service, organization, service_at_location, taxonomy or taxonomy_term)' });
      continue;
    }
    unpack(kind, value, at, items, problems);
  }
  return { items, problems };
}

function parseJsonText(text: string, source: string): { ok: true; doc: unknown } | { ok: false; problem: FeedProblem } {
  try {
    return { ok: true, doc: JSON.parse(text) };
  } catch (error) {
    return { ok: false, problem: { source, message: `is not valid JSON (${(error as Error).message.slice(0, 120)})` } };
  }
}

function jsonFilesIn(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsonFilesIn(full));
    else if (entry.isFile() && entry.name.toLowerCase().endsWith('.json')) out.push(full);
  }
  return out.sort();
}

async function readFiles(location: string, options: FeedReadOptions): Promise<FeedReadResult> {
  const stat = fs.statSync(location);
  const files = stat.isDirectory() ? jsonFilesIn(location) : [location];
  const base = stat.isDirectory() ? location : path.dirname(location);
  const result: FeedReadResult = { items: [], problems: [], documents: 0 };
  for (const file of files) {
    const source = path.relative(base, file) || path.basename(file);
    options.onDocument?.(source, null, null);
    result.documents++;
    const parsed = parseJsonText(fs.readFileSync(file, 'utf8'), source);
    if (!parsed.ok) {
      result.problems.push(parsed.problem);
      continue;
    }
    const { items, problems } = itemsOfDocument(parsed.doc, source, kindFromName(path.basename(file)));
    result.items.push(...items);
    result.problems.push(...problems);
  }
  return result;
}

async function getJson(url: string, options: FeedReadOptions): Promise<{ ok: true; doc: unknown } | { ok: false; problem: FeedProblem }> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs ?? 30_000) });
  } catch (error) {
    return { ok: false, problem: { source: url, message: `could not be fetched (${(error as Error).message})` } };
  }
  if (!response.ok) return { ok: false, problem: { source: url, message: `answered HTTP ${response.status}` } };
  return parseJsonText(await response.text(), url);
}

async function readUrl(location: string, options: FeedReadOptions): Promise<FeedReadResult> {
  const result: FeedReadResult = { items: [], problems: [], documents: 0 };
  const start = new URL(location);
  const hint = kindFromName(start.pathname);
  const maxPages = options.maxPages ?? 10_000;
  let url = start;
  const seenPages = new Set<number>();
  for (let n = 0; n < maxPages; n++) {
    const got = await getJson(url.toString(), options);
    result.documents++;
    if (!got.ok) {
      result.problems.push(got.problem);
      break;
    }
    const doc = got.doc;
    const pageNumber = isPage(doc) && typeof doc.page_number === 'number' ? doc.page_number : null;
    const totalPages = isPage(doc) && typeof doc.total_pages === 'number' ? doc.total_pages : null;
    options.onDocument?.(url.toString(), pageNumber, totalPages);
    const { items, problems } = itemsOfDocument(doc, url.toString(), hint);
    result.problems.push(...problems);
    for (const item of items) {
      // A /services page lists services in brief: fetch each in full from /services/{id}.
      if (item.kind === 'service' && hint === 'service' && isBriefService(item.value) && typeof item.value.id === 'string') {
        const full = await getJson(`${start.origin}${start.pathname.replace(/\/$/, '')}/${encodeURIComponent(item.value.id)}`, options);
        if (full.ok && isObject(full.doc)) {
          result.items.push({ ...item, value: full.doc });
          continue;
        }
        if (!full.ok) result.problems.push(full.problem);
      }
      result.items.push(item);
    }
    if (!isPage(doc) || pageNumber == null) break;
    seenPages.add(pageNumber);
    const last = doc.last_page === true || (totalPages != null && pageNumber >= totalPages) || doc.contents.length === 0;
    if (last) break;
    if (seenPages.has(pageNumber + 1)) break;
    url = new URL(url);
    url.searchParams.set('page', String(pageNumber + 1));
  }
  return result;
}

/** Reads every record of a feed. Problems with a document are collected, never thrown. */
export async function readFeed(location: string, options: FeedReadOptions = {}): Promise<FeedReadResult> {
  if (/^https?:\/\//i.test(location)) return readUrl(location, options);
  if (!fs.existsSync(location)) {
    return { items: [], problems: [{ source: location, message: 'does not exist (give a JSON file, a folder of JSON files, or an http(s) URL)' }], documents: 0 };
  }
  return readFiles(location, options);
}
