// Places: alternatives to admission (issue 6, item 3). Crisis house beds, sanctuary places, crisis café
// seats, respite and home treatment slots, each with its capacity (HSDS 3.1: available, maximum, unit,
// updated) kept in step with the directory service it is linked to, and opening hours (the platform's
// OpeningHours). Holds for a named person expire (a durable timer releases them); a hold becomes an
// admission, an admission a discharge (which schedules the 72-hour follow-up for a crisis house or a
// sanctuary). Every hold, admission, discharge and release is kept: the place's occupancy history.
//
// Never overbooked: a hold takes a unit with one conditional UPDATE of the place's counters (`held + 1
// where held + occupied < maximum`, place-store.ts) in the same unit of work as the hold's row, and a
// CHECK constraint refuses anything else. A hold on a full place is refused with the places of a
// suitable kind that have room and are open now.
//
// Access: the board (counts only) is for every team with `crisis:board:read`. A person is named on a
// page only to someone who may see them (the people module's `accessTo`): their team is involved, or
// break glass. Holding a place, admitting, discharging and cancelling need `people:write` access to the
// person. Holds and stays make the team that holds and the team that runs the place involved with the
// person (placesPersonSource). Every view and change of a person's hold is audited with their id.
import type { Kysely } from 'kysely';
import { recordAudit } from '../../platform/access/audit.ts';
import { type Actor, GRANTS, type Membership, teamsWhere } from '../../platform/access/policy.ts';
import type { Platform } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/database.ts';
import { newId, toJson } from '../../platform/db/ids.ts';
import type { DB } from '../../platform/db/tables.ts';
import { ConflictError, InputError, NotFoundError } from '../../platform/http/problems.ts';
import { publishLiveEvent } from '../../platform/realtime/publish.ts';
import { cancelTimers, scheduleNewTimer } from '../../platform/jobs/timers.ts';
import { isOpenAt, londonDate, nextClosing, nextOpening, type OpeningHours, openingHoursFromJson } from '../../platform/time/calendar.ts';
import { formatDateTime, formatDuration, formatTime } from '../../platform/views/format.ts';
import { releaseServiceCapacityFigure, updateServiceCapacity } from '../directory/index.ts';
import { accessTo, auditDenied, auditPeople, type Involvement, PEOPLE_READ, PEOPLE_WRITE, type PersonAccess, type PersonSource, type TimelineEntry } from '../people/index.ts';
import { type DischargedFrom, scheduleFollowUp } from './follow-up.ts';
import { paths } from './paths.ts';
import { CANCEL_REASONS, type CancelForm, type HoldForm, MANAGE, PLACE_KINDS, type PlaceForm } from './place-schemas.ts';
import * as store from './place-store.ts';
import type { CounterRow, HoldWithNames, PlaceKind, PlaceRow } from './place-store.ts';

export const SOURCE = 'crisis-places';
export const HOLD_EXPIRY_TIMER = 'crisis:hold-expiry';
const PURPOSE = 'direct care';

const KIND_TEXT: Record<PlaceKind, string> = Object.fromEntries(PLACE_KINDS.map((k) => [k.value, k.text])) as Record<PlaceKind, string>;
const KIND_UNIT: Record<PlaceKind, string> = Object.fromEntries(PLACE_KINDS.map((k) => [k.value, k.unit])) as Record<PlaceKind, string>;

/**
 * What may stand in for a full place, nearest first: somewhere to stay for a stay, somewhere to go in
 * the evening for an evening place. Home treatment is offered for a stay, as crisis teams do.
 */
export const SUITABLE: Record<PlaceKind, PlaceKind[]> = {
  'crisis-house': ['crisis-house', 'respite', 'home-treatment', 'sanctuary'],
  respite: ['respite', 'crisis-house', 'home-treatment'],
  sanctuary: ['sanctuary', 'crisis-cafe', 'crisis-house'],
  'crisis-cafe': ['crisis-cafe', 'sanctuary'],
  'home-treatment': ['home-treatment', 'crisis-house', 'respite'],
};

/** Discharge from these schedules a follow-up within 72 hours (follow-up.ts). */
const FOLLOW_UP_FROM: Partial<Record<PlaceKind, DischargedFrom>> = { 'crisis-house': 'crisis-house', sanctuary: 'sanctuary' };

// ---- describing a place ----

function hoursOf(place: Pick<PlaceRow, 'opening_hours'>): OpeningHours | null {
  return openingHoursFromJson(place.opening_hours);
}

/** "at 18:00 today", "at midnight", "tomorrow at 09:00", "4 December at 17:00" (London time). */
function dayAndTime(at: Date, now: Date): string {
  const day = (d: Date) => londonDate(d);
  const tomorrow = day(new Date(now.getTime() + 86_400_000));
  if (day(at) === day(now)) return `at ${formatTime(at)} today`;
  if (day(at) === tomorrow && formatTime(at) === '00:00') return 'at midnight';
  if (day(at) === tomorrow) return `tomorrow at ${formatTime(at)}`;
  return formatDateTime(at).replace(/ \d{4} at /, ' at ');
}

