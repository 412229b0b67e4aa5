// The Open Referral UK API (HSDS 3.0 UK profile) at /openreferral: open to anyone, GET only,
// `Access-Control-Allow-Origin: *` so other directories' pages can read it. Every response is an
// ORUK object or page that validates against the published schemas (tested in oruk-routes.test.ts).
// Bad input (an unknown filter, a malformed value, a postcode we cannot place, per_page over 100)
// is an application/problem+json 400 naming the parameter; an unknown id is a 404 problem.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Platform } from '../../platform/context.ts';
import type { DB } from '../../platform/db/tables.ts';
import { type FieldError, fieldErrors, sendProblem, validationProblem } from '../../platform/http/problems.ts';
import type { ServiceRecord } from './model.ts';
import {
  ORUK_PROFILE_URL,
  ORUK_VERSION,
  organisationToOruk,
  organisationWithServicesToOruk,
  serviceAtLocationBriefToOruk,
  serviceBriefToOruk,
  serviceToOruk,
  taxonomyToOruk,
  termToOruk,
} from './oruk.ts';
import { ORUK_PROXIMITY_DEFAULT, PARAMETERS, pageQuerySchema, type ServicesQuery, servicesQuerySchema, termsQuerySchema } from './oruk-schemas.ts';
import {
  findOrganisation,
  type OrukExtraFilters,
  organisationPage,
  PUBLISHED_STATUSES,
  serviceAtLocationPage,
  serviceAtLocationsOf,
  serviceOfServiceAtLocation,
  servicesMatchingExtraFilters,
} from './oruk-store.ts';
import { orukValidator } from './oruk-validation.ts';
import { locate, parsePlace } from './postcodes.ts';
import { listTaxonomies, listTaxonomyTerms, loadServiceFields, loadServiceRecord, loadServiceRecords, type ServiceSearch, searchServices } from './store.ts';

export const orukPaths = {
  root: '/openreferral',
  openapi: '/openreferral/openapi.json',
  services: '/openreferral/services',
  service: '/openreferral/services/:id',
  serviceAtLocations: '/openreferral/service_at_locations',
  serviceAtLocation: '/openreferral/service_at_locations/:id',
  organizations: '/openreferral/organizations',
  organization: '/openreferral/organizations/:id',
  taxonomies: '/openreferral/taxonomies',
  taxonomy: '/openreferral/taxonomies/:id',
  taxonomyTerms: '/openreferral/taxonomy_terms',
  taxonomyTerm: '/openreferral/taxonomy_terms/:id',
} as const;

type Query = Record<string, unknown>;
type Db = Kysely<DB>;

/**
 * The ORUK page envelope around one page of contents. A total that was not counted (more matches than
 * the store counts, `null`) leaves `total_items` and `total_pages` out, as the ORUK OpenAPI `Page`
 * allows (it requires none of its fields), rather than giving a number that is not the total;
 * `last_page` then says whether another page follows (`more`).
 */
export function orukPage<T>(contents: T[], total: number | null, page: number, perPage: number, more = false) {
  const totalPages = total === null ? null : Math.ceil(total / perPage);
  return {
    ...(total === null ? {} : { total_items: total, total_pages: totalPages }),
    page_number: page,
    size: contents.length,
    first_page: page === 1,
    last_page: totalPages === null ? !more : page >= totalPages,
    empty: contents.length === 0,
    contents,
  };
}

/** Parses a query against a schema after refusing parameters the endpoint does not know or that were given twice. */
function parseQuery<S extends z.ZodType>(schema: S, known: string[], query: Query): { ok: true; data: z.output<S> } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (!known.includes(key)) errors.push({ field: key.slice(0, 40), message: `There is no parameter called ${key.slice(0, 40)} here${known.length ? `; use ${known.join(', ')}` : ''}` });
    else if (Array.isArray(value)) errors.push({ field: key, message: `${key} must be given once` });
  }
  if (errors.length) return { ok: false, errors };
  const result = schema.safeParse(query);
  return result.success ? { ok: true, data: result.data } : { ok: false, errors: fieldErrors(result.error) };
}

function notFound(reply: FastifyReply, request: FastifyRequest, what: string) {
  return sendProblem(reply, { title: `${what} not found`, status: 404, detail: `There is no ${what.toLowerCase()} with that id.`, instance: request.url });
}

