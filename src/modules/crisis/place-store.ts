// Every query of places and holds (places.ts). Each function takes the database or a transaction.
// The counters on `crisis_places` (held, occupied) change only through the conditional updates
// below, each in the unit of work that writes the hold's own change, so they always equal the holds.
import type { Insertable, Kysely, Selectable } from 'kysely';
import { newId } from '../../platform/db/ids.ts';
import { insertLater } from '../../platform/db/staging.ts';
import type { CrisisPlaceEventsTable, CrisisPlaceHoldsTable, CrisisPlacesTable, DB } from '../../platform/db/tables.ts';

type Db = Kysely<DB>;
export type PlaceKind = CrisisPlacesTable['kind'];
export type HoldStatus = CrisisPlaceHoldsTable['status'];

const PLACE_COLUMNS = [
  'crisis_places.id',
  'crisis_places.name',
  'crisis_places.kind',
  'crisis_places.unit',
  'crisis_places.description',
  'crisis_places.area',
  'crisis_places.team_id',
  'crisis_places.organisation_id',
  'crisis_places.directory_service_id',
  'crisis_places.maximum',
  'crisis_places.held',
  'crisis_places.occupied',
  'crisis_places.opening_hours',
  'crisis_places.hold_hours',
  'crisis_places.status',
  'crisis_places.capacity_updated_at',
  'crisis_places.updated_at',
  'crisis_places.version',
] as const;

export interface PlaceRow {
  id: string;
  name: string;
  kind: PlaceKind;
  unit: string;
  description: string | null;
  area: string | null;
  team_id: string;
  organisation_id: string;
  directory_service_id: string | null;
  maximum: number;
  held: number;
  occupied: number;
  opening_hours: string | null;
  hold_hours: number;
  status: 'active' | 'closed';
  capacity_updated_at: string;
  updated_at: string;
  version: number;
  team_name: string;
}

function placesQuery(db: Db) {
  return db.selectFrom('crisis_places').innerJoin('teams', 'teams.id', 'crisis_places.team_id').select([...PLACE_COLUMNS, 'teams.name as team_name']);
}

export async function placeById(db: Db, id: string): Promise<PlaceRow | undefined> {
  return (await placesQuery(db).where('crisis_places.id', '=', id).executeTakeFirst()) as PlaceRow | undefined;
}

/** Every place (active first, then by name): the board. */
export async function allPlaces(db: Db): Promise<PlaceRow[]> {
  return (await placesQuery(db).orderBy('crisis_places.status').orderBy('crisis_places.name').orderBy('crisis_places.id').execute()) as PlaceRow[];
}

/** Active places of these kinds with room for one more, other than `exceptId`: alternatives to a full place. */
export async function placesWithRoom(db: Db, kinds: readonly PlaceKind[], exceptId: string): Promise<PlaceRow[]> {
  if (kinds.length === 0) return [];
  return (await placesQuery(db)
    .where('crisis_places.status', '=', 'active')
    .where('crisis_places.kind', 'in', [...kinds])
    .where('crisis_places.id', '!=', exceptId)
    .whereRef('crisis_places.maximum', '>', (eb) => eb('crisis_places.held', '+', eb.ref('crisis_places.occupied')))
    .orderBy('crisis_places.name')
    .execute()) as PlaceRow[];
}

export async function insertPlace(tx: Db, row: Insertable<CrisisPlacesTable>): Promise<void> {
  await tx.insertInto('crisis_places').values(row).execute();
}

/** Changes a place's details and maximum, if nobody changed it since `version` and the new maximum leaves room for what is held and occupied. */
export async function updatePlace(
  tx: Db,
  id: string,
  version: number,
  set: Pick<PlaceRow, 'name' | 'kind' | 'unit' | 'description' | 'area' | 'directory_service_id' | 'maximum' | 'opening_hours' | 'hold_hours' | 'status' | 'updated_at' | 'capacity_updated_at'>,
): Promise<CounterRow | undefined> {
  return tx
    .updateTable('crisis_places')
    .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('version', '=', version)
    .where((eb) => eb(eb('held', '+', eb.ref('occupied')), '<=', set.maximum))
    .returning(COUNTER_COLUMNS)
    .executeTakeFirst();
}

// ---- the counters ----

const COUNTER_COLUMNS = ['id', 'name', 'kind', 'unit', 'team_id', 'directory_service_id', 'maximum', 'held', 'occupied', 'hold_hours', 'capacity_updated_at'] as const;
export type CounterRow = Pick<Selectable<CrisisPlacesTable>, (typeof COUNTER_COLUMNS)[number]>;

/**
 * Takes one unit of an active place for a hold, only while held + occupied < maximum: one statement,
 * so two holds can never both take the last place (on PostgreSQL the row lock makes the second
 * re-check the condition after the first commits; on SQLite there is one writer). Undefined when full.
 */