/** "Open 24 hours", "Open now, closes at 00:00 today", "Closed, opens at 18:00 today". */
export function openText(hours: OpeningHours | null, now: Date): { open: boolean; text: string } {
  if (hours === null) return { open: true, text: 'Open 24 hours' };
  if (isOpenAt(hours, now)) {
    const closes = nextClosing(hours, now);
    return { open: true, text: closes ? `Open now, closes ${dayAndTime(closes, now)}` : 'Open now' };
  }
  const opens = nextOpening(hours, now);
  return { open: false, text: opens ? `Closed, opens ${dayAndTime(opens, now)}` : 'Closed' };
}

/** The HSDS 3.1 capacity of a place: what its directory service shows. */
export function capacityOf(place: Pick<PlaceRow, 'maximum' | 'held' | 'occupied' | 'unit' | 'capacity_updated_at'>) {
  return { available: Math.max(0, place.maximum - place.held - place.occupied), maximum: place.maximum, unit: place.unit, updated: place.capacity_updated_at };
}

export function describePlace(place: PlaceRow, now: Date) {
  const capacity = capacityOf(place);
  const state = openText(hoursOf(place), now);
  const closed = place.status !== 'active';
  return {
    id: place.id,
    name: place.name,
    kind: place.kind,
    kindText: KIND_TEXT[place.kind],
    area: place.area,
    description: place.description,
    teamId: place.team_id,
    teamName: place.team_name,
    status: place.status,
    directoryServiceId: place.directory_service_id,
    holdHours: place.hold_hours,
    capacity,
    held: place.held,
    occupied: place.occupied,
    open: !closed && state.open,
    openText: closed ? 'Not taking people' : state.text,
    availableText: `${capacity.available} of ${capacity.maximum} ${place.unit} available`,
    heldText: place.held === 0 ? 'None held' : `${place.held} held`,
    occupiedText: `${place.occupied} in use`,
    full: capacity.available === 0,
    updatedText: formatDateTime(place.capacity_updated_at),
    hoursText: hoursInWords(hoursOf(place)),
  };
}
export type DescribedPlace = ReturnType<typeof describePlace>;

const DAY_WORDS = { mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday' } as const;

/** Opening hours in words, one line a day ("Monday: 18:00 to 00:00"). */
export function hoursInWords(hours: OpeningHours | null): string[] {
  if (hours === null) return ['Open 24 hours, every day'];
  const lines = (Object.keys(DAY_WORDS) as (keyof typeof DAY_WORDS)[]).map((d) => {
    const sessions = hours.weekly[d] ?? [];
    return `${DAY_WORDS[d]}: ${sessions.length ? sessions.map((s) => `${s.opens} to ${s.closes === '24:00' ? '00:00' : s.closes}`).join(', ') : 'closed'}`;
  });
  const bh = hours.bankHolidays;
  lines.push(`Bank holidays: ${bh === 'closed' ? 'closed' : bh === 'open' ? 'as usual' : bh.map((s) => `${s.opens} to ${s.closes}`).join(', ')}`);
  return lines;
}

// ---- the availability board ----

/** Every place with its availability now (no person is named: counts only). */
export async function availabilityBoard(platform: Platform) {
  const now = platform.clock.now();
  const places = (await store.allPlaces(platform.db.read)).map((p) => describePlace(p, now));
  return { now: now.toISOString(), updatedText: formatDateTime(now), places };
}

/** Active places of a suitable kind with room now and open now: what to offer when a place is full. */
export async function alternativesTo(platform: Platform, place: Pick<PlaceRow, 'id' | 'kind'>): Promise<DescribedPlace[]> {
  const now = platform.clock.now();
  const kinds = SUITABLE[place.kind];
  const rows = await store.placesWithRoom(platform.db.read, kinds, place.id);
  return rows
    .map((p) => describePlace(p, now))
    .filter((p) => p.open)
    .sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || b.capacity.available - a.capacity.available || a.name.localeCompare(b.name));
}

/** A hold on a full place was refused: what else is open now, for the page and the problem response. */
export class PlaceFullError extends ConflictError {
  constructor(
    readonly place: DescribedPlace,
    readonly alternatives: DescribedPlace[],
  ) {
    super(`${place.name} is full: no ${place.capacity.unit} are free to hold`, {
      type: 'https://mutual.invalid/problems/place-full',
      placeId: place.id,
      capacity: place.capacity,
      alternatives: alternatives.map((a) => ({ id: a.id, name: a.name, kind: a.kind, area: a.area, openText: a.openText, capacity: a.capacity, holdUrl: paths.placeHoldNew(a.id) })),
    });
    this.name = 'PlaceFullError';
  }
}

// ---- people on the pages ----

async function accessOrNull(platform: Platform, db: Kysely<DB>, actor: Actor, personId: string, permission: string): Promise<PersonAccess | null> {
  return accessTo(platform, db, actor, personId, permission);
}

