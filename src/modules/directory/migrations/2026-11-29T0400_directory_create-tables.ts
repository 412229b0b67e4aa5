// The directory's tables, shaped like HSDS 3.0 (Open Referral UK) with HSDS 3.1 service_capacity,
// plus the derived tables search needs: weekly opening slots (for "open now" in SQL) and postcodes.
// Tables are prefixed `directory_` so HSDS names (organisations, locations) never collide with the
// platform's. A directory organisation may link to an alliance organisation (platform_organisation_id):
// that link is what lets a provider admin edit its services.
import type { Kysely } from 'kysely';
import { columnTypes, nowDefault } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);

  await db.schema
    .createTable('directory_organisations')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('website', 'text')
    .addColumn('logo', 'text')
    .addColumn('uri', 'text')
    .addColumn('parent_organisation_id', t.id)
    .addColumn('identifiers', t.json)
    .addColumn('platform_organisation_id', t.id, (c) => c.references('organisations.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .execute();
  await db.schema.createIndex('directory_organisations_platform_idx').on('directory_organisations').column('platform_organisation_id').execute();

  await db.schema
    .createTable('directory_taxonomies')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('uri', 'text')
    .addColumn('version', 'text')
    .execute();

  await db.schema
    .createTable('directory_taxonomy_terms')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('code', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('parent_id', t.id)
    .addColumn('taxonomy_id', t.id)
    .addColumn('taxonomy', 'text')
    .addColumn('term_uri', 'text')
    .addColumn('need_group', 'text')
    .execute();
  await db.schema.createIndex('directory_taxonomy_terms_taxonomy_idx').on('directory_taxonomy_terms').column('taxonomy_id').execute();

  await db.schema
    .createTable('directory_services')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('organisation_id', t.id, (c) => c.notNull().references('directory_organisations.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('alternate_name', 'text')
    .addColumn('description', 'text')
    .addColumn('url', 'text')
    .addColumn('email', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('interpretation_services', 'text')
    .addColumn('application_process', 'text')
    .addColumn('fees_description', 'text')
    .addColumn('wait_time', 'text')
    .addColumn('accreditations', 'text')
    .addColumn('eligibility_description', 'text')
    .addColumn('minimum_age', t.double)
    .addColumn('maximum_age', t.double)
    .addColumn('alert', 'text')
    .addColumn('assured_date', 'text')
    .addColumn('assurer_email', 'text')
    .addColumn('last_modified', t.timestamp, (c) => c.notNull())
    .addColumn('access_self_referral', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('access_front_door', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('access_professional', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('access_mutual', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('accepting_new_referrals', t.flag, (c) => c.notNull().defaultTo(1))
    .addColumn('bank_holidays', 'text', (c) => c.notNull().defaultTo('sunday-hours'))
    .addColumn('is_free', t.flag, (c) => c.notNull().defaultTo(1))
    .addColumn('located', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('complex_hours', t.flag, (c) => c.notNull().defaultTo(0))
    .addColumn('cost_options', t.json)
    .addColumn('funding', t.json)
    .addColumn('archived_at', t.timestamp)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    // SQLite's full-text table is keyed by an integer: this one, stable across VACUUM.
    .addColumn('search_key', 'integer')
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .execute();
  await db.schema.createIndex('directory_services_organisation_idx').on('directory_services').column('organisation_id').execute();
  await db.schema.createIndex('directory_services_last_modified_idx').on('directory_services').column('last_modified').execute();
  await db.schema.createIndex('directory_services_search_key_idx').on('directory_services').column('search_key').unique().execute();
  // No index on status: nearly every service is active, and such an index tempts SQLite's planner
  // away from the selective ones (place box, need, full text).
  // Services with no place (phone, online) are listed after the nearest ones.
  await db.schema.createIndex('directory_services_located_idx').on('directory_services').columns(['located', 'name']).execute();
  // Few services have hours SQL cannot read (monthly, fortnightly); search checks those in code.
  await db.schema.createIndex('directory_services_complex_hours_idx').on('directory_services').columns(['complex_hours', 'status']).execute();

  await db.schema
    .createTable('directory_locations')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('location_type', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('alternate_name', 'text')
    .addColumn('description', 'text')
    .addColumn('transportation', 'text')
    .addColumn('latitude', t.double)
    .addColumn('longitude', t.double)
    .addColumn('external_identifier', 'text')
    .addColumn('external_identifier_type', 'text')
    .addColumn('addresses', t.json)
    .addColumn('accessibility', t.json)
    /** The first physical address's postcode, normalised ("SW9 9SL"), for filters and display. */
    .addColumn('postcode', 'text')
    .execute();
  await db.schema.createIndex('directory_locations_lat_lng_idx').on('directory_locations').columns(['latitude', 'longitude']).execute();

  const child = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('id', t.id, (c) => c.primaryKey())
      .addColumn('service_id', t.id, (c) => c.notNull().references('directory_services.id').onDelete('cascade'));

  await child('directory_service_at_locations')
    .addColumn('location_id', t.id, (c) => c.notNull().references('directory_locations.id'))
    .addColumn('description', 'text')
    .execute();
  await db.schema.createIndex('directory_sal_service_idx').on('directory_service_at_locations').column('service_id').execute();
  await db.schema.createIndex('directory_sal_location_idx').on('directory_service_at_locations').columns(['location_id', 'service_id']).execute();

  await child('directory_schedules')
    .addColumn('service_at_location_id', t.id)
    .addColumn('freq', 'text')
    .addColumn('interval', 'integer')
    .addColumn('byday', 'text')
    .addColumn('bymonthday', 'text')
    .addColumn('dtstart', 'text')
    .addColumn('valid_from', 'text')
    .addColumn('valid_to', 'text')
    .addColumn('opens_at', 'text')
    .addColumn('closes_at', 'text')
    .addColumn('description', 'text')
    .addColumn('attending_type', 'text')
    .addColumn('notes', 'text')
    .addColumn('schedule_link', 'text')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('directory_schedules_service_idx').on('directory_schedules').column('service_id').execute();

  // Derived from WEEKLY/DAILY schedules on every write: one row a day a session touches.
  // day and origin_day: 0 = Monday … 6 = Sunday. A session past midnight gives a second row with
  // spill = 1 on the next day (origin_day is the day it started). Minutes from midnight, London time.
  await db.schema
    .createTable('directory_opening_slots')
    .addColumn('service_id', t.id, (c) => c.notNull().references('directory_services.id').onDelete('cascade'))
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('origin_day', 'integer', (c) => c.notNull())
    .addColumn('spill', t.flag, (c) => c.notNull())
    .addColumn('opens_min', 'integer', (c) => c.notNull())
    .addColumn('closes_min', 'integer', (c) => c.notNull())
    .addColumn('valid_from', 'text')
    .addColumn('valid_to', 'text')
    .addColumn('bank_holidays', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('directory_opening_slots_service_idx').on('directory_opening_slots').columns(['service_id', 'day']).execute();

  await child('directory_contacts')
    .addColumn('name', 'text')
    .addColumn('title', 'text')
    .addColumn('department', 'text')
    .addColumn('email', 'text')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('directory_contacts_service_idx').on('directory_contacts').column('service_id').execute();

  await child('directory_phones')
    .addColumn('contact_id', t.id)
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('extension', 'integer')
    .addColumn('type', 'text')
    .addColumn('description', 'text')
    .addColumn('languages', t.json)
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('directory_phones_service_idx').on('directory_phones').column('service_id').execute();

  await child('directory_languages')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('code', 'text')
    .addColumn('note', 'text')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('directory_languages_service_idx').on('directory_languages').column('service_id').execute();
  await db.schema.createIndex('directory_languages_code_idx').on('directory_languages').columns(['code', 'service_id']).execute();

  await child('directory_service_areas')
    .addColumn('name', 'text')
    .addColumn('description', 'text')
    .addColumn('extent', 'text')
    .addColumn('extent_type', 'text')
    .addColumn('uri', 'text')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('directory_service_areas_service_idx').on('directory_service_areas').column('service_id').execute();

  await child('directory_service_taxonomy_terms')
    .addColumn('taxonomy_term_id', t.id, (c) => c.notNull().references('directory_taxonomy_terms.id'))
    .addColumn('link_type', 'text')
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('directory_stt_service_idx').on('directory_service_taxonomy_terms').column('service_id').execute();
  await db.schema.createIndex('directory_stt_term_idx').on('directory_service_taxonomy_terms').columns(['taxonomy_term_id', 'service_id']).execute();

  await child('directory_service_capacity')
    .addColumn('available', 'integer', (c) => c.notNull())
    .addColumn('maximum', 'integer')
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('updated', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('directory_service_capacity_service_idx').on('directory_service_capacity').column('service_id').execute();

  // Every version of a service, whole, as it was written: "history kept".
  await db.schema
    .createTable('directory_service_history')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('service_id', t.id, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('change', 'text', (c) => c.notNull())
    .addColumn('actor_user_id', t.id)
    .addColumn('recorded_at', t.timestamp, (c) => c.notNull())
    .addColumn('snapshot', t.json, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('directory_service_history_version_idx').on('directory_service_history').columns(['service_id', 'version']).unique().execute();

  // Postcodes (ONSPD / Code-Point Open, or the demo seed) and outcode centroids for partial postcodes.
  await db.schema
    .createTable('postcodes')
    .addColumn('postcode', 'text', (c) => c.primaryKey())
    .addColumn('outcode', 'text', (c) => c.notNull())
    .addColumn('latitude', t.double, (c) => c.notNull())
    .addColumn('longitude', t.double, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('postcodes_outcode_idx').on('postcodes').column('outcode').execute();

  await db.schema
    .createTable('outcode_centroids')
    .addColumn('outcode', 'text', (c) => c.primaryKey())
    .addColumn('latitude', t.double, (c) => c.notNull())
    .addColumn('longitude', t.double, (c) => c.notNull())
    .addColumn('postcodes', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'outcode_centroids',
    'postcodes',
    'directory_service_history',
    'directory_service_capacity',
    'directory_service_taxonomy_terms',
    'directory_service_areas',
    'directory_languages',
    'directory_phones',
    'directory_contacts',
    'directory_opening_slots',
    'directory_schedules',
    'directory_service_at_locations',
    'directory_locations',
    'directory_services',
    'directory_taxonomy_terms',
    'directory_taxonomies',
    'directory_organisations',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