/** The search a services query asks for, or the field errors it has. Empty `termIds` means nothing can match. */
async function serviceSearch(db: Db, q: ServicesQuery): Promise<{ ok: true; search: Omit<ServiceSearch, 'limit' | 'offset'>; extra: OrukExtraFilters | null; none: boolean } | { ok: false; errors: FieldError[] }> {
  const search: Omit<ServiceSearch, 'limit' | 'offset'> = { text: q.text ?? q.search, statuses: PUBLISHED_STATUSES };
  let none = false;
  if (q.taxonomy_id) {
    const termIds = (await listTaxonomyTerms(db, { taxonomyId: q.taxonomy_id })).map((t) => t.id);
    search.termIds = q.taxonomy_term_id ? termIds.filter((t) => t === q.taxonomy_term_id) : termIds;
    none = search.termIds.length === 0;
  } else if (q.taxonomy_term_id) search.termIds = [q.taxonomy_term_id];
  if (q.organization_id) search.organisationIds = [q.organization_id];
  // ORUK: "modified on or after"; the store compares strictly.
  if (q.modified_after) search.modifiedAfter = new Date(q.modified_after.getTime() - 1).toISOString();
  if (q.postcode) {
    const parsed = parsePlace(q.postcode);
    if (!parsed) return { ok: false, errors: [{ field: 'postcode', message: 'postcode must be a UK postcode, like SW9 9SL, or the first part, like SW9' }] };
    const found = await locate(db, parsed);
    if (!found.found) return { ok: false, errors: [{ field: 'postcode', message: `We do not know where ${found.label} is; try the first part of the postcode, like SW9` }] };
    search.near = { latitude: found.place.latitude, longitude: found.place.longitude, radiusKm: (q.proximity ?? ORUK_PROXIMITY_DEFAULT) / 1000 };
  }
  const session = q.day != null || q.start_time != null || q.end_time != null ? { day: q.day, startMin: q.start_time, endMin: q.end_time } : undefined;
  const extra: OrukExtraFilters | null =
    q.minimum_age != null || q.maximum_age != null || session ? { minimumAgeAtLeast: q.minimum_age, maximumAgeAtMost: q.maximum_age, session } : null;
  return { ok: true, search, extra, none };
}

/** One page of service ids for a services query (searching everything and intersecting when ORUK-only filters are given). */
async function servicePageIds(db: Db, q: ServicesQuery, search: Omit<ServiceSearch, 'limit' | 'offset'>, extra: OrukExtraFilters | null) {
  const offset = (q.page - 1) * q.per_page;
  if (!extra) {
    const { total, more, hits } = await searchServices(db, { ...search, limit: q.per_page, offset });
    return { total, more, ids: hits.map((h) => h.id) };
  }
  const all = await allMatchingIds(db, search, extra);
  return { total: all.length, more: offset + q.per_page < all.length, ids: all.slice(offset, offset + q.per_page) };
}

async function allMatchingIds(db: Db, search: Omit<ServiceSearch, 'limit' | 'offset'>, extra: OrukExtraFilters | null): Promise<string[]> {
  const [{ hits }, allowed] = await Promise.all([
    searchServices(db, { ...search, limit: Number.MAX_SAFE_INTEGER, offset: 0 }),
    extra ? servicesMatchingExtraFilters(db, extra) : Promise.resolve(null),
  ]);
  const ids = hits.map((h) => h.id);
  return allowed ? ids.filter((id) => allowed.has(id)) : ids;
}

function hasFilters(q: ServicesQuery): boolean {
  return Object.entries(q).some(([k, v]) => k !== 'page' && k !== 'per_page' && v !== undefined);
}

/** The route of a path inside the /openreferral prefix. */
const at = (path: string) => path.slice(orukPaths.root.length) || '/';

/** Registers the API under /openreferral, in its own context (its not-found answer and CORS header stay inside it). */
export default async function orukApi(app: FastifyInstance, opts: { platform: Platform }) {
  await app.register(async (api) => orukRoutes(api, opts.platform), { prefix: orukPaths.root });
}