function personName(h: Pick<HoldWithNames, 'given_name' | 'family_name'>): string {
  return `${h.given_name} ${h.family_name}`;
}

function holdView(h: HoldWithNames, now: Date, named: boolean) {
  const left = new Date(h.expires_at).getTime() - now.getTime();
  return {
    id: h.id,
    status: h.status,
    statusText: STATUS_TEXT[h.status],
    personId: named ? h.person_id : null,
    personName: named ? personName(h) : null,
    heldAt: h.held_at,
    heldByName: h.held_by_name,
    teamName: h.team_name,
    expiresAt: h.expires_at,
    admittedAt: h.admitted_at,
    timeLeftText: h.status !== 'held' ? null : left > 0 ? `Expires in ${formatDuration(left)} (at ${formatTime(h.expires_at)})` : `Expired at ${formatTime(h.expires_at)}: being released`,
    note: named ? h.note : null,
  };
}

const STATUS_TEXT: Record<string, string> = { held: 'Held', admitted: 'Staying', discharged: 'Discharged', cancelled: 'Cancelled', expired: 'Expired' };

/**
 * A place, its holds and stays in force. A person is named only to someone who may see them; each
 * person named is audited.
 */
export async function placePage(platform: Platform, actor: Actor, placeId: string, address?: string | null) {
  const db = platform.db.read;
  const row = await store.placeById(db, placeId);
  if (!row) throw new NotFoundError();
  const now = platform.clock.now();
  const holds = await store.currentHoldsAt(db, placeId);
  const shown: { hold: HoldWithNames; access: PersonAccess | null }[] = [];
  for (const hold of holds) shown.push({ hold, access: await accessOrNull(platform, db, actor, hold.person_id, PEOPLE_READ) });
  const named = shown.filter((s) => s.access);
  if (named.length > 0) {
    await platform.db.write(async (tx) => {
      for (const s of named) await auditPeople(tx, now, s.access!, 'crisis.places.view', [s.hold.person_id], { type: 'crisis-place-hold', id: s.hold.id }, address);
    });
  }
  return {
    place: describePlace(row, now),
    holds: shown.map((s) => holdView(s.hold, now, s.access !== null)),
    mayManage: teamsWhere(actor, MANAGE).includes(row.team_id),
  };
}

/** One hold, for someone who may see its person (audited); not found otherwise. */
export async function holdPage(platform: Platform, actor: Actor, holdId: string, address?: string | null) {
  const db = platform.db.read;
  const hold = await store.holdWithNames(db, holdId);
  if (!hold) throw new NotFoundError();
  const access = await accessOrNull(platform, db, actor, hold.person_id, PEOPLE_READ);
  if (!access) {
    await auditDenied(platform, actor, hold.person_id, 'crisis.holds.view', address);
    throw new NotFoundError();
  }
  const place = await store.placeById(db, hold.place_id);
  const now = platform.clock.now();
  await platform.db.write((tx) => auditPeople(tx, now, access, 'crisis.holds.view', [hold.person_id], { type: 'crisis-place-hold', id: hold.id }, address));
  return {
    hold: { ...holdView(hold, now, true), dischargedAt: hold.discharged_at, dischargeNote: hold.discharge_note, releasedAt: hold.released_at, releaseReason: hold.release_reason, episodeId: hold.episode_id },
    place: describePlace(place!, now),
    followUp: place ? FOLLOW_UP_FROM[place.kind] !== undefined : false,
  };
}

/** The hold form: the place, and the person when one is named and the actor may hold for them. */
export async function holdForm(platform: Platform, actor: Actor, placeId: string, personId?: string | null) {
  const db = platform.db.read;
  const row = await store.placeById(db, placeId);
  if (!row) throw new NotFoundError();
  let person: { id: string; name: string } | null = null;
  if (personId && /^[0-9a-f-]{36}$/i.test(personId)) {
    const access = await accessOrNull(platform, db, actor, personId, PEOPLE_WRITE);
    if (access) {
      const people = await store.personNameOf(db, access.rootId);
      if (people) {
        person = { id: people.id, name: `${people.given_name} ${people.family_name}` };
        await platform.db.write((tx) => auditPeople(tx, platform.clock.now(), access, 'crisis.holds.form', [access.rootId], null));
      }
    }
  }
  return { place: describePlace(row, platform.clock.now()), person };
}

// ---- keeping the directory in step ----

/** The live channel of the availability board: each change of a place's counts, by id and numbers only (no person). */
export const PLACES_CHANNEL = 'crisis:places';

/**
 * Everything that follows a change of a place's counts, in the caller's unit of work: the directory
 * service's capacity (HSDS 3.1 service_capacity) and a live event for boards.
 */
async function syncDirectory(tx: Kysely<DB>, counters: CounterRow, change = 'capacity'): Promise<void> {
  const available = Math.max(0, counters.maximum - counters.held - counters.occupied);
  if (counters.directory_service_id) {
    await updateServiceCapacity(tx, counters.directory_service_id, { available, maximum: counters.maximum, unit: counters.unit, updated: counters.capacity_updated_at });
  }
  await publishLiveEvent(tx, PLACES_CHANNEL, { placeId: counters.id, change, available, maximum: counters.maximum, held: counters.held, occupied: counters.occupied }, new Date(counters.capacity_updated_at));
}

