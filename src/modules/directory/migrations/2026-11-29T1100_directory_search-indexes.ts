// Indexes for searching 100,000 services (issue 3's speed criteria, measured by `npm run bench`).
// A search near a place reads every location in a box around it (about 700 within 5 miles of
// Brixton at that size), then each one's service and opening hours. With these, each of those reads
// is found in an index alone, without reading the table row (on SQLite, whose service rows are wide:
// the place search took 5.3 ms of CPU before, 2.9 ms after):
// - locations by (latitude, longitude) with their type and id: replaces the (latitude, longitude) index;
// - services by id with the status, name and full-text key a search checks;
// - opening slots by service with every column the "open at" test reads: replaces (service_id, day),
//   and still serves the cascade from services;
// - languages by (code, name): the search form lists the languages services speak by skipping from
//   one code to the next (store.ts spokenLanguages) instead of grouping every service's languages
//   (100 ms a search at 100,000 services).
import type { Kysely } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('directory_locations_place_idx').on('directory_locations').columns(['latitude', 'longitude', 'location_type', 'id']).execute();
  await db.schema.dropIndex('directory_locations_lat_lng_idx').execute();
  await db.schema.createIndex('directory_services_search_idx').on('directory_services').columns(['id', 'status', 'name', 'search_key']).execute();
  await db.schema
    .createIndex('directory_opening_slots_open_idx')
    .on('directory_opening_slots')
    .columns(['service_id', 'day', 'spill', 'opens_min', 'closes_min', 'origin_day', 'valid_from', 'valid_to', 'bank_holidays'])
    .execute();
  await db.schema.dropIndex('directory_opening_slots_service_idx').execute();
  await db.schema.createIndex('directory_languages_code_name_idx').on('directory_languages').columns(['code', 'name']).execute();
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('directory_languages_code_name_idx').execute();
  await db.schema.createIndex('directory_opening_slots_service_idx').on('directory_opening_slots').columns(['service_id', 'day']).execute();
  await db.schema.dropIndex('directory_opening_slots_open_idx').execute();
  await db.schema.dropIndex('directory_services_search_idx').execute();
  await db.schema.createIndex('directory_locations_lat_lng_idx').on('directory_locations').columns(['latitude', 'longitude']).execute();
  await db.schema.dropIndex('directory_locations_place_idx').execute();
}