export async function takeForHold(tx: Db, placeId: string, now: string): Promise<CounterRow | undefined> {
  return tx
    .updateTable('crisis_places')
    .set((eb) => ({ held: eb('held', '+', 1), capacity_updated_at: now }))
    .where('id', '=', placeId)
    .where('status', '=', 'active')
    .where((eb) => eb(eb('held', '+', eb.ref('occupied')), '<', eb.ref('maximum')))
    .returning(COUNTER_COLUMNS)
    .executeTakeFirst();
}

/** A held unit becomes occupied (an admission). */
export async function heldToOccupied(tx: Db, placeId: string, now: string): Promise<CounterRow | undefined> {
  return tx
    .updateTable('crisis_places')
    .set((eb) => ({ held: eb('held', '-', 1), occupied: eb('occupied', '+', 1), capacity_updated_at: now }))
    .where('id', '=', placeId)
    .where('held', '>', 0)
    .returning(COUNTER_COLUMNS)
    .executeTakeFirst();
}

/** A held unit is given back (a hold cancelled or expired). */
export async function releaseHeld(tx: Db, placeId: string, now: string): Promise<CounterRow | undefined> {
  return tx
    .updateTable('crisis_places')
    .set((eb) => ({ held: eb('held', '-', 1), capacity_updated_at: now }))
    .where('id', '=', placeId)
    .where('held', '>', 0)
    .returning(COUNTER_COLUMNS)
    .executeTakeFirst();
}

/** An occupied unit is given back (a discharge). */
export async function releaseOccupied(tx: Db, placeId: string, now: string): Promise<CounterRow | undefined> {
  return tx
    .updateTable('crisis_places')
    .set((eb) => ({ occupied: eb('occupied', '-', 1), capacity_updated_at: now }))
    .where('id', '=', placeId)
    .where('occupied', '>', 0)
    .returning(COUNTER_COLUMNS)
    .executeTakeFirst();
}

// ---- holds ----

export type HoldRow = Selectable<CrisisPlaceHoldsTable>;

const HOLD_COLUMNS = [
  'id',
  'place_id',
  'person_id',
  'episode_id',
  'status',
  'team_id',
  'note',
  'held_by',
  'held_at',
  'expires_at',
  'admitted_by',
  'admitted_at',
  'discharged_by',
  'discharged_at',
  'discharge_note',
  'released_by',
  'released_at',
  'release_reason',
  'updated_at',
  'version',
] as const;

/** A new hold: written with its unit's batch (nothing in the batch reads it back). */
export async function insertHold(tx: Db, row: Insertable<CrisisPlaceHoldsTable>): Promise<void> {
  await insertLater(tx, 'crisis_place_holds', row);
}