async function event(tx: Kysely<DB>, counters: CounterRow, kind: 'opened' | 'changed' | 'hold' | 'admit' | 'discharge' | 'cancel' | 'expire', at: string, by: { userId: string | null; teamId: string | null }, holdId: string | null, note: string | null) {
  await store.insertEvent(tx, {
    place_id: counters.id,
    hold_id: holdId,
    kind,
    at,
    by_user_id: by.userId,
    team_id: by.teamId,
    held_after: counters.held,
    occupied_after: counters.occupied,
    maximum_after: counters.maximum,
    note,
  });
}

/** The actor's memberships whose role grants the permission. */
function grantingMemberships(actor: Extract<Actor, { kind: 'user' }>, permission: string): Membership[] {
  return actor.memberships.filter((m) => GRANTS[m.role]?.includes(permission));
}

const expiryKey = (holdId: string) => `${HOLD_EXPIRY_TIMER}:${holdId}`;

// ---- holding, admitting, cancelling, discharging ----

export interface HeldPlace {
  holdId: string;
  placeId: string;
  personId: string;
  status: 'held' | 'admitted';
  expiresAt: string;
  capacity: ReturnType<typeof capacityOf>;
}

/** The person the actor may hold a place for (people:write access), or an error on the form's field. */
async function personToHoldFor(platform: Platform, actor: Actor, personId: string, address?: string | null): Promise<PersonAccess> {
  const access = await accessOrNull(platform, platform.db.read, actor, personId, PEOPLE_WRITE);
  if (!access) {
    await auditDenied(platform, actor, personId, 'crisis.holds.create', address);
    throw new InputError([{ field: 'personId', message: 'Enter the record ID of a person your team is working with: no such record can be found for you' }]);
  }
  return access;
}

/**
 * Holds a unit of the place for the person (or admits them at once, for a walk-in). Refused with
 * PlaceFullError, listing the alternatives open now, when the place has no room.
 */
export async function holdPlace(platform: Platform, actor: Actor, placeId: string, form: HoldForm, address?: string | null): Promise<HeldPlace> {
  // The place and the person are looked up together (the hot path's latency); the place decides first.
  const [found, checked] = await Promise.allSettled([store.placeById(platform.db.read, placeId), personToHoldFor(platform, actor, form.personId, address)]);
  if (found.status === 'rejected') throw found.reason;
  const place = found.value;
  if (!place) throw new NotFoundError();
  if (place.status !== 'active') throw new ConflictError(`${place.name} is not taking people at the moment`);
  if (checked.status === 'rejected') throw checked.reason;
  const access = checked.value;
  if (form.episodeId) {
    const episode = await store.episodePerson(platform.db.read, form.episodeId);
    if (!episode || (episode.person_id && !access.recordIds.includes(episode.person_id))) {
      throw new InputError([{ field: 'episodeId', message: 'The crisis episode is not this person’s: open the form from the episode again' }]);
    }
  }
  const admitNow = form.admitNow === 'yes';
  const hours = form.hours ?? place.hold_hours;
  const personId = access.rootId;
  const holdId = newId();
  try {
    const held = await platform.db.write(async (tx) => {
      const now = platform.clock.now();
      const at = now.toISOString();
      const taken = await store.takeForHold(tx, placeId, at);
      if (!taken) throw new PlaceFullError(describePlace(place, now), []);
      const counters = admitNow ? await store.heldToOccupied(tx, placeId, at) : taken;
      if (!counters) throw new Error('A unit just taken could not be admitted.');
      const expiresAt = new Date(now.getTime() + hours * 3_600_000).toISOString();
      await store.insertHold(tx, {
        id: holdId,
        place_id: placeId,
        person_id: personId,
        episode_id: form.episodeId ?? null,
        status: admitNow ? 'admitted' : 'held',
        team_id: access.teamId,
        note: form.note ?? null,
        held_by: access.user.userId,
        held_at: at,
        expires_at: expiresAt,
        admitted_by: admitNow ? access.user.userId : null,
        admitted_at: admitNow ? at : null,
        discharged_by: null,
        discharged_at: null,
        discharge_note: null,
        released_by: null,
        released_at: null,
        release_reason: null,
        updated_at: at,
      });
      const by = { userId: access.user.userId, teamId: access.teamId };
      await event(tx, taken, 'hold', at, by, holdId, admitNow ? 'Admitted at once' : `Held for ${hours} ${hours === 1 ? 'hour' : 'hours'}`);
      if (admitNow) await event(tx, counters, 'admit', at, by, holdId, form.note ?? null);
      else await scheduleNewTimer(tx, { kind: HOLD_EXPIRY_TIMER, dueAt: new Date(expiresAt), payload: { holdId }, dedupeKey: expiryKey(holdId) });
      await syncDirectory(tx, counters, admitNow ? 'admit' : 'hold');
      await auditPeople(tx, now, access, admitNow ? 'crisis.holds.admit' : 'crisis.holds.create', [personId], { type: 'crisis-place-hold', id: holdId }, address);
      return { holdId, placeId, personId, status: admitNow ? ('admitted' as const) : ('held' as const), expiresAt, capacity: capacityOf(counters) };
    }, placeKey(placeId));
    return held;
  } catch (error) {
    if (!(error instanceof PlaceFullError)) throw error;
    // Refused: kept in the person's audit trail, and answered with what is open now instead.
    await platform.db.write((tx) => auditPeople(tx, platform.clock.now(), access, 'crisis.holds.create', [personId], { type: 'crisis-place', id: placeId }, address, 'denied'));
    const fresh = (await store.placeById(platform.db.read, placeId)) ?? place;
    throw new PlaceFullError(describePlace(fresh, platform.clock.now()), await alternativesTo(platform, place));
  }
}