async function orukRoutes(app: FastifyInstance, platform: Platform) {
  const db = platform.db.read;
  const json = (reply: FastifyReply, body: unknown) => reply.type('application/json; charset=utf-8').send(body);
  const problem = (reply: FastifyReply, request: FastifyRequest, errors: FieldError[]) => validationProblem(reply, errors, request.url);
  const open = { config: { public: true } } as const;

  // Open data: any page may read it (CORS), problems and not-found answers included.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('access-control-allow-origin', '*');
    return payload;
  });
  app.setNotFoundHandler(async (request, reply) => {
    reply.header('access-control-allow-origin', '*');
    return sendProblem(reply, { title: 'Not found', status: 404, detail: 'The Open Referral UK API has no such endpoint; see /openreferral/openapi.json.', instance: request.url });
  });

  // What this API is: HSDS version, profile, and where its OpenAPI description is.
  app.get(at(orukPaths.root), open, async (request, reply) => {
    const parsed = parseQuery(pageQuerySchema, PARAMETERS.none, request.query as Query);
    if (!parsed.ok) return problem(reply, request, parsed.errors);
    return json(reply, { version: ORUK_VERSION, profile: ORUK_PROFILE_URL, openapi_url: `${platform.config.publicUrl}${orukPaths.openapi}` });
  });

  // The shipped ORUK OpenAPI description, as published.
  app.get(at(orukPaths.openapi), open, async (_request, reply) => json(reply, orukValidator().openApiText()));

  // Services, a page at a time, with the ORUK filters.
  app.get(at(orukPaths.services), open, async (request, reply) => {
    const parsed = parseQuery(servicesQuerySchema, PARAMETERS.services, request.query as Query);
    if (!parsed.ok) return problem(reply, request, parsed.errors);
    const q = parsed.data;
    const built = await serviceSearch(db, q);
    if (!built.ok) return problem(reply, request, built.errors);
    const { total, more, ids } = built.none ? { total: 0, more: false, ids: [] } : await servicePageIds(db, q, built.search, built.extra);
    // A page in brief: the services' own fields and organisations, one query for the whole page.
    const services = await loadServiceFields(db, ids);
    return json(reply, orukPage(services.map(serviceBriefToOruk), total, q.page, q.per_page, more));
  });

  // One service, fully nested.
  app.get(at(orukPaths.service), open, async (request, reply) => {
    const parsed = parseQuery(pageQuerySchema, PARAMETERS.none, request.query as Query);
    if (!parsed.ok) return problem(reply, request, parsed.errors);
    const record = await loadServiceRecord(db, (request.params as { id: string }).id);
    if (!record) return notFound(reply, request, 'Service');
    return json(reply, serviceToOruk(record));
  });

  // Where services are delivered: one entry per service and location.
  app.get(at(orukPaths.serviceAtLocations), open, async (request, reply) => {
    const parsed = parseQuery(servicesQuerySchema, PARAMETERS.services, request.query as Query);
    if (!parsed.ok) return problem(reply, request, parsed.errors);
    const q = parsed.data;
    const offset = (q.page - 1) * q.per_page;
    let total: number | null;
    let more = false;
    let rows: { id: string; serviceId: string }[];
    if (!hasFilters(q)) ({ total, more, rows } = await serviceAtLocationPage(db, { limit: q.per_page, offset }));
    else {
      const built = await serviceSearch(db, q);
      if (!built.ok) return problem(reply, request, built.errors);
      const all = built.none ? [] : await serviceAtLocationsOf(db, await allMatchingIds(db, built.search, built.extra));
      total = all.length;
      rows = all.slice(offset, offset + q.per_page);
    }
    const records = new Map((await loadServiceRecords(db, [...new Set(rows.map((r) => r.serviceId))])).map((r) => [r.id, r]));
    const contents = rows.flatMap((row) => {
      const record = records.get(row.serviceId);
      const sal = record?.serviceAtLocations.find((s) => s.id === row.id);
      return record && sal ? [serviceAtLocationBriefToOruk(record, sal)] : [];
    });
    return json(reply, orukPage(contents, total, q.page, q.per_page, more));
  });

  // One service_at_location: the location in full, with its service.
  app.get(at(orukPaths.serviceAtLocation), open, async (request, reply) => {
    const parsed = parseQuery(pageQuerySchema, PARAMETERS.none, request.query as Query);
    if (!parsed.ok) return problem(reply, request, parsed.errors);
    const id = (request.params as { id: string }).id;
    const serviceId = await serviceOfServiceAtLocation(db, id);
    const record = serviceId ? await loadServiceRecord(db, serviceId) : null;
    const sal = record?.serviceAtLocations.find((s) => s.id === id);
    if (!record || !sal) return notFound(reply, request, 'Service at location');
    const service = serviceToOruk(record) as Record<string, unknown>;
    const full = serviceAtLocationBriefToOruk(record, sal);
    return json(reply, { ...full, location: (service.service_at_locations as { id: string; location: unknown }[]).find((s) => s.id === id)!.location, service });
  });

  // Organisations, a page at a time (one-to-one fields).
  app.get(at(orukPaths.organizations), open, async (request, reply) => {
    const parsed = parseQuery(pageQuerySchema, PARAMETERS.page, request.query as Query);
    if (!parsed.ok) return problem(reply, request, parsed.errors);
    const { page, per_page } = parsed.data;
    const { total, organisations } = await organisationPage(db, { limit: per_page, offset: (page - 1) * per_page });
    return json(reply, orukPage(organisations.map((o) => organisationToOruk(o, true)), total, page, per_page));
  });

  // One organisation with its services, fully nested.
  app.get(at(orukPaths.organization), open, async (request, reply) => {
    const parsed = parseQuery(pageQuerySchema, PARAMETERS.none, request.query as Query);
    if (!parsed.ok) return problem(reply, request, parsed.errors);
    const organisation = await findOrganisation(db, (request.params as { id: string }).id);
    if (!organisation) return notFound(reply, request, 'Organization');
    const { hits } = await searchServices(db, { organisationIds: [organisation.id], statuses: PUBLISHED_STATUSES, limit: Number.MAX_SAFE_INTEGER, offset: 0 });
    const services: ServiceRecord[] = await loadServiceRecords(db, hits.map((h) => h.id));
    return json(reply, organisationWithServicesToOruk(organisation, services));
  });

  // Taxonomies, a page at a time.
  app.get(at(orukPaths.taxonomies), open, async (request, reply) => {
    const parsed = parseQuery(pageQuerySchema, PARAMETERS.page, request.query as Query);
    if (!parsed.ok) return problem(reply, request, parsed.errors);
    const { page, per_page } = parsed.data;
    const all = await listTaxonomies(db);
    const start = (page - 1) * per_page;
    return json(reply, orukPage(all.slice(start, start + per_page).map(taxonomyToOruk), all.length, page, per_page));
  });

  // One taxonomy with its terms.
  app.get(at(orukPaths.taxonomy), open, async (request, reply) => {
    const parsed = parseQuery(pageQuerySchema, PARAMETERS.none, request.query as Query);
    if (!parsed.ok) return problem(reply, request, parsed.errors);
    const id = (request.params as { id: string }).id;
    const taxonomy = (await listTaxonomies(db)).find((t) => t.id === id);
    if (!taxonomy) return notFound(reply, request, 'Taxonomy');
    const terms = await listTaxonomyTerms(db, { taxonomyId: id });
    return json(reply, { ...taxonomyToOruk(taxonomy), taxonomy_terms: terms.map(termToOruk) });
  });

  // Taxonomy terms, a page at a time; `taxonomy_id` narrows to one taxonomy.
  app.get(at(orukPaths.taxonomyTerms), open, async (request, reply) => {
    const parsed = parseQuery(termsQuerySchema, PARAMETERS.terms, request.query as Query);
    if (!parsed.ok) return problem(reply, request, parsed.errors);
    const { page, per_page, taxonomy_id } = parsed.data;
    const all = await listTaxonomyTerms(db, taxonomy_id ? { taxonomyId: taxonomy_id } : {});
    const start = (page - 1) * per_page;
    return json(reply, orukPage(all.slice(start, start + per_page).map(termToOruk), all.length, page, per_page));
  });

  // One taxonomy term.
  app.get(at(orukPaths.taxonomyTerm), open, async (request, reply) => {
    const parsed = parseQuery(pageQuerySchema, PARAMETERS.none, request.query as Query);
    if (!parsed.ok) return problem(reply, request, parsed.errors);
    const [term] = await listTaxonomyTerms(db, { ids: [(request.params as { id: string }).id] });
    if (!term) return notFound(reply, request, 'Taxonomy term');
    return json(reply, termToOruk(term));
  });
}
