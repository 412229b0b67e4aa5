// Importing an Open Referral UK feed into the directory (`mutual import oruk`).
//
// 1. Every record is checked against its ORUK schema; a record that fails is reported with the
//    JSON pointer of each failing field and left out. The rest goes on.
// 2. The same organisation, term or service often appears several times in one feed (inside a
//    service, in an organisation's list, in a service_at_location, in a brief list page). So that a
//    second run finds nothing to change, each is settled once per run: an organisation or a term is
//    merged field by field (the fullest copy first), a service is taken from its fullest copy (a
//    full service before one rebuilt from a service_at_location, before a brief list entry).
// 3. Each record is written in its own unit of work (`db.write`): whole, or not at all. The
//    directory's `upsertServiceRecord` compares a hash of the content, so a service that has not
//    changed is reported "unchanged" and its rows are not touched.
import { recordAudit } from '../../platform/access/audit.ts';
import type { Database } from '../../platform/db/database.ts';
import type { Clock } from '../../platform/time/clock.ts';
import type { OrganisationRecord, TaxonomyRecord, TaxonomyTermRecord } from './model.ts';
import { type MappingNote, organisationFromOruk, serviceFromOruk, taxonomyFromOruk, termFromOruk } from './oruk.ts';
import type { FeedItem, FeedKind, FeedProblem, FeedReadResult } from './oruk-feed.ts';
import { isBriefService } from './oruk-feed.ts';
import { findOrganisation } from './oruk-store.ts';
import { type OrukSchemaName, type OrukValidator, type SchemaIssue, orukValidator } from './oruk-validation.ts';
import { listTaxonomies, listTaxonomyTerms, upsertOrganisation, upsertServiceRecord, upsertTaxonomy, upsertTaxonomyTerms } from './store.ts';

type Json = Record<string, unknown>;

export type RecordOutcome = 'created' | 'updated' | 'unchanged' | 'failed' | 'skipped';

export interface RecordResult {
  kind: FeedKind;
  id: string | null;
  source: string;
  outcome: RecordOutcome;
  /** For a failed record: each failing field. */
  issues: SchemaIssue[];
  /** For a skipped record: why. For an imported one: what could not be kept exactly. */
  notes: MappingNote[];
}

export interface ImportReport {
  /** Documents (files, http pages) read. */
  documents: number;
  /** Records read (nested services and terms count on their own), with entries that could not be read. */
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  skipped: number;
  results: RecordResult[];
  /** Documents or entries that could not be read at all. */
  problems: FeedProblem[];
}

export interface ImportDeps {
  db: Database;
  clock: Clock;
  validator?: OrukValidator;
  /** Who runs the import, for the audit trail; the command line by default. */
  actor?: { userId: string | null; role: string };
}

const SCHEMA_OF: Record<FeedKind, OrukSchemaName> = {
  service: 'service',
  organization: 'organization',
  service_at_location: 'serviceAtLocation',
  taxonomy: 'taxonomy',
  taxonomy_term: 'taxonomyTerm',
};

/** Copies of one thing found in the feed, most trusted first once sorted. */
interface Variant<T> {
  value: T;
  priority: number;
  order: number;
  item: FeedItem | null;
}

function byTrust<T>(variants: Variant<T>[]): Variant<T>[] {
  return [...variants].sort((a, b) => b.priority - a.priority || a.order - b.order);
}

/** Field by field: the most trusted copy that has a value for it. */
function mergeFields<T extends object>(variants: Variant<T>[]): T {
  const out: Record<string, unknown> = {};
  for (const v of byTrust(variants)) {
    for (const [k, value] of Object.entries(v.value)) {
      const empty = value === null || value === undefined || (Array.isArray(value) && value.length === 0);
      if (!empty && (out[k] === undefined || out[k] === null || (Array.isArray(out[k]) && (out[k] as unknown[]).length === 0))) out[k] = value;
      else if (!(k in out)) out[k] = value;
    }
  }
  return out as T;
}

function add<T>(map: Map<string, Variant<T>[]>, id: string, variant: Variant<T>): void {
  const list = map.get(id);
  if (list) list.push(variant);
  else map.set(id, [variant]);
}

function sameTerm(a: TaxonomyTermRecord, b: TaxonomyTermRecord): boolean {
  const keys: (keyof TaxonomyTermRecord)[] = ['name', 'description', 'code', 'parentId', 'taxonomyId', 'taxonomy', 'termUri', 'needGroup'];
  return keys.every((k) => (a[k] ?? null) === (b[k] ?? null));
}