/**
 * Every change of a place's counters changes its one row: units that do say so, so the database runs
 * them in one lane's batches rather than in two transactions where the second waits on the first's
 * row lock (src/platform/db/database.ts).
 */
function placeKey(placeId: string): { key: string } {
  return { key: `crisis-place:${placeId}` };
}

/** Who acts on a person's hold, for the audit trail: the people module's access, or the same facts from the hold itself. */
type Acting = Pick<PersonAccess, 'user' | 'role' | 'teamId' | 'purpose'>;

/**
 * The hold and the actor's write access to its person; not found when there is no such hold or no
 * access. A hold in force makes its holding team and its place's team involved with the person
 * (placesPersonSource), so a member of either with `people:write` is let through from the hold itself,
 * without asking every module (the same answer `accessTo` gives, at a fraction of the cost on the hot
 * path); anyone else is asked of the people module (another involvement, break glass).
 */
async function holdForChange(platform: Platform, actor: Actor, holdId: string, action: string, address?: string | null): Promise<{ hold: store.HoldRow; access: Acting }> {
  const hold = await store.holdWithPlaceTeam(platform.db.read, holdId);
  if (!hold) throw new NotFoundError();
  if (actor.kind === 'user' && (hold.status === 'held' || hold.status === 'admitted')) {
    const teams = new Set([hold.team_id, hold.place_team_id]);
    const membership = grantingMemberships(actor, PEOPLE_WRITE).find((m) => m.teamId !== null && teams.has(m.teamId));
    if (membership) return { hold, access: { user: actor, role: membership.role, teamId: membership.teamId, purpose: PURPOSE } };
  }
  const access = await accessOrNull(platform, platform.db.read, actor, hold.person_id, PEOPLE_WRITE);
  if (!access) {
    await auditDenied(platform, actor, hold.person_id, action, address);
    throw new NotFoundError();
  }
  return { hold, access };
}

const ENDED = 'This hold has changed since the page was opened: it may have been admitted, cancelled or released. Nothing was saved.';

/** The person arrives: the hold becomes an admission (held → occupied). */
export async function admitHold(platform: Platform, actor: Actor, holdId: string, note: string | null, address?: string | null): Promise<void> {
  const { hold, access } = await holdForChange(platform, actor, holdId, 'crisis.holds.admit', address);
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const at = now.toISOString();
    if (hold.status === 'held' && hold.expires_at <= at) throw new ConflictError(`This hold expired at ${formatTime(hold.expires_at)} and is being released. Hold the place again if there is still room.`);
    const moved = await store.moveHold(tx, holdId, 'held', { status: 'admitted', admitted_by: access.user.userId, admitted_at: at, updated_at: at });
    if (!moved) throw new ConflictError(ENDED);
    const counters = await store.heldToOccupied(tx, hold.place_id, at);
    if (!counters) throw new Error('A held place had no unit held.');
    await cancelTimers(tx, { dedupeKey: expiryKey(holdId) });
    await event(tx, counters, 'admit', at, { userId: access.user.userId, teamId: access.teamId }, holdId, note);
    await syncDirectory(tx, counters, 'admit');
    await auditPeople(tx, now, access, 'crisis.holds.admit', [hold.person_id], { type: 'crisis-place-hold', id: holdId }, address);
  }, placeKey(hold.place_id));
}

/** The hold is given up before an admission, with a reason. */
export async function cancelHold(platform: Platform, actor: Actor, holdId: string, form: CancelForm, address?: string | null): Promise<void> {
  const { hold, access } = await holdForChange(platform, actor, holdId, 'crisis.holds.cancel', address);
  const reason = [CANCEL_REASONS.find((r) => r.value === form.reasonKind)?.text, form.reason].filter(Boolean).join(': ');
  await platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const at = now.toISOString();
    const moved = await store.moveHold(tx, holdId, 'held', { status: 'cancelled', released_by: access.user.userId, released_at: at, release_reason: reason, updated_at: at });
    if (!moved) throw new ConflictError(ENDED);
    const counters = await store.releaseHeld(tx, hold.place_id, at);
    if (!counters) throw new Error('A held place had no unit held.');
    await cancelTimers(tx, { dedupeKey: expiryKey(holdId) });
    await event(tx, counters, 'cancel', at, { userId: access.user.userId, teamId: access.teamId }, holdId, reason);
    await syncDirectory(tx, counters, 'cancel');
    await auditPeople(tx, now, access, 'crisis.holds.cancel', [hold.person_id], { type: 'crisis-place-hold', id: holdId }, address);
  }, placeKey(hold.place_id));
}