export async function holdById(db: Db, id: string): Promise<HoldRow | undefined> {
  return db.selectFrom('crisis_place_holds').select(HOLD_COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** A hold with the team that runs its place (who may act on it). */
export async function holdWithPlaceTeam(db: Db, id: string): Promise<(HoldRow & { place_team_id: string }) | undefined> {
  return db
    .selectFrom('crisis_place_holds as h')
    .innerJoin('crisis_places as pl', 'pl.id', 'h.place_id')
    .select(HOLD_COLUMNS.map((c) => `h.${c}` as const))
    .select(['pl.team_id as place_team_id'])
    .where('h.id', '=', id)
    .executeTakeFirst();
}

/**
 * Moves a hold on from the status it must be in, and answers the hold as it is now; undefined when it
 * was no longer in that status (someone else admitted, cancelled or discharged it first, or it expired).
 */
export async function moveHold(tx: Db, id: string, from: HoldStatus, set: Partial<Pick<HoldRow, 'status' | 'admitted_by' | 'admitted_at' | 'discharged_by' | 'discharged_at' | 'discharge_note' | 'released_by' | 'released_at' | 'release_reason' | 'updated_at'>>): Promise<HoldRow | undefined> {
  return tx
    .updateTable('crisis_place_holds')
    .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
    .where('id', '=', id)
    .where('status', '=', from)
    .returning(HOLD_COLUMNS)
    .executeTakeFirst();
}

export interface HoldWithNames extends HoldRow {
  held_by_name: string;
  team_name: string | null;
  given_name: string;
  family_name: string;
}

function holdsWithNames(db: Db) {
  return db
    .selectFrom('crisis_place_holds as h')
    .innerJoin('users as u', 'u.id', 'h.held_by')
    .innerJoin('people as p', 'p.id', 'h.person_id')
    .leftJoin('teams as t', 't.id', 'h.team_id')
    .select(HOLD_COLUMNS.map((c) => `h.${c}` as const))
    .select(['u.display_name as held_by_name', 't.name as team_name', 'p.given_name', 'p.family_name']);
}

/** A place's holds and stays in force (held or admitted), the soonest to expire first. */
export async function currentHoldsAt(db: Db, placeId: string): Promise<HoldWithNames[]> {
  return holdsWithNames(db).where('h.place_id', '=', placeId).where('h.status', 'in', ['held', 'admitted']).orderBy('h.status', 'desc').orderBy('h.expires_at').orderBy('h.id').execute();
}

export async function holdWithNames(db: Db, id: string): Promise<HoldWithNames | undefined> {
  return holdsWithNames(db).where('h.id', '=', id).executeTakeFirst();
}

/** Holds and stays in force of these records (involvement). */
export async function currentHoldsOf(db: Db, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('crisis_place_holds as h')
    .innerJoin('crisis_places as pl', 'pl.id', 'h.place_id')
    .select(['h.id', 'h.person_id', 'h.status', 'h.team_id', 'h.expires_at', 'h.admitted_at', 'pl.name as place_name', 'pl.team_id as place_team_id'])
    .where('h.person_id', 'in', [...personIds])
    .where('h.status', 'in', ['held', 'admitted'])
    .execute();
}

/** Every hold of these records, with the place's name and who acted (the timeline). */
export async function holdsOf(db: Db, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  return db
    .selectFrom('crisis_place_holds as h')
    .innerJoin('crisis_places as pl', 'pl.id', 'h.place_id')
    .innerJoin('users as hb', 'hb.id', 'h.held_by')
    .leftJoin('users as ab', 'ab.id', 'h.admitted_by')
    .leftJoin('users as db', 'db.id', 'h.discharged_by')
    .leftJoin('users as rb', 'rb.id', 'h.released_by')
    .select([
      'h.id',
      'h.person_id',
      'h.status',
      'h.note',
      'h.held_at',
      'h.expires_at',
      'h.admitted_at',
      'h.discharged_at',
      'h.discharge_note',
      'h.released_at',
      'h.release_reason',
      'pl.name as place_name',
      'hb.display_name as held_by_name',
      'ab.display_name as admitted_by_name',
      'db.display_name as discharged_by_name',
      'rb.display_name as released_by_name',
    ])
    .where('h.person_id', 'in', [...personIds])
    .orderBy('h.held_at')
    .execute();
}

// ---- history ----

export async function insertEvent(tx: Db, row: Omit<Insertable<CrisisPlaceEventsTable>, 'id'>): Promise<void> {
  await insertLater(tx, 'crisis_place_events', { id: newId(), ...row });
}

/** A place's history, newest first, with the hold's person and who acted. */
export async function placeEvents(db: Db, placeId: string, limit: number, offset: number) {
  return db
    .selectFrom('crisis_place_events as e')
    .leftJoin('crisis_place_holds as h', 'h.id', 'e.hold_id')
    .leftJoin('people as p', 'p.id', 'h.person_id')
    .leftJoin('users as u', 'u.id', 'e.by_user_id')
    .leftJoin('teams as t', 't.id', 'e.team_id')
    .select([
      'e.id',
      'e.kind',
      'e.at',
      'e.hold_id',
      'e.held_after',
      'e.occupied_after',
      'e.maximum_after',
      'e.note',
      'h.person_id',
      'p.given_name',
      'p.family_name',
      'u.display_name as by_name',
      't.name as team_name',
    ])
    .where('e.place_id', '=', placeId)
    .orderBy('e.at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(limit)
    .offset(offset)
    .execute();
}

export async function countPlaceEvents(db: Db, placeId: string): Promise<number> {
  const row = await db.selectFrom('crisis_place_events').select((eb) => eb.fn.countAll<number>().as('n')).where('place_id', '=', placeId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The teams a user may run places for, by name (the place form's choice). */
export async function teamsByIds(db: Db, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db.selectFrom('teams').select(['id', 'name', 'organisation_id']).where('id', 'in', [...ids]).orderBy('name').execute();
}

/** A person's name, for the hold form. */
export async function personNameOf(db: Db, id: string) {
  return db.selectFrom('people').select(['id', 'given_name', 'family_name']).where('id', '=', id).executeTakeFirst();
}

/** A team's opening hours (JSON), for a place open when its team is. */
export async function teamOpeningHours(db: Db, teamId: string): Promise<string | null> {
  const row = await db.selectFrom('teams').select(['opening_hours']).where('id', '=', teamId).executeTakeFirstOrThrow();
  return row.opening_hours;
}

export async function directoryServiceExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('directory_services').select(['id']).where('id', '=', id).executeTakeFirst()) !== undefined;
}

/** The episode a hold names, to check it is the same person's. */
export async function episodePerson(db: Db, episodeId: string) {
  return db.selectFrom('crisis_episodes').select(['id', 'person_id']).where('id', '=', episodeId).executeTakeFirst();
}