function sameTaxonomy(a: TaxonomyRecord, b: TaxonomyRecord): boolean {
  const keys: (keyof TaxonomyRecord)[] = ['name', 'description', 'uri', 'version'];
  return keys.every((k) => (a[k] ?? null) === (b[k] ?? null));
}

/**
 * Whether an organisation already holds these values. Compared here, on parsed values, because on
 * PostgreSQL the identifiers come back from jsonb with their keys reordered, and the store's own
 * text comparison would see a change (and touch updated_at) on every run.
 */
function sameOrganisation(known: OrganisationRecord, org: OrganisationRecord): boolean {
  const keys: (keyof OrganisationRecord)[] = ['name', 'description', 'email', 'website', 'logo', 'uri', 'parentOrganisationId'];
  const ids = (o: OrganisationRecord) =>
    JSON.stringify((o.identifiers ?? []).map((i) => [i.id, i.identifierScheme ?? null, i.identifierType, i.identifier]));
  return keys.every((k) => (known[k] ?? null) === (org[k] ?? null)) && ids(known) === ids(org);
}

/** Keeps, for fields the feed leaves empty, what the directory already knows (a need group, a taxonomy). */
function withKnown(term: TaxonomyTermRecord, known: TaxonomyTermRecord | undefined): TaxonomyTermRecord {
  if (!known) return term;
  const out = { ...term };
  for (const k of ['code', 'parentId', 'taxonomyId', 'taxonomy', 'termUri', 'needGroup'] as const) {
    if (out[k] == null && known[k] != null) (out as Record<string, unknown>)[k] = known[k];
  }
  return out;
}

function failure(message: string): string {
  // Database errors name constraints and ids, never the content of a record.
  return message.split('\n')[0]!.slice(0, 300);
}