/**
 * The person leaves: the stay ends and its unit is free again. From a crisis house or a sanctuary this
 * schedules the follow-up within 72 hours (follow-up.ts) for the team that held the place.
 */
export async function dischargeHold(platform: Platform, actor: Actor, holdId: string, note: string, address?: string | null): Promise<{ followUpTaskId: string | null }> {
  const { hold, access } = await holdForChange(platform, actor, holdId, 'crisis.holds.discharge', address);
  return platform.db.write(async (tx) => {
    const now = platform.clock.now();
    const at = now.toISOString();
    const moved = await store.moveHold(tx, holdId, 'admitted', { status: 'discharged', discharged_by: access.user.userId, discharged_at: at, discharge_note: note, updated_at: at });
    if (!moved) throw new ConflictError('This person is not staying here now: they may have been discharged already. Nothing was saved.');
    const counters = await store.releaseOccupied(tx, hold.place_id, at);
    if (!counters) throw new Error('A stay had no unit occupied.');
    await event(tx, counters, 'discharge', at, { userId: access.user.userId, teamId: access.teamId }, holdId, note);
    await syncDirectory(tx, counters, 'discharge');
    await auditPeople(tx, now, access, 'crisis.holds.discharge', [hold.person_id], { type: 'crisis-place-hold', id: holdId }, address);
    const from = FOLLOW_UP_FROM[counters.kind];
    if (!from) return { followUpTaskId: null };
    const followUp = await scheduleFollowUp(platform, tx, {
      personId: hold.person_id,
      teamId: hold.team_id ?? counters.team_id,
      dischargedAt: now,
      from,
      sourceId: holdId,
      by: access.user.userId,
      byRole: access.role,
    });
    return { followUpTaskId: followUp.taskId };
  }, placeKey(hold.place_id));
}

/** The expiry timer: a hold still held at its expiry is released (its unit given back), by the system. */
export async function onHoldExpiry(platform: Platform, tx: Tx, payload: unknown): Promise<void> {
  const holdId = (payload as { holdId?: string } | null)?.holdId;
  if (!holdId) return;
  const now = platform.clock.now();
  const at = now.toISOString();
  const hold = await store.holdById(tx, holdId);
  if (hold?.status !== 'held') return;
  // Due early (a clock moved back, a timer claimed before its time): try again at the expiry.
  if (hold.expires_at > at) throw new Error('The hold has not expired yet.');
  const moved = await store.moveHold(tx, holdId, 'held', { status: 'expired', released_at: at, release_reason: 'Expired: not confirmed in time', updated_at: at });
  if (!moved) return;
  const counters = await store.releaseHeld(tx, hold.place_id, at);
  if (!counters) throw new Error('A held place had no unit held.');
  await event(tx, counters, 'expire', at, { userId: null, teamId: null }, holdId, `Held until ${formatTime(hold.expires_at)}: not confirmed in time`);
  await syncDirectory(tx, counters, 'expire');
  await recordAudit(tx, {
    at: now,
    actorUserId: null,
    actorRole: 'system',
    actorTeamId: hold.team_id,
    action: 'crisis.holds.expire',
    entityType: 'crisis-place-hold',
    entityId: holdId,
    personId: hold.person_id,
    purpose: PURPOSE,
    outcome: 'success',
  });
}

// ---- managing places ----

/** The teams the actor may run places for (team leads, `crisis:places:manage`). */
export async function managedTeams(platform: Platform, actor: Actor) {
  return store.teamsByIds(platform.db.read, teamsWhere(actor, MANAGE));
}

function hoursFromForm(form: PlaceForm, teamHours: string | null, current: string | null): string | null {
  switch (form.hoursKind) {
    case 'always':
      return null;
    case 'daily': {
      const s = [{ opens: form.opens!, closes: form.closes! }];
      const hours: OpeningHours = { weekly: { mon: s, tue: s, wed: s, thu: s, fri: s, sat: s, sun: s }, bankHolidays: 'open' };
      return toJson(hours);
    }
    case 'team':
      return teamHours;
    case 'keep':
      return current;
  }
}

async function teamFor(platform: Platform, actor: Actor, teamId: string) {
  const team = (await managedTeams(platform, actor)).find((t) => t.id === teamId);
  if (!team) throw new InputError([{ field: 'teamId', message: 'Choose a team you lead' }]);
  return { ...team, opening_hours: await store.teamOpeningHours(platform.db.read, teamId) };
}

