// Queries the Open Referral UK import and API need beyond the directory's store (store.ts): reading
// an organisation on its own, paging organisations and service_at_locations, and the ORUK filters
// whose meaning differs from Mutual's search (ages as a range, sessions within a time window).
// Each function takes the database or a transaction first. Everything else goes through store.ts.
import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/tables.ts';
import type { OrganisationRecord, ServiceStatus } from './model.ts';
import { COUNT_LIMIT, ORGANISATION_COLUMNS, organisationFromRow } from './store.ts';

type Db = Kysely<DB>;

/** The statuses the ORUK API publishes: as the directory's search (archived services are inactive). */
export const PUBLISHED_STATUSES: ServiceStatus[] = ['active', 'temporarily closed'];

/** An organisation of the directory by id. */
export async function findOrganisation(db: Db, id: string): Promise<OrganisationRecord | undefined> {
  const row = await db.selectFrom('directory_organisations').select(ORGANISATION_COLUMNS).where('id', '=', id).executeTakeFirst();
  return row ? organisationFromRow(row) : undefined;
}

/** Organisations by name, a page at a time. */
export async function organisationPage(db: Db, page: { limit: number; offset: number }): Promise<{ total: number; organisations: OrganisationRecord[] }> {
  const count = await db.selectFrom('directory_organisations').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await db.selectFrom('directory_organisations').select(ORGANISATION_COLUMNS).orderBy('name').orderBy('id').limit(page.limit).offset(page.offset).execute();
  return { total: Number(count.n), organisations: rows.map(organisationFromRow) };
}

/** Taxonomy ids that exist, of those given. */
export async function existingTaxonomyIds(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db.selectFrom('directory_taxonomies').select(['id']).where('id', 'in', [...ids]).execute();
  return new Set(rows.map((r) => r.id));
}

/**
 * service_at_location rows of published services, ordered by service name: a page, unfiltered. The
 * total is counted no further than COUNT_LIMIT (`null` past it), as searches do; `more` says whether
 * a next page exists.
 */
export async function serviceAtLocationPage(
  db: Db,
  page: { limit: number; offset: number },
): Promise<{ total: number | null; more: boolean; rows: { id: string; serviceId: string }[] }> {
  const base = db
    .selectFrom('directory_service_at_locations as sal')
    .innerJoin('directory_services as s', 's.id', 'sal.service_id')
    .where('s.status', 'in', PUBLISHED_STATUSES);
  const found = await base
    .select(['sal.id', 'sal.service_id'])
    .orderBy('s.name')
    .orderBy('s.id')
    .orderBy('sal.id')
    .limit(page.limit + 1)
    .offset(page.offset)
    .execute();
  const more = found.length > page.limit;
  const rows = found.slice(0, page.limit).map((r) => ({ id: r.id, serviceId: r.service_id }));
  let total: number | null;
  if (!more && (rows.length > 0 || page.offset === 0)) total = page.offset + rows.length;
  else {
    const counted = await db
      .selectFrom(base.select('sal.id').limit(COUNT_LIMIT + 1).as('found'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    total = Number(counted.n);
  }
  return { total: total > COUNT_LIMIT ? null : total, more, rows };
}

/** service_at_location ids of the given services, in the services' order. */
export async function serviceAtLocationsOf(db: Db, serviceIds: readonly string[]): Promise<{ id: string; serviceId: string }[]> {
  if (serviceIds.length === 0) return [];
  const out: { id: string; service_id: string }[] = [];
  const CHUNK = 1000;
  for (let i = 0; i < serviceIds.length; i += CHUNK) {
    out.push(
      ...(await db
        .selectFrom('directory_service_at_locations')
        .select(['id', 'service_id'])
        .where('service_id', 'in', serviceIds.slice(i, i + CHUNK))
        .execute()),
    );
  }
  const order = new Map(serviceIds.map((id, i) => [id, i]));
  return out
    .sort((a, b) => order.get(a.service_id)! - order.get(b.service_id)! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => ({ id: r.id, serviceId: r.service_id }));
}

/** The service a service_at_location belongs to, if it is published. */
export async function serviceOfServiceAtLocation(db: Db, id: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('directory_service_at_locations as sal')
    .innerJoin('directory_services as s', 's.id', 'sal.service_id')
    .select(['sal.service_id'])
    .where('sal.id', '=', id)
    .where('s.status', 'in', PUBLISHED_STATUSES)
    .executeTakeFirst();
  return row?.service_id;
}

/**
 * The ORUK filters Mutual's search does not answer, in the profile's own words:
 * - `minimum_age`: services whose minimum age is at least the value;
 * - `maximum_age`: services whose maximum age is at most the value;
 * - `day`, `start_time`, `end_time`: services with a session on that day (0 = Monday) that starts at
 *   or after start_time and ends at or before end_time (minutes from midnight). Sessions are read
 *   from the opening slots (weekly and daily schedules); monthly and fortnightly ones are not seen.
 */
export interface OrukExtraFilters {
  minimumAgeAtLeast?: number;
  maximumAgeAtMost?: number;
  session?: { day?: number; startMin?: number; endMin?: number };
}

/** Ids of published services matching the extra filters (to intersect with a search). */
export async function servicesMatchingExtraFilters(db: Db, f: OrukExtraFilters): Promise<Set<string>> {
  let q = db.selectFrom('directory_services').select(['directory_services.id']).where('directory_services.status', 'in', PUBLISHED_STATUSES);
  if (f.minimumAgeAtLeast != null) q = q.where('directory_services.minimum_age', '>=', f.minimumAgeAtLeast);
  if (f.maximumAgeAtMost != null) q = q.where('directory_services.maximum_age', '<=', f.maximumAgeAtMost);
  const session = f.session;
  if (session) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('directory_opening_slots as slot')
          .select('slot.service_id')
          .whereRef('slot.service_id', '=', 'directory_services.id')
          .where('slot.spill', '=', 0)
          .$if(session.day != null, (sq) => sq.where('slot.day', '=', session.day!))
          .$if(session.startMin != null, (sq) => sq.where('slot.opens_min', '>=', session.startMin!))
          .$if(session.endMin != null, (sq) => sq.where('slot.closes_min', '<=', session.endMin!)),
      ),
    );
  }
  return new Set((await q.execute()).map((r) => r.id));
}