/** Imports what a feed reader found. Never throws for a bad record; each is reported. */
export async function importOrukFeed(deps: ImportDeps, feed: FeedReadResult, onProgress?: (done: number, total: number) => void): Promise<ImportReport> {
  const validator = deps.validator ?? orukValidator();
  const now = deps.clock.now();
  const results: RecordResult[] = [];
  const report = (r: Omit<RecordResult, 'issues' | 'notes'> & Partial<Pick<RecordResult, 'issues' | 'notes'>>) => {
    const full = { issues: [], notes: [], ...r };
    results.push(full);
    return full;
  };

  // ---- 1. check each record against its schema ----
  const valid: FeedItem[] = [];
  for (const item of feed.items) {
    const issues = validator.validate(SCHEMA_OF[item.kind], item.value);
    const id = typeof item.value.id === 'string' ? item.value.id : null;
    if (issues.length) report({ kind: item.kind, id, source: item.source, outcome: 'failed', issues });
    else valid.push(item);
  }

  // ---- 2. gather the copies of each thing ----
  const taxonomies = new Map<string, Variant<TaxonomyRecord>[]>();
  const terms = new Map<string, Variant<TaxonomyTermRecord>[]>();
  const orgs = new Map<string, Variant<OrganisationRecord>[]>();
  const services = new Map<string, Variant<{ json: Json; orgId: string | null }>[]>();
  let order = 0;
  const termsOfService = (s: Json, priority: number) => {
    for (const a of Array.isArray(s.attributes) ? (s.attributes as Json[]) : []) {
      const t = a.taxonomy_term as Json | undefined;
      if (t && typeof t === 'object') add(terms, String(t.id), { value: termFromOruk(t), priority, order: order++, item: null });
    }
  };
  const orgOfService = (s: Json, priority: number): string | null => {
    const o = s.organization as Json | undefined;
    if (o && typeof o === 'object') {
      add(orgs, String(o.id), { value: organisationFromOruk(o), priority: priority + ('organization_identifiers' in o ? 1 : 0), order: order++, item: null });
      return String(o.id);
    }
    return typeof s.organization_id === 'string' ? s.organization_id : null;
  };
  for (const item of valid) {
    const v = item.value;
    const id = String(v.id);
    switch (item.kind) {
      case 'taxonomy':
        add(taxonomies, id, { value: taxonomyFromOruk(v), priority: 1, order: order++, item });
        break;
      case 'taxonomy_term':
        add(terms, id, { value: termFromOruk(v, item.parentTaxonomyId), priority: item.parentTaxonomyId ? 4 : 3, order: order++, item });
        break;
      case 'organization':
        add(orgs, id, { value: organisationFromOruk(v), priority: 5 + ('organization_identifiers' in v ? 1 : 0), order: order++, item });
        break;
      case 'service': {
        const full = !isBriefService(v);
        let orgId: string | null;
        if (item.parentOrganization) {
          add(orgs, String(item.parentOrganization.id), { value: organisationFromOruk(item.parentOrganization), priority: 5, order: order++, item: null });
          orgId = String(item.parentOrganization.id);
        } else orgId = orgOfService(v, full ? 3 : 1);
        termsOfService(v, 1);
        add(services, id, { value: { json: v, orgId }, priority: full ? 4 : 1, order: order++, item });
        break;
      }
      case 'service_at_location': {
        const s = v.service as Json | undefined;
        if (!s || typeof s !== 'object') {
          report({ kind: item.kind, id, source: item.source, outcome: 'skipped', notes: [{ pointer: '/service', message: 'has no service to import: a service_at_location is imported as part of its service' }] });
          break;
        }
        const sals = Array.isArray(s.service_at_locations) ? (s.service_at_locations as Json[]) : [];
        const own = { id, location: v.location, ...(v.description ? { description: v.description } : {}) };
        const json = { ...s, service_at_locations: [...sals.filter((x) => x.id !== id), own] };
        const orgId = orgOfService(s, 2);
        termsOfService(s, 1);
        add(services, String(s.id), { value: { json, orgId }, priority: 2, order: order++, item });
        break;
      }
    }
  }

  // What the directory already knows about the terms and taxonomies named in the feed.
  const knownTerms = new Map((await listTaxonomyTerms(deps.db.read, { ids: [...terms.keys()] })).map((t) => [t.id, t]));
  const attributeTermIds = new Set<string>();
  for (const list of services.values())
    for (const v of list)
      for (const a of Array.isArray(v.value.json.attributes) ? (v.value.json.attributes as Json[]) : []) {
        const tid = typeof a.taxonomy_term_id === 'string' ? a.taxonomy_term_id : (a.taxonomy_term as Json | undefined)?.id;
        if (typeof tid === 'string' && !terms.has(tid)) attributeTermIds.add(tid);
      }
  for (const t of await listTaxonomyTerms(deps.db.read, { ids: [...attributeTermIds] })) knownTerms.set(t.id, t);
  const knownTaxonomies = new Map((await listTaxonomies(deps.db.read)).map((t) => [t.id, t as TaxonomyRecord]));

  const mergedTerms = new Map([...terms].map(([id, variants]) => [id, withKnown({ ...mergeFields(variants), id }, knownTerms.get(id))]));
  const mergedOrgs = new Map([...orgs].map(([id, variants]) => [id, { ...mergeFields(variants), id }]));

  // Copies not imported on their own: say so, and where the imported copy came from.
  const skipOthers = <T>(kind: FeedKind, id: string, variants: Variant<T>[], why: string) => {
    const explicit = byTrust(variants).filter((v) => v.item);
    const chosen = explicit[0];
    for (const v of explicit.slice(1)) {
      report({ kind, id, source: v.item!.source, outcome: 'skipped', notes: [{ pointer: '', message: `${why} ${chosen!.item!.source}` }] });
    }
    return chosen;
  };

  // ---- 3. write, one unit of work per record ----
  const units: { run: () => Promise<void> }[] = [];
  for (const [id, variants] of taxonomies) {
    const chosen = skipOthers('taxonomy', id, variants, 'is the same taxonomy as, and merged into,');
    const taxonomy = { ...mergeFields(variants), id };
    units.push({
      run: async () => {
        const known = knownTaxonomies.get(id);
        if (known && sameTaxonomy(known, taxonomy)) {
          report({ kind: 'taxonomy', id, source: chosen!.item!.source, outcome: 'unchanged' });
          return;
        }
        await deps.db.write((tx) => upsertTaxonomy(tx, taxonomy));
        report({ kind: 'taxonomy', id, source: chosen!.item!.source, outcome: known ? 'updated' : 'created' });
      },
    });
  }
  for (const [id, variants] of terms) {
    if (!variants.some((v) => v.item)) continue; // only inside services: written with them
    const chosen = skipOthers('taxonomy_term', id, variants, 'is the same taxonomy term as, and merged into,');
    const term = mergedTerms.get(id)!;
    units.push({
      run: async () => {
        const known = knownTerms.get(id);
        if (known && sameTerm(known, term)) {
          report({ kind: 'taxonomy_term', id, source: chosen!.item!.source, outcome: 'unchanged' });
          return;
        }
        try {
          await deps.db.write((tx) => upsertTaxonomyTerms(tx, [term]));
          report({ kind: 'taxonomy_term', id, source: chosen!.item!.source, outcome: known ? 'updated' : 'created' });
        } catch (error) {
          report({ kind: 'taxonomy_term', id, source: chosen!.item!.source, outcome: 'failed', issues: [{ pointer: '/', message: `could not be saved: ${failure((error as Error).message)}` }] });
        }
      },
    });
  }
  for (const [id, variants] of orgs) {
    if (!variants.some((v) => v.item)) continue; // only inside services: written with them
    const chosen = skipOthers('organization', id, variants, 'is the same organisation as, and merged into,');
    const org = mergedOrgs.get(id)!;
    units.push({
      run: async () => {
        try {
          const known = await findOrganisation(deps.db.read, id);
          if (known && sameOrganisation(known, org)) {
            report({ kind: 'organization', id, source: chosen!.item!.source, outcome: 'unchanged' });
            return;
          }
          const outcome = await deps.db.write((tx) => upsertOrganisation(tx, org, now));
          report({ kind: 'organization', id, source: chosen!.item!.source, outcome });
        } catch (error) {
          report({ kind: 'organization', id, source: chosen!.item!.source, outcome: 'failed', issues: [{ pointer: '/', message: `could not be saved: ${failure((error as Error).message)}` }] });
        }
      },
    });
  }
  for (const [id, variants] of services) {
    const chosen = skipOthers('service', id, variants, 'is a copy of a service imported from');
    const { json, orgId } = chosen!.value;
    const source = chosen!.item!.source;
    const kind = chosen!.item!.kind;
    units.push({
      run: async () => {
        let organisation: OrganisationRecord | undefined = orgId ? mergedOrgs.get(orgId) : undefined;
        if (!organisation && orgId) organisation = await findOrganisation(deps.db.read, orgId);
        if (!organisation) {
          const pointer = kind === 'service_at_location' ? '/service/organization' : '/organization';
          const message = orgId
            ? `names organization ${orgId}, which is neither in the feed nor in the directory`
            : 'is required: give the organization, or the organization_id of one in the feed or the directory';
          report({ kind, id, source, outcome: 'failed', issues: [{ pointer, message }] });
          return;
        }
        const unknownTerm: SchemaIssue[] = [];
        const attrs = Array.isArray(json.attributes) ? (json.attributes as Json[]) : [];
        const { record, notes } = serviceFromOruk(json, {
          organisation,
          now,
          termFor: (termId, given) => {
            const merged = mergedTerms.get(termId);
            if (merged) return merged;
            if (given) return termFromOruk(given);
            if (!knownTerms.has(termId)) {
              const i = attrs.findIndex((a) => a.taxonomy_term_id === termId);
              unknownTerm.push({ pointer: `/attributes/${i}/taxonomy_term_id`, message: 'names a taxonomy term that is neither in the feed nor in the directory' });
            }
            return undefined;
          },
        });
        if (unknownTerm.length) {
          report({ kind, id, source, outcome: 'failed', issues: unknownTerm });
          return;
        }
        try {
          const result = await deps.db.write((tx) => upsertServiceRecord(tx, record, { now, change: 'imported' }));
          report({ kind, id, source, outcome: result.outcome, notes });
        } catch (error) {
          report({ kind, id, source, outcome: 'failed', issues: [{ pointer: '/', message: `could not be saved: ${failure((error as Error).message)}` }], notes });
        }
      },
    });
  }

  let done = 0;
  onProgress?.(0, units.length);
  for (const unit of units) {
    await unit.run();
    onProgress?.(++done, units.length);
  }

  const count = (o: RecordOutcome) => results.filter((r) => r.outcome === o).length;
  const failed = count('failed') + feed.problems.length;
  // One audit event for the run (the records themselves carry their history rows).
  await deps.db.write((tx) =>
    recordAudit(tx, {
      at: deps.clock.now(),
      actorUserId: deps.actor?.userId ?? null,
      actorRole: deps.actor?.role ?? 'cli',
      action: 'directory.oruk.import',
      entityType: 'directory_feed',
      entityId: null,
      purpose: `Open Referral UK import: read ${feed.items.length + feed.problems.length}, created ${count('created')}, updated ${count('updated')}, unchanged ${count('unchanged')}, failed ${failed}, skipped ${count('skipped')}`,
      outcome: failed ? 'failure' : 'success',
    }),
  );
  return {
    documents: feed.documents,
    read: feed.items.length + feed.problems.length,
    created: count('created'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    failed,
    skipped: count('skipped'),
    results,
    problems: feed.problems,
  };
}