async function checkService(platform: Platform, serviceId: string | undefined): Promise<void> {
  if (!serviceId) return;
  if (!(await store.directoryServiceExists(platform.db.read, serviceId))) throw new InputError([{ field: 'directoryServiceId', message: 'No directory service has this ID: check it on the service’s page, or leave it blank' }]);
}

async function auditPlace(tx: Kysely<DB>, at: Date, actor: Actor, action: string, placeId: string, teamId: string, address?: string | null) {
  if (actor.kind !== 'user') return;
  const role = actor.memberships.find((m) => m.teamId === teamId)?.role ?? null;
  await recordAudit(tx, { at, actorUserId: actor.userId, actorRole: role, actorTeamId: teamId, action, entityType: 'crisis-place', entityId: placeId, purpose: 'running a service', outcome: 'success', address: address ?? null });
}

/** A new place, run by a team the actor leads; linked to its directory service, whose capacity it sets. */
export async function createPlace(platform: Platform, actor: Actor, form: PlaceForm, address?: string | null): Promise<string> {
  const team = await teamFor(platform, actor, form.teamId);
  await checkService(platform, form.directoryServiceId);
  const id = newId();
  await platform.db.write(async (tx) => {
    const at = platform.clock.now().toISOString();
    const row = {
      id,
      name: form.name,
      kind: form.kind,
      unit: KIND_UNIT[form.kind],
      description: form.description ?? null,
      area: form.area ?? null,
      team_id: team.id,
      organisation_id: team.organisation_id,
      directory_service_id: form.directoryServiceId ?? null,
      maximum: form.maximum,
      opening_hours: hoursFromForm(form, team.opening_hours, null),
      hold_hours: form.holdHours,
      status: form.status ?? 'active',
      capacity_updated_at: at,
      created_at: at,
      updated_at: at,
    };
    await store.insertPlace(tx, row);
    const counters = { ...row, held: 0, occupied: 0 };
    await event(tx, counters, 'opened', at, { userId: actor.kind === 'user' ? actor.userId : null, teamId: team.id }, null, null);
    await syncDirectory(tx, counters);
    await auditPlace(tx, new Date(at), actor, 'crisis.places.create', id, team.id, address);
  });
  return id;
}

/** The place form's values for a place the actor may change (a lead of its team). */
export async function placeForChange(platform: Platform, actor: Actor, placeId: string) {
  const row = await store.placeById(platform.db.read, placeId);
  if (!row || !teamsWhere(actor, MANAGE).includes(row.team_id)) throw new NotFoundError();
  return row;
}

/** Changes a place. The maximum cannot go below what is held and in use now; a form opened before another change is refused. */
export async function changePlace(platform: Platform, actor: Actor, placeId: string, form: PlaceForm, address?: string | null): Promise<void> {
  const current = await placeForChange(platform, actor, placeId);
  if (form.teamId !== current.team_id) throw new InputError([{ field: 'teamId', message: 'A place stays with the team that runs it: make a new place for another team' }]);
  const team = await teamFor(platform, actor, form.teamId);
  await checkService(platform, form.directoryServiceId);
  await platform.db.write(async (tx) => {
    const at = platform.clock.now().toISOString();
    const now = await store.placeById(tx, placeId);
    if (!now) throw new NotFoundError();
    if (form.version !== undefined && form.version !== now.version) throw new ConflictError('Someone changed this place since you opened the form. Nothing was saved: open it again to see their change.');
    if (form.maximum < now.held + now.occupied) {
      throw new InputError([{ field: 'maximum', message: `The most it can take must be ${now.held + now.occupied} or more: that many are held or in use now` }]);
    }
    const capacityChanged = form.maximum !== now.maximum;
    const counters = await store.updatePlace(tx, placeId, now.version, {
      name: form.name,
      kind: form.kind,
      unit: KIND_UNIT[form.kind],
      description: form.description ?? null,
      area: form.area ?? null,
      directory_service_id: form.directoryServiceId ?? null,
      maximum: form.maximum,
      opening_hours: hoursFromForm(form, team.opening_hours, now.opening_hours),
      hold_hours: form.holdHours,
      status: form.status ?? now.status,
      updated_at: at,
      capacity_updated_at: capacityChanged ? at : now.capacity_updated_at,
    });
    if (!counters) throw new ConflictError('Someone changed this place since you opened the form. Nothing was saved: open it again to see their change.');
    // Unlinked from its directory service (or counted in another unit now): the directory's figure is the service's own again.
    if (now.directory_service_id && (now.directory_service_id !== counters.directory_service_id || now.unit !== counters.unit)) {
      await releaseServiceCapacityFigure(tx, now.directory_service_id, now.unit);
    }
    await event(tx, counters, 'changed', at, { userId: actor.kind === 'user' ? actor.userId : null, teamId: team.id }, null, capacityChanged ? `Most it can take: ${now.maximum} to ${form.maximum}` : null);
    await syncDirectory(tx, counters);
    await auditPlace(tx, new Date(at), actor, 'crisis.places.change', placeId, team.id, address);
  });
}

