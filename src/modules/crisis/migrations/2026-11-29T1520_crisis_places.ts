// Places: alternatives to admission (issue 6, item 3).
// - `crisis_places`: a crisis house's beds, a sanctuary's places, a crisis café's seats, respite, home
//   treatment slots. `maximum` is the capacity; `held` and `occupied` are counters kept by the code in
//   the same unit of work as each hold, admission, discharge and release, so "is there room?" is one
//   conditional UPDATE (`… where held + occupied < maximum`) that cannot overbook under concurrency on
//   either engine. The CHECK backs it: the database itself refuses a row with more held and occupied
//   than the maximum. `directory_service_id` links the place to its directory service, whose HSDS 3.1
//   capacity row the code keeps in step. `opening_hours` is the platform's OpeningHours JSON (null: 24/7).
// - `crisis_place_holds`: a hold for a named person, then (maybe) their admission and discharge, or the
//   hold's release (cancelled, or expired by its timer). Never deleted: the occupancy history.
// - `crisis_place_events`: the place's occupancy history, append-only: each hold, admission,
//   discharge, release and capacity change, with the counters after it.
import { expressionBuilder, type Kysely } from 'kysely';
import { columnTypes, nowDefault, oneOf, requiredWith } from '../../../platform/db/dialect/types.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen in time.
export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  const eb = expressionBuilder<any, any>();
  await db.schema
    .createTable('crisis_places')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('area', 'text')
    .addColumn('team_id', t.id, (c) => c.notNull().references('teams.id'))
    .addColumn('organisation_id', t.id, (c) => c.notNull().references('organisations.id'))
    .addColumn('directory_service_id', t.id, (c) => c.references('directory_services.id'))
    .addColumn('maximum', 'integer', (c) => c.notNull())
    .addColumn('held', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('occupied', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('opening_hours', t.json)
    .addColumn('hold_hours', 'integer', (c) => c.notNull().defaultTo(2))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('capacity_updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull().defaultTo(nowDefault(db)))
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('crisis_places_kind', oneOf('kind', ['crisis-house', 'sanctuary', 'crisis-cafe', 'respite', 'home-treatment']))
    .addCheckConstraint('crisis_places_status', oneOf('status', ['active', 'closed']))
    .addCheckConstraint(
      'crisis_places_never_overbooked',
      eb.and([eb('held', '>=', eb.lit(0)), eb('occupied', '>=', eb.lit(0)), eb(eb('held', '+', eb.ref('occupied')), '<=', eb.ref('maximum'))]),
    )
    .addCheckConstraint('crisis_places_hold_hours', eb.and([eb('hold_hours', '>=', eb.lit(1)), eb('hold_hours', '<=', eb.lit(72))]))
    .execute();
  await db.schema.createIndex('crisis_places_board_idx').on('crisis_places').columns(['status', 'kind', 'name']).execute();
  await db.schema.createIndex('crisis_places_team_idx').on('crisis_places').columns(['team_id']).execute();
  await db.schema.createIndex('crisis_places_service_idx').on('crisis_places').columns(['directory_service_id']).execute();

  await db.schema
    .createTable('crisis_place_holds')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('place_id', t.id, (c) => c.notNull().references('crisis_places.id'))
    .addColumn('person_id', t.id, (c) => c.notNull().references('people.id'))
    // The crisis episode the hold is part of, when it came from one.
    .addColumn('episode_id', t.id, (c) => c.references('crisis_episodes.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    // The team that holds the place for the person (the follow-up after discharge is theirs).
    .addColumn('team_id', t.id, (c) => c.references('teams.id'))
    .addColumn('note', 'text')
    .addColumn('held_by', t.id, (c) => c.notNull().references('users.id'))
    .addColumn('held_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('admitted_by', t.id, (c) => c.references('users.id'))
    .addColumn('admitted_at', t.timestamp)
    .addColumn('discharged_by', t.id, (c) => c.references('users.id'))
    .addColumn('discharged_at', t.timestamp)
    .addColumn('discharge_note', 'text')
    // A hold released without an admission: cancelled by someone (with a reason) or expired (the timer).
    .addColumn('released_by', t.id, (c) => c.references('users.id'))
    .addColumn('released_at', t.timestamp)
    .addColumn('release_reason', 'text')
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addCheckConstraint('crisis_place_holds_status', oneOf('status', ['held', 'admitted', 'discharged', 'cancelled', 'expired']))
    .addCheckConstraint('crisis_place_holds_admitted_has_by', requiredWith('admitted_at', 'admitted_by'))
    .addCheckConstraint('crisis_place_holds_discharged_has_by', requiredWith('discharged_at', 'discharged_by'))
    .addCheckConstraint('crisis_place_holds_released_has_reason', requiredWith('released_at', 'release_reason'))
    .execute();
  // A place's holds and stays now (the place page), a person's holds (involvement, timeline), expiry checks.
  await db.schema.createIndex('crisis_place_holds_place_idx').on('crisis_place_holds').columns(['place_id', 'status']).execute();
  await db.schema.createIndex('crisis_place_holds_person_idx').on('crisis_place_holds').columns(['person_id', 'status']).execute();
  await db.schema.createIndex('crisis_place_holds_episode_idx').on('crisis_place_holds').column('episode_id').execute();

  await db.schema
    .createTable('crisis_place_events')
    .addColumn('id', t.id, (c) => c.primaryKey())
    .addColumn('place_id', t.id, (c) => c.notNull().references('crisis_places.id'))
    .addColumn('hold_id', t.id, (c) => c.references('crisis_place_holds.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .addColumn('by_user_id', t.id, (c) => c.references('users.id'))
    .addColumn('team_id', t.id, (c) => c.references('teams.id'))
    .addColumn('held_after', 'integer', (c) => c.notNull())
    .addColumn('occupied_after', 'integer', (c) => c.notNull())
    .addColumn('maximum_after', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    .addCheckConstraint('crisis_place_events_kind', oneOf('kind', ['opened', 'changed', 'hold', 'admit', 'discharge', 'cancel', 'expire']))
    .execute();
  await db.schema.createIndex('crisis_place_events_place_idx').on('crisis_place_events').columns(['place_id', 'at']).execute();
  await db.schema.createIndex('crisis_place_events_hold_idx').on('crisis_place_events').column('hold_id').execute();
}

// biome-ignore lint/suspicious/noExplicitAny: see above.
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('crisis_place_events').execute();
  await db.schema.dropTable('crisis_place_holds').execute();
  await db.schema.dropTable('crisis_places').execute();
}