// ---- the occupancy history ----

const EVENT_TEXT: Record<string, string> = {
  opened: 'Place added',
  changed: 'Place changed',
  hold: 'Held',
  admit: 'Admitted',
  discharge: 'Discharged',
  cancel: 'Hold cancelled',
  expire: 'Hold expired and released',
};

export const HISTORY_PAGE_SIZE = 50;

/** A place's history, newest first, a page at a time. People are named only to those who may see them (audited). */
export async function placeHistory(platform: Platform, actor: Actor, placeId: string, page: number, address?: string | null) {
  const db = platform.db.read;
  const row = await store.placeById(db, placeId);
  if (!row) throw new NotFoundError();
  const [events, total] = await Promise.all([store.placeEvents(db, placeId, HISTORY_PAGE_SIZE, (page - 1) * HISTORY_PAGE_SIZE), store.countPlaceEvents(db, placeId)]);
  const accesses = new Map<string, PersonAccess | null>();
  for (const e of events) if (e.person_id && !accesses.has(e.person_id)) accesses.set(e.person_id, await accessOrNull(platform, db, actor, e.person_id, PEOPLE_READ));
  const now = platform.clock.now();
  const named = [...accesses.entries()].filter((e): e is [string, PersonAccess] => e[1] !== null);
  if (named.length > 0) {
    await platform.db.write(async (tx) => {
      for (const [personId, access] of named) await auditPeople(tx, now, access, 'crisis.places.history.view', [personId], { type: 'crisis-place', id: placeId }, address);
    });
  }
  return {
    place: describePlace(row, now),
    page,
    pages: Math.max(1, Math.ceil(total / HISTORY_PAGE_SIZE)),
    total,
    events: events.map((e) => {
      const mayName = e.person_id ? accesses.get(e.person_id) != null : false;
      return {
        id: e.id,
        at: e.at,
        kindText: EVENT_TEXT[e.kind] ?? e.kind,
        who: e.person_id ? (mayName ? `${e.given_name} ${e.family_name}` : 'A person your team is not working with') : null,
        holdHref: e.hold_id && mayName ? paths.hold(e.hold_id) : null,
        byName: e.by_name ?? (e.kind === 'expire' ? 'Mutual (the hold’s time ran out)' : null),
        teamName: e.team_name,
        after: `${e.held_after} held, ${e.occupied_after} in use, of ${e.maximum_after}`,
        note: mayName || !e.person_id ? e.note : null,
      };
    }),
  };
}

// ---- the person record: involvement and timeline ----

/** Holds and stays make the holding team and the place's team involved; every hold is on the person's timeline. */
export function placesPersonSource(): PersonSource {
  return {
    name: SOURCE,
    async involvement(db, { personIds, teams }) {
      if (teams.length === 0) return [];
      const teamIds = new Set(teams.map((t) => t.teamId));
      const found: Involvement[] = [];
      for (const h of await store.currentHoldsOf(db, personIds)) {
        const teamId = h.team_id && teamIds.has(h.team_id) ? h.team_id : teamIds.has(h.place_team_id) ? h.place_team_id : null;
        if (!teamId) continue;
        const text = h.status === 'held' ? `Place held at ${h.place_name} until ${formatDateTime(h.expires_at)}` : `Staying at ${h.place_name} since ${formatDateTime(h.admitted_at)}`;
        found.push({ source: SOURCE, kind: h.status === 'held' ? 'hold' : 'stay', teamId, text, href: paths.hold(h.id) });
      }
      return found;
    },
    async timeline(db, personIds) {
      const entries: TimelineEntry[] = [];
      for (const h of await store.holdsOf(db, personIds)) {
        const base = { source: SOURCE, personId: h.person_id, href: paths.hold(h.id) };
        entries.push({ ...base, at: h.held_at, kind: 'place-hold', title: `Place held at ${h.place_name} until ${formatDateTime(h.expires_at)}`, detail: h.note, by: h.held_by_name });
        if (h.admitted_at) entries.push({ ...base, at: h.admitted_at, kind: 'place-admit', title: `Admitted to ${h.place_name}`, by: h.admitted_by_name });
        if (h.discharged_at) entries.push({ ...base, at: h.discharged_at, kind: 'place-discharge', title: `Discharged from ${h.place_name}`, detail: h.discharge_note, by: h.discharged_by_name });
        if (h.released_at) {
          const expired = h.status === 'expired';
          entries.push({ ...base, at: h.released_at, kind: expired ? 'place-expire' : 'place-cancel', title: expired ? `Hold on ${h.place_name} expired` : `Hold on ${h.place_name} cancelled`, detail: h.release_reason, by: expired ? null : h.released_by_name });
        }
      }
      return entries;
    },
  };
}

/** For the demo and tests: opening hours as stored. */
export function openingHoursJson(hours: OpeningHours | null): string | null {
  return hours === null ? null : toJson(hours);
}

